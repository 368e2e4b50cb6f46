"""Writes of the mobility app — feeds."""

from __future__ import annotations

import csv
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import require_role
from kyoso.core.errors import DomainError, NotFoundError
from kyoso.core.models import City, Role, User
from kyoso.core.selectors import base_map_forget
from kyoso.core.services import audit_record
from kyoso.mobility.algorithms.gtfs_feed import FeedLimits, read_feed
from kyoso.mobility.algorithms.gtfs_validation import Problem
from kyoso.mobility.models import Feed
from kyoso.mobility.services.feed_writer import delete_feed_rows, storage_problems, write_feed

FEED_ROLES = (Role.OPERATOR, Role.STAFF)


@dataclass(slots=True)
class FeedImportResult:
    """The outcome of an import: ``feed`` is None when validation rejected it."""

    feed: Feed | None
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.feed is not None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def report(self) -> list[dict[str, object]]:
        return [
            {
                "severity": p.severity,
                "file": p.file,
                "line": p.line,
                "field": p.field,
                "message": p.message,
            }
            for p in self.problems
        ]


def feed_import(
    *,
    city: City,
    source: str | Path,
    actor: User | None,
    operator_name: str = "",
    is_demo: bool = False,
    max_problems: int = 500,
) -> FeedImportResult:
    """Return the import result; a valid feed replaces the same operator's feed atomically.

    A feed with errors writes nothing and returns the report (file, line, field, message).
    """
    started = time.perf_counter()
    path = Path(source)
    if not path.exists():
        raise DomainError(_("The feed file or folder was not found."), field="source")
    try:
        limits = FeedLimits(max_total_bytes=settings.KYOSO_GTFS_MAX_UNPACKED_MB * 2**20)
        parsed, report = read_feed(path, limits)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, csv.Error) as exc:
        problem = Problem("error", path.name, 0, "", str(exc))  # a corrupt zip, for example
        return FeedImportResult(None, [problem], time.perf_counter() - started)
    stored = storage_problems(parsed) if report.ok else []
    problems = (report.errors + stored)[:max_problems] + report.warnings[
        : max(0, max_problems - 100)
    ]
    if not report.ok or stored:
        return FeedImportResult(None, problems, time.perf_counter() - started)
    name = operator_name or (parsed.agencies[0].name if parsed.agencies else path.stem)
    info = parsed.feed_info
    version = info.get("feed_version") or timezone.now().strftime("%Y%m%d-%H%M%S")
    with transaction.atomic():
        feed_row = Feed.objects.create(
            city=city,
            operator_name=name[:120],
            source=str(path.name)[:300],
            version=version[:80],
            imported_by=actor if actor is not None and actor.is_authenticated else None,
            is_demo=is_demo,
            report=FeedImportResult(None, problems).report(),
            valid_from=_yyyymmdd(info.get("feed_start_date", "")),
            valid_until=_yyyymmdd(info.get("feed_end_date", "")),
        )
        feed_row.counts = write_feed(city=city, feed_row=feed_row, feed=parsed)
        previous = list(
            Feed.objects.select_for_update()
            .filter(city=city, operator_name=feed_row.operator_name, is_active=True)
            .exclude(pk=feed_row.pk)
        )
        for old in previous:
            delete_feed_rows(old)
        Feed.objects.filter(pk__in=[f.pk for f in previous]).update(is_active=False)
        feed_row.is_active = True
        feed_row.import_seconds = time.perf_counter() - started
        feed_row.save(update_fields=["counts", "is_active", "import_seconds"])
        audit_record(
            city=city,
            actor=actor,
            action="mobility.feed_import",
            obj=feed_row,
            details={"counts": feed_row.counts, "replaced": [f.pk for f in previous]},
        )
    from kyoso.mobility.selectors import forget_timetables

    # Only the replaced feed's part of the network is dropped; the other operators' stay.
    forget_timetables([f.pk for f in previous])
    base_map_forget(city)  # the offline base map draws the new stops and route lines
    return FeedImportResult(feed_row, problems, feed_row.import_seconds)


def _yyyymmdd(text: str) -> date | None:
    if len(text) == 8 and text.isdigit():
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
        except ValueError:
            return None
    return None


def feed_upload(
    *, city: City, actor: User, name: str, data: bytes, operator_name: str = ""
) -> FeedImportResult:
    """Return the import result of an uploaded zip (operators and city staff only)."""
    require_role(actor, city, *FEED_ROLES)
    if not data:
        raise DomainError(_("The file is empty."), field="file")
    if not data.startswith(b"PK"):
        raise DomainError(_("Upload the feed as a zip file."), field="file")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / (Path(name).name or "feed.zip")
        path.write_bytes(data)
        return feed_import(city=city, source=path, actor=actor, operator_name=operator_name)


def feed_delete(*, city: City, actor: User, feed_id: int) -> None:
    """Remove an imported feed version and its rows (operators and staff)."""
    require_role(actor, city, *FEED_ROLES)
    feed_row = Feed.objects.filter(city=city, pk=feed_id).first()
    if feed_row is None:
        raise NotFoundError(_("No such feed."))
    with transaction.atomic():
        delete_feed_rows(feed_row)
        audit_record(city=city, actor=actor, action="mobility.feed_delete", obj=feed_row)
        feed_row.delete()
    from kyoso.mobility.selectors import forget_timetables

    forget_timetables([feed_id])
    base_map_forget(city)
