"""The scheduled departures of a feed on one service day, indexed by stop in process memory.

Live departure pages are read far more often than timetables change: building this index once
per (feed, day) turns each page's schedule lookup into a binary search, leaving only the
real-time rows to the database. Cleared with the other caches when a feed is imported.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from kyoso.mobility.models import Route, Stop, StopTime, Trip


@dataclass(frozen=True, slots=True)
class TripInfo:
    trip_id: str
    route_id: str
    route_name_ja: str
    route_name_en: str
    route_color: str
    headsign: str
    wheelchair: bool


@dataclass(frozen=True, slots=True)
class StopInfo:
    stop_id: str
    name: str
    name_en: str
    platform: str


@dataclass(frozen=True, slots=True)
class Board:
    """Per stop pk: departure seconds (sorted) and, aligned, (trip pk, sequence, headsign)."""

    departures: dict[int, npt.NDArray[np.int32]]
    rows: dict[int, list[tuple[int, int, str]]]
    trips: dict[int, TripInfo]
    stops: dict[int, StopInfo]
    children: dict[int, list[int]]

    def family(self, stop_pk: int) -> list[int]:
        """Return the stop and its platforms."""
        return [stop_pk, *self.children.get(stop_pk, [])]

    def between(self, stop_pk: int, lo: int, hi: int) -> list[tuple[int, int, int, str]]:
        """Return (departure, trip pk, sequence, headsign) at the stop with lo <= departure <= hi."""
        deps = self.departures.get(stop_pk)
        if deps is None:
            return []
        a, b = np.searchsorted(deps, lo, "left"), np.searchsorted(deps, hi, "right")
        rows = self.rows[stop_pk]
        return [(int(deps[k]), *rows[k]) for k in range(int(a), int(b))]


_lock = threading.Lock()
_boards: OrderedDict[tuple[int, date], Board] = OrderedDict()


def forget() -> None:
    with _lock:
        _boards.clear()


def _route_name(route: Route, english: bool) -> str:
    long_name = route.long_name_en if english and route.long_name_en else route.long_name
    # "BRT" + "ひたちBRT" would read "BRT ひたちBRT" on every row: the long name says it all.
    if route.short_name and route.short_name in long_name:
        return long_name
    if route.short_name and long_name:
        return f"{route.short_name} {long_name}"
    return route.short_name or long_name or route.route_id


def build(feed_id: int, day: date, services: frozenset[str]) -> Board:
    """Return the board of a feed for a service day (trips running on ``services``)."""
    routes = {r.pk: r for r in Route.objects.filter(feed_id=feed_id)}
    trips: dict[int, TripInfo] = {}
    for pk, trip_id, route_pk, headsign, wc in Trip.objects.filter(
        feed_id=feed_id, service_id__in=services
    ).values_list("pk", "trip_id", "route_id", "headsign", "wheelchair_accessible"):
        r = routes[route_pk]
        trips[pk] = TripInfo(
            trip_id,
            r.route_id,
            _route_name(r, False),
            _route_name(r, True),
            r.color,
            headsign,
            wc == 1,
        )
    stops: dict[int, StopInfo] = {}
    children: dict[int, list[int]] = defaultdict(list)
    for pk, stop_id, name, name_en, platform, parent in Stop.objects.filter(
        feed_id=feed_id
    ).values_list("pk", "stop_id", "name", "name_en", "platform_code", "parent_id"):
        stops[pk] = StopInfo(stop_id, name, name_en, platform)
        if parent is not None:
            children[parent].append(pk)
    by_stop: dict[int, list[tuple[int, int, int, str]]] = defaultdict(list)
    last_seq: dict[int, int] = {}
    for stop_pk, dep, trip_pk, seq, headsign, pickup in StopTime.objects.filter(
        feed_id=feed_id, trip_id__in=list(trips)
    ).values_list("stop_id", "departure", "trip_id", "stop_sequence", "headsign", "pickup_type"):
        last_seq[trip_pk] = max(seq, last_seq.get(trip_pk, seq))
        if pickup != 1:  # 1: no pickup here
            by_stop[stop_pk].append((dep, trip_pk, seq, headsign))
    # A trip's last stop is where it arrives, not a departure: no 「十王駅 行き」 at 十王駅.
    for stop_pk, items in list(by_stop.items()):
        kept = [i for i in items if i[2] != last_seq[i[1]]]
        if kept:
            by_stop[stop_pk] = kept
        else:
            del by_stop[stop_pk]
    departures, rows = {}, {}
    for stop_pk, items in by_stop.items():
        items.sort()
        departures[stop_pk] = np.array([i[0] for i in items], dtype=np.int32)
        rows[stop_pk] = [(i[1], i[2], i[3]) for i in items]
    return Board(departures, rows, trips, stops, dict(children))


def board_for(feed_id: int, day: date, services: frozenset[str]) -> Board:
    """Return the cached board of (feed, day), building it when missing."""
    key = (feed_id, day)
    with _lock:
        if key in _boards:
            _boards.move_to_end(key)
            return _boards[key]
    board = build(feed_id, day, services)
    with _lock:
        _boards[key] = board
        while len(_boards) > 16:
            _boards.popitem(last=False)
    return board
