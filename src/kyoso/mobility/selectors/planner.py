"""Journeys over every active feed of the city at once (one merged RAPTOR network).

The merged timetable of a (city, service date, walking speed) is cached in process memory by
``transit_network`` (building it reads every stop time of the day); real-time delays are
applied to a copy that is reused while the live state does not change.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from kyoso.core.models import City
from kyoso.mobility.algorithms.fares import Price
from kyoso.mobility.algorithms.network import WALK_SPEEDS_MPS
from kyoso.mobility.algorithms.raptor import Journey, Raptor, RideLeg, WalkLeg
from kyoso.mobility.algorithms.service_clock import instant
from kyoso.mobility.algorithms.timetable import Timetable, with_delays
from kyoso.mobility.models import Feed, Route, Stop, Trip
from kyoso.mobility.selectors import trip_delays
from kyoso.mobility.selectors.fares import journey_price
from kyoso.mobility.selectors.transit_network import (
    MAX_WALK_M,
    CityNetwork,
    active_feeds,
    city_network,
)
from kyoso.mobility.selectors.transit_network import forget as forget_networks

_lock = threading.Lock()
_delayed: dict[tuple[object, ...], tuple[frozenset[tuple[str, int, int]], Timetable]] = {}


def forget(feed_ids: Collection[int] | None = None) -> None:
    forget_networks(feed_ids)
    with _lock:
        _delayed.clear()


def _live_timetable(
    city: City, net: CityNetwork, day: date, max_walk_m: float, speed: float
) -> Timetable:
    tt = net.network.timetable
    delays = trip_delays(city, day)
    first_seq = {t.trip_id: int(t.stop_sequence[0]) for t in tt.trips}
    # A trip-level delay (sequence 0) holds from the first stop.
    delays = {
        trip_id: {(first_seq[trip_id] if seq == 0 else seq): d for seq, d in sorted(m.items())}
        for trip_id, m in delays.items()
        if trip_id in first_seq
    }
    if not delays:
        return tt
    signature = frozenset((t, s, d) for t, m in delays.items() for s, d in m.items())
    key = (city.pk, tuple(net.feed_ids), day, max_walk_m, speed)
    with _lock:
        cached = _delayed.get(key)
        if cached and cached[0] == signature:
            return cached[1]
    live = with_delays(tt, delays)
    with _lock:
        _delayed[key] = (signature, live)
    return live


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
    operator: str = ""  # the feed's operator: a change of operator shows on the page


@dataclass(frozen=True, slots=True)
class JourneyView:
    depart: datetime
    arrive: datetime
    transfers: int
    legs: tuple[LegView, ...]
    fare: Price = field(default_factory=lambda: Price(None))  # amount None: 「運賃不明」

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
    walk_speed_mps: float = WALK_SPEEDS_MPS["standard"],
) -> list[JourneyView]:
    """Return Pareto-optimal journeys (arrival, transfers) from ``origin`` to ``destination``.

    Every active feed of the city is one network, so a journey may change operator, walking
    between their stops. With ``until``, every journey departing in [depart_at, until] that
    no other dominates.
    """
    tz = city.time_zone
    local = timezone.localtime(depart_at, timezone=ZoneInfo(tz))
    day = local.date()
    start = local.hour * 3600 + local.minute * 60 + local.second
    net = city_network(city, day, max_walk_m=max_walk_m, walk_speed_mps=walk_speed_mps)
    tt = (
        _live_timetable(city, net, day, max_walk_m, walk_speed_mps)
        if realtime
        else net.network.timetable
    )
    index = net.index_of_pk
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
    return _views(city, net, chosen, day, tz)


def _views(
    city: City, net: CityNetwork, journeys: list[Journey], day: date, tz: str
) -> list[JourneyView]:
    pks = net.pks
    stop_pks = {pks[i] for j in journeys for leg in j.legs for i in _leg_stops(leg)}
    stops = Stop.objects.in_bulk(stop_pks)
    # Trip ids are unique inside a feed only: look each up in the feed its stops belong to.
    wanted: dict[int, set[str]] = {}
    for j in journeys:
        for leg in j.legs:
            if isinstance(leg, RideLeg):
                wanted.setdefault(net.feed_id_of(leg.board_stop), set()).add(leg.trip_id)
    trips: dict[tuple[int, str], Trip] = {}
    for feed_id, trip_ids in wanted.items():
        for t in Trip.objects.filter(
            city=city, feed_id=feed_id, trip_id__in=trip_ids
        ).select_related("route"):
            trips[(feed_id, t.trip_id)] = t
    feeds = Feed.objects.filter(city=city).in_bulk(list(wanted))
    operators = {pk: f.operator_name for pk, f in feeds.items()}
    out = []
    for j in journeys:
        legs: list[LegView] = []
        first_ride = next((leg for leg in j.legs if isinstance(leg, RideLeg)), None)
        for leg in j.legs:
            if isinstance(leg, RideLeg):
                feed_id = net.feed_id_of(leg.board_stop)
                trip = trips.get((feed_id, leg.trip_id))
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
                        operators.get(feed_id, ""),
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
        out.append(
            JourneyView(
                depart,
                instant(day, j.arrival, tz),
                j.transfers,
                tuple(legs),
                journey_price(legs, feeds),
            )
        )
    return out


def _leg_stops(leg: RideLeg | WalkLeg) -> tuple[int, int]:
    if isinstance(leg, RideLeg):
        return leg.board_stop, leg.alight_stop
    return leg.from_stop, leg.to_stop


def warm(city: City) -> None:
    """Return None after building today's timetables of the city's active feeds."""
    if active_feeds(city):
        city_network(city, timezone.localdate())
