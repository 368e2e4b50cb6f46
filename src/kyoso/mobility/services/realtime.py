"""Writes of the mobility app — realtime."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import require_role
from kyoso.core.errors import DomainError
from kyoso.core.models import City, Role, User
from kyoso.mobility.algorithms import gtfs_rt
from kyoso.mobility.models import (
    Alert,
    RealtimeStopTimeUpdate,
    RealtimeTripUpdate,
    VehiclePosition,
)
from kyoso.mobility.services.common import _text

if TYPE_CHECKING:
    import httpx

REALTIME_TTL = timedelta(seconds=120)
ALERT_TTL = timedelta(minutes=30)

# ---- GTFS-Realtime -------------------------------------------------------------------------


def _at(posix: int | None, fallback: datetime) -> datetime:
    # Feeds come from outside: an absurd timestamp falls back rather than overflowing.
    return datetime.fromtimestamp(posix, tz=UTC) if posix and 0 < posix < 2**33 else fallback


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
            deleted, _by_model = model.objects.filter(scope, expires_at__lte=now).delete()
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
    import httpx

    try:
        response = (client or httpx).get(url, timeout=timeout)
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
