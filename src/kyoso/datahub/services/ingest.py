"""Storing readings: idempotent by (city, device, property, time), flagged when implausible,
and added to hourly and daily rollups in the same transaction.

One ``INSERT … ON CONFLICT DO NOTHING RETURNING`` (PostgreSQL and SQLite ≥ 3.35 alike) says
which readings are new, so only those are added to the rollups: a repeated, late or
out-of-order reading changes nothing, and two workers storing the same reading count it once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import require_role
from kyoso.core.errors import DomainError
from kyoso.core.models import City, User
from kyoso.datahub.models import Device, ReadingFlag
from kyoso.datahub.services.devices import DEVICE_ROLES
from kyoso.datahub.services.maintenance import readings_partitions_ensure
from kyoso.datahub.timeseries import PERIODS, rollup
from kyoso.datahub.wire import Observation, PayloadError, parse_csv, parse_payload

CHUNK = 500
MAX_BATCH = 10_000


@dataclass(slots=True)
class IngestResult:
    stored: int = 0
    duplicates: int = 0
    flagged: int = 0
    rejected: list[dict[str, str]] = field(default_factory=list)
    stored_ok: list[tuple[int, datetime, float]] = field(default_factory=list)

    def merge(self, other: IngestResult) -> None:
        self.stored += other.stored
        self.duplicates += other.duplicates
        self.flagged += other.flagged
        self.rejected.extend(other.rejected)
        self.stored_ok.extend(other.stored_ok)

    def as_dict(self) -> dict[str, Any]:
        return {
            "stored": self.stored,
            "duplicates": self.duplicates,
            "flagged": self.flagged,
            "rejected": self.rejected,
        }


def _min_max_sql() -> tuple[str, str]:
    return ("LEAST", "GREATEST") if connection.vendor == "postgresql" else ("MIN", "MAX")


def _insert_readings(
    rows: list[tuple[int, int, int, datetime, float, str, datetime]],
) -> list[tuple[int, Any]]:
    """Insert rows; return (prop_id, observed_at as the database returned it) of the new ones."""
    new: list[tuple[int, Any]] = []
    with connection.cursor() as cursor:
        for i in range(0, len(rows), CHUNK):
            chunk = rows[i : i + CHUNK]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            params: list[Any] = []
            for city_id, device_id, prop_id, observed_at, value, flag, received_at in chunk:
                params += [
                    city_id,
                    device_id,
                    prop_id,
                    connection.ops.adapt_datetimefield_value(observed_at),
                    value,
                    flag,
                    connection.ops.adapt_datetimefield_value(received_at),
                ]
            cursor.execute(
                'INSERT INTO "datahub_reading" ("city_id", "device_id", "prop_id", '  # noqa: S608
                '"observed_at", "value", "flag", "received_at") VALUES '
                + values
                + ' ON CONFLICT DO NOTHING RETURNING "prop_id", "observed_at"',
                params,
            )
            new.extend(cursor.fetchall())
    return new


def _add_to_rollups(
    city: City, device_of: dict[int, int], rows: list[tuple[int, datetime, float]]
) -> None:
    least, greatest = _min_max_sql()
    groups = []
    for period in PERIODS:
        for (prop_id, bucket), agg in rollup(rows, period, city.time_zone).items():
            groups.append((prop_id, period, bucket, agg))
    groups.sort(key=lambda g: (g[0], g[1], g[2]))  # one lock order for concurrent workers
    with connection.cursor() as cursor:
        for i in range(0, len(groups), CHUNK):
            chunk = groups[i : i + CHUNK]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            params: list[Any] = []
            for prop_id, period, bucket, agg in chunk:
                params += [
                    city.pk,
                    device_of[prop_id],
                    prop_id,
                    period,
                    connection.ops.adapt_datetimefield_value(bucket),
                    agg.count,
                    agg.total,
                    agg.minimum,
                    agg.maximum,
                ]
            cursor.execute(
                'INSERT INTO "datahub_rollup" ("city_id", "device_id", "prop_id", "period", '  # noqa: S608
                '"bucket", "count", "total", "minimum", "maximum") VALUES '
                + values
                + ' ON CONFLICT ("city_id", "prop_id", "period", "bucket") DO UPDATE SET '
                '"count" = "datahub_rollup"."count" + excluded."count", '
                '"total" = "datahub_rollup"."total" + excluded."total", '
                f'"minimum" = {least}("datahub_rollup"."minimum", excluded."minimum"), '
                f'"maximum" = {greatest}("datahub_rollup"."maximum", excluded."maximum")',
                params,
            )


def _as_utc(returned: Any) -> datetime:
    """A time as the database returned it (aware, naive UTC or text on SQLite), made aware."""
    if isinstance(returned, str):
        returned = datetime.fromisoformat(returned)
    if returned.tzinfo is None:
        return returned.replace(tzinfo=UTC)
    return returned.astimezone(UTC)


@transaction.atomic
def readings_ingest(
    *, city: City, device: Device, observations: Iterable[Observation]
) -> IngestResult:
    """Store a device's observations once each; flag those outside the declared range."""
    if device.city_id != city.pk:
        raise DomainError(_("The device is not in this city."), field="device")
    props = {p.name: p for p in device.properties.all()}
    result = IngestResult()
    now = timezone.now()
    rows: dict[tuple[int, datetime], tuple[int, int, int, datetime, float, str, datetime]] = {}
    for i, obs in enumerate(observations):
        prop = props.get(obs.prop)
        if prop is None:
            result.rejected.append(
                {
                    "index": str(i),
                    "field": "property",
                    "message": _("The device does not observe %(name)s.") % {"name": obs.prop},
                }
            )
            continue
        moment = obs.time.astimezone(UTC)
        flag = ReadingFlag.OK if prop.in_range(obs.value) else ReadingFlag.OUT_OF_RANGE
        key = (prop.pk, moment)
        if key in rows:
            result.duplicates += 1
            continue
        rows[key] = (city.pk, device.pk, prop.pk, moment, obs.value, flag, now)
    if not rows:
        return result
    readings_partitions_ensure(moment for _prop, moment in rows)
    new = _insert_readings(list(rows.values()))
    result.stored = len(new)
    result.duplicates += len(rows) - len(new)
    for prop_id, returned in new:
        row = rows[(prop_id, _as_utc(returned))]
        if row[5] == ReadingFlag.OUT_OF_RANGE:
            result.flagged += 1
        else:
            result.stored_ok.append((prop_id, row[3], row[4]))
    if result.stored_ok:
        device_of = {p.pk: device.pk for p in props.values()}
        _add_to_rollups(city, device_of, result.stored_ok)
        device_latest_seen(device, now)
        from kyoso.datahub.services.alerts import alerts_check

        alerts_check(city=city, props=list(props.values()), rows=result.stored_ok)
        from kyoso.datahub.services.ngsi_ld import ngsi_ld_device_changed

        name_of = {p.pk: p.name for p in props.values()}
        ngsi_ld_device_changed(
            city=city, device=device, props={name_of[row[0]] for row in result.stored_ok}
        )
    return result


def device_latest_seen(device: Device, now: datetime) -> None:
    Device.objects.filter(pk=device.pk).update(last_seen_at=now)


def readings_ingest_payload(
    *, city: City, device: Device, payload: bytes | str | Any
) -> IngestResult:
    """Parse one JSON payload (see ``datahub.wire``) and store it; 4xx errors name the field."""
    if isinstance(payload, bytes | str):
        try:
            payload = json.loads(payload)
        except (ValueError, UnicodeDecodeError):
            raise DomainError(_("The body is not JSON."), field="payload") from None
    try:
        observations = parse_payload(payload)
    except PayloadError as exc:
        raise DomainError(exc.message, field=exc.field) from None
    if len(observations) > MAX_BATCH:
        raise DomainError(_("At most 10,000 readings in one batch."), field="readings")
    return readings_ingest(city=city, device=device, observations=observations)


@transaction.atomic
def readings_import_csv(*, actor: User, city: City, text: str) -> IngestResult:
    """Store readings from a CSV (device,property,time,value) uploaded by staff."""
    require_role(actor, city, *DEVICE_ROLES)
    try:
        rows = parse_csv(text)
    except PayloadError as exc:
        raise DomainError(exc.message, field=exc.field) from None
    by_device: dict[str, list[Observation]] = {}
    for key, obs in rows:
        by_device.setdefault(key, []).append(obs)
    devices = {d.key: d for d in Device.objects.filter(city=city, key__in=by_device)}
    unknown = sorted(set(by_device) - set(devices))
    if unknown:
        raise DomainError(
            _("Unknown devices: %(keys)s") % {"keys": ", ".join(unknown[:5])}, field="device"
        )
    result = IngestResult()
    for key, observations in by_device.items():
        result.merge(readings_ingest(city=city, device=devices[key], observations=observations))
    from kyoso.core.services import audit_record

    audit_record(
        city=city,
        actor=actor,
        action="datahub.readings_import_csv",
        details={"stored": result.stored, "duplicates": result.duplicates},
    )
    return result
