"""Writes of the mobility app: feed imports, real-time state, taxis, crowding, ridership."""

from __future__ import annotations

import csv
import io
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import require_role
from kyoso.core.errors import DomainError, NotFoundError
from kyoso.core.models import City, Role, User
from kyoso.core.services import audit_record
from kyoso.mobility import gtfs_rt
from kyoso.mobility.feed_writer import delete_feed_rows, storage_problems, write_feed
from kyoso.mobility.gtfs_feed import read_feed
from kyoso.mobility.gtfs_validation import Problem
from kyoso.mobility.models import (
    Alert,
    CrowdingLevel,
    Facility,
    FacilityStatus,
    Feed,
    RealtimeStopTimeUpdate,
    RealtimeTripUpdate,
    RidershipRecord,
    Taxi,
    TaxiStatus,
    VehiclePosition,
)

FEED_ROLES = (Role.OPERATOR, Role.STAFF)
CROWDING_ROLES = (Role.CLINIC, Role.OPERATOR, Role.STAFF)
REALTIME_TTL = timedelta(seconds=120)
ALERT_TTL = timedelta(minutes=30)


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
        parsed, report = read_feed(path)
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

    forget_timetables()
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

    forget_timetables()


# ---- GTFS-Realtime -------------------------------------------------------------------------


def _at(posix: int | None, fallback: datetime) -> datetime:
    # Feeds come from outside: an absurd timestamp falls back rather than overflowing.
    return datetime.fromtimestamp(posix, tz=UTC) if posix and 0 < posix < 2**33 else fallback


def _text(value: str, limit: int) -> str:
    return value.replace("\x00", "")[:limit]


def _texts(values: list[str]) -> list[str]:
    return [_text(v, 150) for v in values[:200]]


def _int(value: int | None, low: int, high: int) -> int | None:
    return value if value is not None and low <= value <= high else None


DELAY_LIMIT = 2 * 86400


@transaction.atomic
def realtime_apply(
    *, city: City, snapshot: gtfs_rt.Snapshot, source: str, now: datetime | None = None
) -> dict[str, int]:
    """Return counts after merging a GTFS-RT snapshot into the city's live state.

    Entities are upserted by key (trip and start date, vehicle, alert id); a trip update
    replaces that trip's stop time updates. Nothing older than its TTL survives: see
    ``realtime_expire``.
    """
    now = now or timezone.now()
    expires = now + REALTIME_TTL
    trips = [
        RealtimeTripUpdate(
            city=city,
            trip_id=_text(tu.trip_id, 150),
            start_date=_text(tu.start_date, 8),
            route_id=_text(tu.route_id, 100),
            vehicle_id=_text(tu.vehicle_id, 100),
            schedule_relationship=_int(tu.schedule_relationship, 0, 32767) or 0,
            delay=_int(tu.delay, -DELAY_LIMIT, DELAY_LIMIT),
            timestamp=_at(tu.timestamp, now),
            expires_at=expires,
            source=_text(source, 300),
        )
        for tu in snapshot.trip_updates
    ]
    if trips:
        RealtimeTripUpdate.objects.bulk_create(
            trips,
            update_conflicts=True,
            unique_fields=["city", "trip_id", "start_date"],
            update_fields=[
                "route_id",
                "vehicle_id",
                "schedule_relationship",
                "delay",
                "timestamp",
                "received_at",
                "expires_at",
                "source",
            ],
        )
        keys = Q()
        for tu in snapshot.trip_updates:
            keys |= Q(trip_id=_text(tu.trip_id, 150), start_date=_text(tu.start_date, 8))
        pk_of = {
            (t, d): pk
            for pk, t, d in RealtimeTripUpdate.objects.filter(keys, city=city).values_list(
                "pk", "trip_id", "start_date"
            )
        }
        RealtimeStopTimeUpdate.objects.filter(trip_update_id__in=pk_of.values()).delete()
        RealtimeStopTimeUpdate.objects.bulk_create(
            [
                RealtimeStopTimeUpdate(
                    city=city,
                    trip_update_id=pk_of[(_text(tu.trip_id, 150), _text(tu.start_date, 8))],
                    stop_sequence=_int(s.stop_sequence, 0, 2**31 - 1),
                    stop_id=_text(s.stop_id, 100),
                    arrival_delay=_int(s.arrival_delay, -DELAY_LIMIT, DELAY_LIMIT),
                    arrival_time=_int(s.arrival_time, 0, 2**62),
                    departure_delay=_int(s.departure_delay, -DELAY_LIMIT, DELAY_LIMIT),
                    departure_time=_int(s.departure_time, 0, 2**62),
                    schedule_relationship=_int(s.schedule_relationship, 0, 32767) or 0,
                )
                for tu in snapshot.trip_updates
                for s in tu.stop_time_updates
            ],
            batch_size=2000,
        )
    if snapshot.vehicles:
        VehiclePosition.objects.bulk_create(
            [
                VehiclePosition(
                    city=city,
                    vehicle_id=_text(v.vehicle_id, 100),
                    label=_text(v.label, 100),
                    trip_id=_text(v.trip_id, 150),
                    route_id=_text(v.route_id, 100),
                    start_date=_text(v.start_date, 8),
                    lat=v.lat,
                    lon=v.lon,
                    bearing=v.bearing,
                    speed=v.speed,
                    current_stop_sequence=_int(v.current_stop_sequence, 0, 2**31 - 1),
                    stop_id=_text(v.stop_id, 100),
                    current_status=_int(v.current_status, 0, 32767) or 0,
                    occupancy_status=_int(v.occupancy_status, 0, 32767),
                    timestamp=_at(v.timestamp, now),
                    expires_at=expires,
                    source=_text(source, 300),
                )
                for v in {v.vehicle_id: v for v in snapshot.vehicles}.values()
            ],
            update_conflicts=True,
            unique_fields=["city", "vehicle_id"],
            update_fields=[
                "label",
                "trip_id",
                "route_id",
                "start_date",
                "lat",
                "lon",
                "bearing",
                "speed",
                "current_stop_sequence",
                "stop_id",
                "current_status",
                "occupancy_status",
                "timestamp",
                "expires_at",
                "source",
            ],
        )
    for a in snapshot.alerts:
        until = _at(a.active_until, now + ALERT_TTL) if a.active_until else None
        Alert.objects.update_or_create(
            city=city,
            alert_id=_text(a.alert_id, 150),
            defaults={
                "header_ja": _text(a.header.get("ja") or next(iter(a.header.values())), 300),
                "header_en": _text(a.header.get("en", ""), 300),
                "description_ja": _text(
                    a.description.get("ja") or next(iter(a.description.values()), ""), 20000
                ),
                "description_en": _text(a.description.get("en", ""), 20000),
                "url": _text(a.url, 300),
                "cause": _int(a.cause, 0, 32767) or 1,
                "effect": _int(a.effect, 0, 32767) or 8,
                "active_from": _at(a.active_from, now) if a.active_from else None,
                "active_until": until,
                "route_ids": _texts(a.route_ids),
                "stop_ids": _texts(a.stop_ids),
                "trip_ids": _texts(a.trip_ids),
                "timestamp": _at(snapshot.timestamp, now),
                "expires_at": min(until, now + ALERT_TTL) if until else now + ALERT_TTL,
                "source": _text(source, 300),
            },
        )
    return {
        "trip_updates": len(trips),
        "vehicles": len(snapshot.vehicles),
        "alerts": len(snapshot.alerts),
    }


def realtime_expire(*, city: City | None = None, now: datetime | None = None) -> int:
    """Return how many stale real-time rows were deleted (past their ``expires_at``)."""
    now = now or timezone.now()
    scope = Q(city=city) if city is not None else Q()
    total = 0
    with transaction.atomic():
        for model in (RealtimeTripUpdate, VehiclePosition, Alert):
            deleted, _by_model = model.objects.filter(scope, expires_at__lte=now).delete()  # type: ignore[attr-defined]
            total += deleted
    return total


def realtime_push(*, city: City, actor: User, data: bytes, source: str = "push") -> dict[str, int]:
    """Return counts after an operator pushed a GTFS-RT FeedMessage (protobuf body)."""
    require_role(actor, city, Role.OPERATOR)
    try:
        snapshot = gtfs_rt.parse_feed(data)
    except gtfs_rt.FeedDecodeError as exc:
        raise DomainError(
            _("The body is not a GTFS-Realtime feed: %s") % exc, field="body"
        ) from exc
    return realtime_apply(city=city, snapshot=snapshot, source=f"{source}:{actor.pk}")


def realtime_poll(
    *, city: City, url: str, timeout: float = 10.0, client: httpx.Client | None = None
) -> dict[str, int]:
    """Return counts after fetching a GTFS-RT feed from ``url`` and merging it; expire stale rows."""
    try:
        response = (client or httpx).get(url, timeout=timeout)  # type: ignore[operator]
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise DomainError(
            _("The real-time feed could not be fetched: %s") % exc, field="url"
        ) from exc
    try:
        snapshot = gtfs_rt.parse_feed(response.content)
    except gtfs_rt.FeedDecodeError as exc:
        raise DomainError(_("The body is not a GTFS-Realtime feed: %s") % exc, field="url") from exc
    counts = realtime_apply(city=city, snapshot=snapshot, source=url)
    counts["expired"] = realtime_expire(city=city)
    return counts


# ---- taxis ---------------------------------------------------------------------------------


def taxi_update(
    *,
    city: City,
    actor: User,
    vehicle_id: str,
    status: str,
    lat: float,
    lon: float,
    company: str = "",
    wheelchair: bool = False,
) -> Taxi:
    """Return the taxi after an operator reported its position and status."""
    require_role(actor, city, Role.OPERATOR)
    if status not in TaxiStatus.values:
        raise DomainError(_("Status must be free, hired or off."), field="status")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise DomainError(_("The position is not on the map."), field="lat")
    existing = Taxi.objects.filter(city=city, vehicle_id=vehicle_id).first()
    if existing is not None and existing.operator_id not in (None, actor.pk):
        raise DomainError(_("This taxi is reported by another operator."), field="vehicle_id")
    taxi, _created = Taxi.objects.update_or_create(
        city=city,
        vehicle_id=vehicle_id,
        defaults={
            "status": status,
            "lat": lat,
            "lon": lon,
            "company": _text(company, 120),
            "wheelchair": wheelchair,
            "operator": actor,
            "updated_at": timezone.now(),
        },
    )
    return taxi


# ---- destination crowding ------------------------------------------------------------------


def facility_status_publish(
    *,
    city: City,
    actor: User,
    facility_code: str,
    waiting_minutes: int | None,
    crowding: str = "",
    note: str = "",
    valid_minutes: int = 120,
) -> FacilityStatus:
    """Return the new status of a facility (clinics, operators and staff publish it)."""
    require_role(actor, city, *CROWDING_ROLES)
    facility = Facility.objects.filter(city=city, code=facility_code).first()
    if facility is None:
        raise NotFoundError(_("No such facility."))
    if waiting_minutes is None and not crowding:
        raise DomainError(_("Give a waiting time or a crowding level."), field="waiting_minutes")
    if waiting_minutes is not None and not 0 <= waiting_minutes <= 600:
        raise DomainError(_("The waiting time must be 0 to 600 minutes."), field="waiting_minutes")
    if crowding and crowding not in CrowdingLevel.values:
        raise DomainError(_("Crowding must be low, medium or high."), field="crowding")
    if not 5 <= valid_minutes <= 24 * 60:
        raise DomainError(_("Validity must be 5 to 1440 minutes."), field="valid_minutes")
    now = timezone.now()
    with transaction.atomic():
        status = FacilityStatus.objects.create(
            city=city,
            facility=facility,
            waiting_minutes=waiting_minutes,
            crowding=crowding,
            note=_text(note, 200),
            reported_by=actor,
            reported_at=now,
            valid_until=now + timedelta(minutes=valid_minutes),
        )
        audit_record(
            city=city,
            actor=actor,
            action="mobility.facility_status",
            obj=facility,
            details={"waiting_minutes": waiting_minutes, "crowding": crowding},
        )
    return status


# ---- ridership -----------------------------------------------------------------------------

RIDERSHIP_COLUMNS = ("date", "route_id", "stop_id", "hour", "boardings", "alightings")


def ridership_import(*, city: City, actor: User, data: bytes) -> int:
    """Return how many rows were stored from a boardings/alightings CSV (all or nothing).

    Layout: ``date,route_id,stop_id,hour,boardings,alightings``; a row for the same date,
    route, stop and hour replaces the earlier one.
    """
    require_role(actor, city, Role.OPERATOR, Role.STAFF)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError(_("The file is not UTF-8 text."), field="file") from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in RIDERSHIP_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise DomainError(
            _("Missing column(s): %s") % ", ".join(missing), field="file", code="columns"
        )
    rows: dict[tuple[date, str, str, int], RidershipRecord] = {}
    for n, r in enumerate(reader, start=2):
        try:
            day = date.fromisoformat(r["date"].strip().replace("/", "-"))
            hour, on, off = int(r["hour"]), int(r["boardings"]), int(r["alightings"])
        except (ValueError, AttributeError, TypeError) as exc:
            raise DomainError(
                _("Line %(line)d: %(error)s") % {"line": n, "error": exc}, field="file"
            ) from exc
        key = (day, _text(r["route_id"].strip(), 100), _text(r["stop_id"].strip(), 100), hour)
        if not (0 <= hour <= 30 and 0 <= on <= 10**7 and 0 <= off <= 10**7 and key[1] and key[2]):
            raise DomainError(_("Line %d: a value is out of range.") % n, field="file")
        rows[key] = RidershipRecord(
            city=city,
            date=day,
            route_id=key[1],
            stop_id=key[2],
            hour=hour,
            boardings=on,
            alightings=off,
        )
    with transaction.atomic():
        RidershipRecord.objects.bulk_create(
            list(rows.values()),
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["city", "date", "route_id", "stop_id", "hour"],
            update_fields=["boardings", "alightings"],
        )
        audit_record(
            city=city,
            actor=actor,
            action="mobility.ridership_import",
            object_type="mobility.ridershiprecord",
            details={"rows": len(rows)},
        )
    return len(rows)
