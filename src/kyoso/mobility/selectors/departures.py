"""Live departures: the scheduled board of a stop with GTFS-RT predictions applied."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from kyoso.core.models import City
from kyoso.mobility.algorithms.service_clock import instant, service_seconds
from kyoso.mobility.models import (
    RealtimeStopTimeUpdate,
    RealtimeTripUpdate,
    Stop,
)
from kyoso.mobility.selectors.stops import service_ids_on


@dataclass(frozen=True, slots=True)
class Departure:
    trip_id: str
    route_id: str
    route_name: str
    route_color: str
    headsign: str
    stop_name: str
    platform: str
    stop_sequence: int
    scheduled: datetime
    predicted: datetime | None  # None when no real-time data covers the trip
    cancelled: bool
    wheelchair: bool

    @property
    def delay_minutes(self) -> int | None:
        if self.predicted is None:
            return None
        return round((self.predicted - self.scheduled).total_seconds() / 60)

    @property
    def expected(self) -> datetime:
        return self.predicted or self.scheduled


def departures_at(
    city: City,
    stop: Stop,
    *,
    now: datetime | None = None,
    minutes: int = 90,
    limit: int = 20,
) -> list[Departure]:
    """Return the next departures at a stop (and its platforms) with real-time predictions.

    A delay reported at an earlier stop of the trip holds downstream until the next reported
    stop (GTFS-RT propagation); a trip-level delay covers trips without stop updates. The
    schedule comes from the in-memory board of (feed, day); only live rows are queried.
    """
    from django.utils.translation import get_language

    from kyoso.mobility.selectors.departure_board import board_for

    now = now or timezone.now()
    tz = city.time_zone
    english = (get_language() or "ja").startswith("en")
    today, secs = service_seconds(now, tz)
    found: list[tuple[date, int, int, int, str, int]] = []
    boards = {}
    # Yesterday's service still runs after midnight with times past 24:00.
    for day, offset in ((today - timedelta(days=1), 86400), (today, 0)):
        services = service_ids_on(stop.feed_id, day)
        if not services:
            continue
        board = boards[day] = board_for(stop.feed_id, day, services)
        lo, hi = secs + offset - 15 * 60, secs + offset + minutes * 60
        for stop_pk in board.family(stop.pk):
            for dep, trip_pk, seq, headsign in board.between(stop_pk, lo, hi):
                found.append((day, dep, trip_pk, seq, headsign, stop_pk))
    if not found:
        return []
    found.sort(key=lambda r: (r[0], r[1]))
    found = found[: limit * 3]
    keys = {(boards[d].trips[t].trip_id, d.strftime("%Y%m%d")) for d, _dep, t, *_rest in found}
    updates = _trip_updates(city, keys, now)
    out: list[Departure] = []
    for day, dep, trip_pk, seq, headsign, stop_pk in found:
        board = boards[day]
        trip, place = board.trips[trip_pk], board.stops[stop_pk]
        scheduled = instant(day, dep, tz)
        tu = updates.get((trip.trip_id, day.strftime("%Y%m%d")))
        delay, cancelled = _delay_at(tu, seq) if tu else (None, False)
        predicted = scheduled + timedelta(seconds=delay) if delay is not None else None
        if (predicted or scheduled) < now - timedelta(minutes=1):
            continue
        out.append(
            Departure(
                trip_id=trip.trip_id,
                route_id=trip.route_id,
                route_name=trip.route_name_en if english else trip.route_name_ja,
                route_color=trip.route_color,
                headsign=headsign or trip.headsign,
                stop_name=place.name_en if english and place.name_en else place.name,
                platform=place.platform,
                stop_sequence=seq,
                scheduled=scheduled,
                predicted=predicted,
                cancelled=cancelled,
                wheelchair=trip.wheelchair,
            )
        )
    out.sort(key=lambda d: d.expected)
    return out[:limit]


@dataclass(frozen=True, slots=True)
class _TripState:
    delay: int | None
    cancelled: bool
    stops: tuple[tuple[int, int | None, bool], ...]  # (sequence, delay, skipped)


def _trip_updates(
    city: City, keys: set[tuple[str, str]], now: datetime
) -> dict[tuple[str, str], _TripState]:
    trip_ids = {k[0] for k in keys}
    heads = {
        pk: (trip_id, start_date, delay, rel)
        for pk, trip_id, start_date, delay, rel in RealtimeTripUpdate.objects.filter(
            city=city, trip_id__in=trip_ids, expires_at__gt=now
        ).values_list("pk", "trip_id", "start_date", "delay", "schedule_relationship")
    }
    if not heads:
        return {}
    stops: dict[int, list[tuple[int, int | None, bool]]] = defaultdict(list)
    for tu_pk, seq, dep_delay, arr_delay, rel in RealtimeStopTimeUpdate.objects.filter(
        trip_update_id__in=list(heads), stop_sequence__isnull=False
    ).values_list(
        "trip_update_id",
        "stop_sequence",
        "departure_delay",
        "arrival_delay",
        "schedule_relationship",
    ):
        stops[tu_pk].append(
            (int(seq or 0), dep_delay if dep_delay is not None else arr_delay, rel == 1)
        )
    found: dict[tuple[str, str], _TripState] = {}
    for pk, (trip_id, start_date, delay, rel) in heads.items():
        state = _TripState(delay, rel == 3, tuple(sorted(stops.get(pk, []))))
        if start_date:
            if (trip_id, start_date) in keys:
                found[(trip_id, start_date)] = state
        else:
            for key in keys:
                if key[0] == trip_id:
                    found.setdefault(key, state)
    return found


def _delay_at(tu: _TripState, sequence: int) -> tuple[int | None, bool]:
    if tu.cancelled:
        return None, True
    delay = tu.delay
    for seq, d, skipped in tu.stops:
        if seq > sequence:
            break
        if seq == sequence and skipped:
            return None, True
        if d is not None:
            delay = d
    return delay, False


def trip_delays(city: City, day: date, *, now: datetime | None = None) -> dict[str, dict[int, int]]:
    """Return {trip_id: {stop_sequence: delay seconds}} of live trip updates for service ``day``."""
    now = now or timezone.now()
    out: dict[str, dict[int, int]] = defaultdict(dict)
    qs = RealtimeTripUpdate.objects.filter(
        Q(start_date=day.strftime("%Y%m%d")) | Q(start_date=""), city=city, expires_at__gt=now
    ).prefetch_related("stop_time_updates")
    for tu in qs:
        if tu.delay is not None:
            out[tu.trip_id][0] = tu.delay
        for s in tu.stop_time_updates.all():
            d = s.departure_delay if s.departure_delay is not None else s.arrival_delay
            if s.stop_sequence is not None and d is not None:
                out[tu.trip_id][s.stop_sequence] = d
    return dict(out)
