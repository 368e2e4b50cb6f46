"""Writes of the mobility app — ridership."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from kyoso.core.access import require_role
from kyoso.core.csv_import import decode_csv
from kyoso.core.errors import DomainError
from kyoso.core.models import City, Role, User
from kyoso.core.services import audit_record
from kyoso.mobility.models import RidershipRecord
from kyoso.mobility.services.common import _text

# ---- ridership -----------------------------------------------------------------------------

RIDERSHIP_COLUMNS = ("date", "route_id", "stop_id", "hour", "boardings", "alightings")


def ridership_import(*, city: City, actor: User, data: bytes) -> int:
    """Return how many rows were stored from a boardings/alightings CSV (all or nothing).

    Layout: ``date,route_id,stop_id,hour,boardings,alightings``; a row for the same date,
    route, stop and hour replaces the earlier one.
    """
    require_role(actor, city, Role.OPERATOR, Role.STAFF)
    text = decode_csv(data)  # UTF-8 or Shift_JIS, as the KPI import accepts
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
