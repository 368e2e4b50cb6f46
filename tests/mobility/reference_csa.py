"""An independent earliest-arrival reference: the Connection Scan Algorithm (Dibbelt et al.).

Built straight from the parsed feed (not from kyoso's timetable), with brute-force footpaths,
and the same journey rules as kyoso's RAPTOR: walk once from the origins, once after each ride
(footpaths not chained), board when arrival <= departure, pickup/drop_off_type 1 forbids
boarding/alighting, wheelchair mode keeps trips with wheelchair_accessible == 1 and stops whose
wheelchair_boarding (or the parent's when 0) is not 2.
"""

from __future__ import annotations

import itertools
import math
from datetime import date

import numpy as np
from numba import njit

from kyoso.mobility.algorithms.gtfs_feed import GtfsFeed, active_service_ids

INF = np.iinfo(np.int64).max // 4


class ConnectionScan:
    """Connections of one service day, sorted by (departure, arrival)."""

    def __init__(
        self,
        feed: GtfsFeed,
        day: date,
        *,
        max_walk_m: float = 400.0,
        walk_speed_mps: float = 1.2,
        extra_paths: dict[tuple[int, int], int] | None = None,
    ) -> None:
        running = active_service_ids(feed, day)
        index = {s.stop_id: i for i, s in enumerate(feed.stops)}
        st = feed.stop_times
        rows: dict[int, list[tuple[int, int, int, int, int, int]]] = {}
        for k in range(len(st.trip_index)):
            t = int(st.trip_index[k])
            if feed.trips[t].service_id in running:
                rows.setdefault(t, []).append(
                    (
                        int(st.stop_sequence[k]),
                        int(st.stop_index[k]),
                        int(st.arrival[k]),
                        int(st.departure[k]),
                        int(st.pickup_type[k]),
                        int(st.drop_off_type[k]),
                    )
                )
        conns = []
        for t, stops in rows.items():
            stops.sort()
            for (_, a, _, dep, pick, _), (_, b, arr, _, _, drop) in itertools.pairwise(stops):
                conns.append((dep, arr, a, b, t, pick != 1, drop != 1))
        conns.sort(key=lambda c: (c[0], c[1]))
        self.dep = np.array([c[0] for c in conns], dtype=np.int64)
        self.arr = np.array([c[1] for c in conns], dtype=np.int64)
        self.frm = np.array([c[2] for c in conns], dtype=np.int64)
        self.to = np.array([c[3] for c in conns], dtype=np.int64)
        self.trip = np.array([c[4] for c in conns], dtype=np.int64)
        self.board = np.array([c[5] for c in conns], dtype=np.bool_)
        self.alight = np.array([c[6] for c in conns], dtype=np.bool_)
        self.trip_ok = np.array([t.wheelchair_accessible == 1 for t in feed.trips], dtype=np.bool_)
        by_id = {s.stop_id: s for s in feed.stops}
        self.stop_ok = np.array(
            [
                (
                    s.wheelchair_boarding
                    or getattr(by_id.get(s.parent_station), "wheelchair_boarding", 0)
                )
                != 2
                for s in feed.stops
            ],
            dtype=np.bool_,
        )
        n = len(feed.stops)
        walk = np.full((n, n), -1, dtype=np.int64)
        for i, si in enumerate(feed.stops):
            for j, sj in enumerate(feed.stops):
                if i == j or si.location_type != 0 or sj.location_type != 0:
                    continue
                if si.lat is None or si.lon is None or sj.lat is None or sj.lon is None:
                    continue
                d = _haversine(si.lat, si.lon, sj.lat, sj.lon)
                if d <= max_walk_m and max_walk_m > 0:
                    walk[i, j] = math.ceil(d / walk_speed_mps)
        for tr in feed.transfers:
            src, dst = index.get(tr.from_stop_id), index.get(tr.to_stop_id)
            if src is None or dst is None or src == dst:
                continue
            if tr.transfer_type == 3:
                walk[src, dst] = -1
            elif tr.transfer_type == 2 and tr.min_transfer_time is not None:
                walk[src, dst] = tr.min_transfer_time
        # Paths a merged network adds beyond walking distance (same-named stations).
        for (src, dst), secs in (extra_paths or {}).items():
            walk[src, dst] = secs if walk[src, dst] < 0 else min(walk[src, dst], secs)
        self.walk = walk
        self.n_trips = len(feed.trips)

    def earliest_arrival(
        self, origins: dict[int, int], target: int, *, wheelchair: bool = False
    ) -> int | None:
        """Return the earliest arrival at ``target`` from {stop: time at stop}, or None."""
        o = np.array(list(origins), dtype=np.int64)
        t = np.array(list(origins.values()), dtype=np.int64)
        best = _scan(
            self.dep, self.arr, self.frm, self.to, self.trip, self.board, self.alight,
            self.trip_ok, self.stop_ok, self.walk, self.n_trips, o, t, target, wheelchair,
        )  # fmt: skip
        return None if best >= INF else int(best)


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(h)))


@njit(cache=True)
def _scan(
    dep,
    arr,
    frm,
    to,
    trip,
    board,
    alight,
    trip_ok,
    stop_ok,
    walk,
    n_trips,
    o,
    t,
    target,
    wheelchair,
):
    n = walk.shape[0]
    big = np.iinfo(np.int64).max // 4
    reach = np.full(n, big, dtype=np.int64)
    ride = np.full(n, big, dtype=np.int64)
    on = np.zeros(n_trips, dtype=np.bool_)
    for i in range(len(o)):
        reach[o[i]] = min(reach[o[i]], t[i])
    for i in range(len(o)):
        for q in range(n):
            if walk[o[i], q] >= 0:
                reach[q] = min(reach[q], t[i] + walk[o[i], q])
    for c in range(len(dep)):
        if dep[c] >= reach[target]:
            break
        if wheelchair and not trip_ok[trip[c]]:
            continue
        if not on[trip[c]]:
            if board[c] and reach[frm[c]] <= dep[c] and (not wheelchair or stop_ok[frm[c]]):
                on[trip[c]] = True
            else:
                continue
        b = to[c]
        if alight[c] and (not wheelchair or stop_ok[b]) and arr[c] < ride[b]:
            ride[b] = arr[c]
            reach[b] = min(reach[b], arr[c])
            for q in range(n):
                if walk[b, q] >= 0:
                    reach[q] = min(reach[q], arr[c] + walk[b, q])
    return reach[target]
