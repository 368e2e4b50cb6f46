"""Journeys over the stored timetable: builds the RAPTOR arrays from the database, once.

The NumPy timetable of a (feed, service date) is cached in process memory (building it reads
every stop time of the day); real-time delays are applied to a copy that is reused while the
live state does not change.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
from django.utils import timezone

from kyoso.core.models import City
from kyoso.mobility.algorithms.raptor import Journey, Raptor, RideLeg, WalkLeg
from kyoso.mobility.algorithms.service_clock import instant
from kyoso.mobility.algorithms.timetable import (
    Timetable,
    TripTimes,
    assemble,
    walking_footpaths,
    with_delays,
)
from kyoso.mobility.models import Feed, Route, Stop, StopTime, Trip
from kyoso.mobility.selectors import service_ids_on, trip_delays

MAX_WALK_M = 400.0
WALK_SPEED_MPS = 1.2
_CACHE_SIZE = 8
_lock = threading.Lock()
_timetables: OrderedDict[tuple[int, date, float], tuple[Timetable, list[int]]] = OrderedDict()
_delayed: dict[tuple[int, date, float], tuple[frozenset[tuple[str, int, int]], Timetable]] = {}


def forget() -> None:
    with _lock:
        _timetables.clear()
        _delayed.clear()


def build_from_db(
    feed_id: int, day: date, max_walk_m: float = MAX_WALK_M
) -> tuple[Timetable, list[int]]:
    """Return the timetable of a stored feed on a service day and the stop pks by index."""
    stops = list(
        Stop.objects.filter(feed_id=feed_id)
        .order_by("pk")
        .values_list(
            "pk",
            "stop_id",
            "name",
            "lat",
            "lon",
            "location_type",
            "wheelchair_boarding",
            "parent_id",
        )
    )
    pks = np.array([s[0] for s in stops], dtype=np.int64)
    index_of_pk = {pk: i for i, pk in enumerate(pks.tolist())}
    wheel_of = {s[0]: s[6] for s in stops}
    lat = np.array([s[3] if s[3] is not None and s[5] in (0, 4) else np.nan for s in stops])
    lon = np.array([s[4] if s[4] is not None and s[5] in (0, 4) else np.nan for s in stops])
    paths = walking_footpaths(lat, lon, max_walk_m, WALK_SPEED_MPS)
    wheel = np.array(
        [(s[6] if s[6] != 0 or s[7] is None else wheel_of.get(s[7], 0)) != 2 for s in stops],
        dtype=np.uint8,
    )
    services = service_ids_on(feed_id, day)
    trips = {
        pk: (trip_id, route_id, wc)
        for pk, trip_id, route_id, wc in Trip.objects.filter(
            feed_id=feed_id, service_id__in=services
        ).values_list("pk", "trip_id", "route__route_id", "wheelchair_accessible")
    }
    rows = np.array(
        list(
            StopTime.objects.filter(feed_id=feed_id, trip_id__in=list(trips))
            .order_by("trip_id", "stop_sequence")
            .values_list(
                "trip_id",
                "stop_id",
                "stop_sequence",
                "arrival",
                "departure",
                "pickup_type",
                "drop_off_type",
            )
        ),
        dtype=np.int64,
    ).reshape(-1, 7)
    out: list[TripTimes] = []
    if len(rows):
        cuts = np.flatnonzero(np.diff(rows[:, 0])) + 1
        stop_index = np.searchsorted(pks, rows[:, 1]).astype(np.int32)
        for chunk in np.split(np.arange(len(rows)), cuts):
            if len(chunk) < 2:
                continue
            trip_id, route_id, wc = trips[int(rows[chunk[0], 0])]
            arr = rows[chunk, 3].astype(np.int32)
            out.append(
                TripTimes(
                    trip_id=trip_id,
                    route_id=route_id,
                    stops=stop_index[chunk],
                    stop_sequence=rows[chunk, 2],
                    arrival=arr,
                    departure=np.maximum(rows[chunk, 4].astype(np.int32), arr),
                    can_board=(rows[chunk, 5] != 1).astype(np.uint8),
                    can_alight=(rows[chunk, 6] != 1).astype(np.uint8),
                    wheelchair_ok=wc == 1,
                )
            )
    tt = assemble(day, [s[1] for s in stops], [s[2] for s in stops], wheel, out, paths)
    del index_of_pk
    return tt, pks.tolist()


def timetable_for(
    feed_id: int, day: date, max_walk_m: float = MAX_WALK_M
) -> tuple[Timetable, list[int]]:
    """Return the cached timetable of (feed, day) and its stop pks, building it when missing."""
    key = (feed_id, day, max_walk_m)
    with _lock:
        if key in _timetables:
            _timetables.move_to_end(key)
            return _timetables[key]
    built = build_from_db(feed_id, day, max_walk_m)
    with _lock:
        _timetables[key] = built
        while len(_timetables) > _CACHE_SIZE:
            _timetables.popitem(last=False)
    return built


def _live_timetable(
    city: City, feed_id: int, day: date, max_walk_m: float
) -> tuple[Timetable, list[int]]:
    tt, pks = timetable_for(feed_id, day, max_walk_m)
    delays = trip_delays(city, day)
    first_seq = {t.trip_id: int(t.stop_sequence[0]) for t in tt.trips}
    delays = {
        trip_id: {(first_seq[trip_id] if seq == 0 else seq): d for seq, d in sorted(m.items())}
        for trip_id, m in delays.items()
        if trip_id in first_seq
    }
    if not delays:
        return tt, pks
    signature = frozenset((t, s, d) for t, m in delays.items() for s, d in m.items())
    key = (feed_id, day, max_walk_m)
    with _lock:
        cached = _delayed.get(key)
        if cached and cached[0] == signature:
            return cached[1], pks
    # A trip-level delay (sequence 0) holds from the first stop.
    live = with_delays(tt, delays)
    with _lock:
        _delayed[key] = (signature, live)
    return live, pks


@dataclass(frozen=True, slots=True)
class LegView:
    kind: str  # "ride" or "walk"
    from_stop: Stop
    to_stop: Stop
    depart: datetime | None
    arrive: datetime | None
    minutes: int
    route: Route | None = None
    trip_id: str = ""
    headsign: str = ""


@dataclass(frozen=True, slots=True)
class JourneyView:
    depart: datetime
    arrive: datetime
    transfers: int
    legs: tuple[LegView, ...]

    @property
    def minutes(self) -> int:
        return round((self.arrive - self.depart).total_seconds() / 60)


def _places(stop: Stop) -> list[Stop]:
    if stop.location_type == 1:
        children = list(Stop.objects.filter(parent_id=stop.pk, location_type=0))
        return children or [stop]
    return [stop]


def plan(
    *,
    city: City,
    origin: Stop,
    destination: Stop,
    depart_at: datetime,
    until: datetime | None = None,
    max_transfers: int = 4,
    wheelchair: bool = False,
    realtime: bool = True,
    max_walk_m: float = MAX_WALK_M,
) -> list[JourneyView]:
    """Return Pareto-optimal journeys (arrival, transfers) from ``origin`` to ``destination``.

    With ``until``, every journey departing in [depart_at, until] that no other dominates.
    """
    if origin.feed_id != destination.feed_id:
        return []
    tz = city.time_zone
    local = timezone.localtime(depart_at, timezone=ZoneInfo(tz))
    day = local.date()
    start = local.hour * 3600 + local.minute * 60 + local.second
    tt, pks = (
        _live_timetable(city, origin.feed_id, day, max_walk_m)
        if realtime
        else timetable_for(origin.feed_id, day, max_walk_m)
    )
    index = {pk: i for i, pk in enumerate(pks)}
    origins = {index[s.pk]: 0 for s in _places(origin) if s.pk in index}
    targets = [index[s.pk] for s in _places(destination) if s.pk in index]
    if not origins or not targets:
        return []
    router = Raptor(tt, max_rounds=max_transfers + 1)
    found: list[Journey] = []
    for target in targets:
        if target in origins:
            continue
        if until is not None:
            end = start + max(0, int((until - depart_at).total_seconds()))
            found += router.range_query(origins, target, start, end, wheelchair=wheelchair)
        else:
            found += router.pareto(origins, target, start, wheelchair=wheelchair)
    found = [j for j in found if j.transfers <= max_transfers and j.rides > 0]
    best: dict[tuple[int, int], Journey] = {}
    for j in found:
        key = (j.departure if until is not None else 0, j.transfers)
        if key not in best or j.arrival < best[key].arrival:
            best[key] = j
    chosen = sorted(best.values(), key=lambda j: (j.arrival, j.transfers))
    # Keep only the Pareto front when not a range query.
    if until is None:
        front: list[Journey] = []
        for j in sorted(chosen, key=lambda j: (j.transfers, j.arrival)):
            if all(j.arrival < f.arrival for f in front):
                front.append(j)
        chosen = sorted(front, key=lambda j: j.arrival)
    return _views(city, tt, pks, chosen, day, tz)


def _views(
    city: City, tt: Timetable, pks: list[int], journeys: list[Journey], day: date, tz: str
) -> list[JourneyView]:
    stop_pks = {pks[i] for j in journeys for leg in j.legs for i in _leg_stops(leg)}
    stops = Stop.objects.in_bulk(stop_pks)
    trip_ids = {leg.trip_id for j in journeys for leg in j.legs if isinstance(leg, RideLeg)}
    trips = {
        t.trip_id: t
        for t in Trip.objects.filter(
            city=city, feed_id=_feed_of(stops), trip_id__in=trip_ids
        ).select_related("route")
    }
    out = []
    for j in journeys:
        legs: list[LegView] = []
        first_ride = next((leg for leg in j.legs if isinstance(leg, RideLeg)), None)
        for leg in j.legs:
            if isinstance(leg, RideLeg):
                trip = trips.get(leg.trip_id)
                legs.append(
                    LegView(
                        "ride",
                        stops[pks[leg.board_stop]],
                        stops[pks[leg.alight_stop]],
                        instant(day, leg.board_time, tz),
                        instant(day, leg.alight_time, tz),
                        round((leg.alight_time - leg.board_time) / 60),
                        trip.route if trip else None,
                        leg.trip_id,
                        trip.headsign if trip else "",
                    )
                )
            elif isinstance(leg, WalkLeg):
                legs.append(
                    LegView(
                        "walk",
                        stops[pks[leg.from_stop]],
                        stops[pks[leg.to_stop]],
                        None,
                        None,
                        max(1, round(leg.duration / 60)),
                    )
                )
        depart = (
            instant(day, first_ride.board_time, tz) if first_ride else instant(day, j.departure, tz)
        )
        if j.legs and isinstance(j.legs[0], WalkLeg) and first_ride:
            depart = instant(day, first_ride.board_time - j.legs[0].duration, tz)
        out.append(JourneyView(depart, instant(day, j.arrival, tz), j.transfers, tuple(legs)))
    return out


def _leg_stops(leg: RideLeg | WalkLeg) -> tuple[int, int]:
    if isinstance(leg, RideLeg):
        return leg.board_stop, leg.alight_stop
    return leg.from_stop, leg.to_stop


def _feed_of(stops: dict[int, Stop]) -> int:
    return next((s.feed_id for s in stops.values()), 0)


def warm(city: City) -> None:
    """Return None after building today's timetables of the city's active feeds."""
    today = timezone.localdate()
    for feed in Feed.objects.filter(city=city, is_active=True):
        timetable_for(feed.pk, today)
