"""RAPTOR journey planning (Delling, Pajor & Werneck 2012) on a NumPy ``Timetable``.

Round k finds the earliest arrival at every stop with at most k rides; a journey may walk
once from the origin, once after each ride (footpaths are not chained) and ends by a ride or
a walk into the target. Boarding needs only arrival <= departure at the same stop;
pickup_type / drop_off_type 1 forbid boarding / alighting there (other values allow it).
Supported: earliest arrival, the Pareto set over (arrival, transfers), range queries
(rRAPTOR over all departures in [t0, t1]), real-time delays (``timetable.with_delays``) and
wheelchair-only journeys: only trips with ``wheelchair_accessible == 1``, boarding and
alighting only at stops whose ``wheelchair_boarding`` (or their parent's when 0) is not 2;
footpaths are assumed usable. The inner loops are Numba-compiled (cached on disk).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numba import njit

from kyoso.mobility.algorithms.timetable import Timetable

Origins = int | Mapping[int, int]


INF = np.iinfo(np.int32).max
ACCESS, RIDE, WALK, WALK0 = 1, 2, 3, 4


@njit(cache=True)
def _earliest_trip(dep, board, trip_ok, base, n, lo, hi, pos, t, wheelchair):
    """First trip index in [lo, hi) departing at ``pos`` at or after ``t`` that may be boarded."""
    a, b = lo, hi
    while a < b:  # FIFO routes: departures at a position are sorted by trip
        m = (a + b) // 2
        if dep[base + m * n + pos] < t:
            a = m + 1
        else:
            b = m
    while a < hi and (board[base + a * n + pos] == 0 or (wheelchair and trip_ok[a] == 0)):
        a += 1
    return a


@njit(cache=True)
def raptor_rounds(
    route_stop_ptr, route_stops, route_trip_ptr, route_time_ptr, arr, dep, board, alight,
    trip_ok, stop_ok, stop_route_ptr, stop_route_route, stop_route_pos, fp_ptr, fp_to, fp_time,
    origins, origin_times, target, max_rounds, wheelchair, reset, tau, best, best_ride, par,
    marked, route_q,
):  # fmt: skip
    """Run RAPTOR rounds in place; parents ``par``: kind, route, trip, board, alight, from."""
    n_stops = tau.shape[1]
    if reset:
        tau[:, :] = INF
        best[:] = INF
        best_ride[:] = INF
        par[:, :, :] = 0
    marked[:] = 0
    for i in range(len(origins)):
        s, t = origins[i], origin_times[i]
        if t < tau[0, s]:
            tau[0, s] = t
            par[0, 0, s] = ACCESS
            best[s] = min(best[s], t)
            marked[s] = 1
    for i in range(len(origins)):
        s, t = origins[i], origin_times[i]
        for e in range(fp_ptr[s], fp_ptr[s + 1]):
            q, t2 = fp_to[e], t + fp_time[e]
            if t2 < tau[0, q] and t2 < best[q]:
                tau[0, q] = t2
                best[q] = t2
                par[0, 0, q] = WALK0
                par[5, 0, q] = s
                marked[q] = 1
    ride_stop = np.empty(n_stops, np.int32)
    ride_info = np.empty((5, n_stops), np.int32)
    in_list = np.zeros(n_stops, np.uint8)
    routes = np.empty(len(route_q), np.int32)
    last = 0
    for k in range(1, max_rounds + 1):
        for p in range(n_stops):
            if tau[k - 1, p] < tau[k, p]:
                tau[k, p] = tau[k - 1, p]
                par[0, k, p] = 0
        n_routes = 0
        for p in range(n_stops):
            if marked[p]:
                marked[p] = 0
                for e in range(stop_route_ptr[p], stop_route_ptr[p + 1]):
                    r, pos = stop_route_route[e], stop_route_pos[e]
                    if route_q[r] == INF:
                        routes[n_routes] = r
                        n_routes += 1
                        route_q[r] = pos
                    elif pos < route_q[r]:
                        route_q[r] = pos
        if n_routes == 0:
            break
        last = k
        n_ride = 0
        for ri in range(n_routes):
            r = routes[ri]
            start = route_q[r]
            route_q[r] = INF
            s0, n = route_stop_ptr[r], route_stop_ptr[r + 1] - route_stop_ptr[r]
            base, n_trips = route_time_ptr[r], route_trip_ptr[r + 1] - route_trip_ptr[r]
            tok = trip_ok[route_trip_ptr[r] : route_trip_ptr[r + 1]]
            cur, b_pos = n_trips, -1
            for i in range(start, n):
                p = route_stops[s0 + i]
                usable = not wheelchair or stop_ok[p] == 1
                if cur < n_trips and usable and alight[base + cur * n + i] == 1:
                    a = arr[base + cur * n + i]
                    # Rides are pruned against rides only: a walk ends a leg, a ride may go on walking.
                    if a < best_ride[p] and a < best[target]:
                        best_ride[p] = a
                        ride_info[0, p] = a
                        ride_info[1, p] = r
                        ride_info[2, p] = cur
                        ride_info[3, p] = b_pos
                        ride_info[4, p] = i
                        if in_list[p] == 0:
                            in_list[p] = 1
                            ride_stop[n_ride] = p
                            n_ride += 1
                prev = tau[k - 1, p]
                if usable and prev < INF and (cur == n_trips or prev <= dep[base + cur * n + i]):
                    j = _earliest_trip(dep, board, tok, base, n, 0, cur, i, prev, wheelchair)
                    if j < cur:
                        cur, b_pos = j, i
        for x in range(n_ride):
            p = ride_stop[x]
            in_list[p] = 0
            if ride_info[0, p] < tau[k, p] and ride_info[0, p] < best[target]:
                tau[k, p] = ride_info[0, p]
                best[p] = min(best[p], ride_info[0, p])
                par[0, k, p] = RIDE
                for f in range(1, 5):
                    par[f, k, p] = ride_info[f, p]
                marked[p] = 1
        for x in range(n_ride):
            p = ride_stop[x]
            for e in range(fp_ptr[p], fp_ptr[p + 1]):
                q, t2 = fp_to[e], ride_info[0, p] + fp_time[e]
                if t2 < tau[k, q] and t2 < best[q] and t2 < best[target]:
                    tau[k, q] = t2
                    best[q] = t2
                    par[0, k, q] = WALK
                    for f in range(1, 5):
                        par[f, k, q] = ride_info[f, p]
                    par[5, k, q] = p
                    marked[q] = 1
    return last


@dataclass(frozen=True, slots=True)
class RideLeg:
    route_id: str
    trip_id: str
    board_stop: int
    board_time: int
    alight_stop: int
    alight_time: int


@dataclass(frozen=True, slots=True)
class WalkLeg:
    from_stop: int
    to_stop: int
    duration: int


@dataclass(frozen=True, slots=True)
class Journey:
    """A journey; times in seconds, ``departure`` is the query's departure time.

    With several origins the access walk to ``origin`` comes before its first leg.
    """

    origin: int
    target: int
    departure: int
    arrival: int
    legs: tuple[RideLeg | WalkLeg, ...]

    @property
    def rides(self) -> int:
        return sum(isinstance(leg, RideLeg) for leg in self.legs)

    @property
    def transfers(self) -> int:
        """Return the number of changes between vehicles."""
        return max(self.rides - 1, 0)


class Raptor:
    """Journey planner over one timetable; keeps its work arrays between queries.

    Not thread-safe (the work arrays are shared): use one instance per thread.
    """

    def __init__(self, timetable: Timetable, max_rounds: int = 16) -> None:
        self.tt = timetable
        self.max_rounds = max_rounds
        n, rounds = timetable.n_stops, max_rounds + 1
        self._tau = np.full((rounds, n), INF, dtype=np.int32)
        self._best = np.full(n, INF, dtype=np.int32)
        self._best_ride = np.full(n, INF, dtype=np.int32)
        self._parent = np.zeros((6, rounds, n), dtype=np.int32)
        self._marked = np.zeros(n, dtype=np.uint8)
        self._route_q = np.full(
            len(timetable.route_trip_ptr) - 1, np.iinfo(np.int32).max, dtype=np.int32
        )

    def _run(self, origins: Mapping[int, int], target: int, reset: bool, wheelchair: bool) -> int:
        tt = self.tt
        # The compiled kernel does no bounds checks: bad input must stop here.
        for stop in (*origins, target):
            if not 0 <= stop < tt.n_stops:
                raise ValueError(f"stop index {stop} is outside 0..{tt.n_stops - 1}")
        for time_at in origins.values():
            if not 0 <= time_at < 2**30:
                raise ValueError(f"time {time_at} s is outside 0..2**30")
        if not origins:
            raise ValueError("at least one origin stop is needed")
        o = np.fromiter(origins.keys(), dtype=np.int32, count=len(origins))
        t = np.fromiter(origins.values(), dtype=np.int32, count=len(origins))
        work = (self._tau, self._best, self._best_ride, self._parent, self._marked, self._route_q)
        kernel_args = (o, t, target, self.max_rounds, wheelchair, reset)
        return int(raptor_rounds(*tt.kernel_arrays(), *kernel_args, *work))  # type: ignore[call-arg]

    def earliest_arrival(
        self, origins: Origins, target: int, departure: int, *, wheelchair: bool = False
    ) -> Journey | None:
        """Return the earliest-arriving journey (fewest rides among equals), or None."""
        found = self.pareto(origins, target, departure, wheelchair=wheelchair)
        return found[-1] if found else None

    def earliest_arrival_time(
        self, origins: Origins, target: int, departure: int, *, wheelchair: bool = False
    ) -> int | None:
        """Return the earliest arrival time at ``target`` without building the journey."""
        starts = _starts(origins, departure)
        self._run(starts, target, True, wheelchair)
        best = int(self._best[target])
        return None if best >= INF else best

    def pareto(
        self, origins: Origins, target: int, departure: int, *, wheelchair: bool = False
    ) -> list[Journey]:
        """Return the Pareto set over (arrival, transfers), fewest transfers first."""
        starts = _starts(origins, departure)
        last = self._run(starts, target, True, wheelchair)
        out: list[Journey] = []
        previous = INF
        for k in range(last + 1):
            value = int(self._tau[k, target])
            if value < previous:
                out.append(self._journey(k, target, starts, departure))
                previous = value
        return out

    def range_query(
        self, origins: Origins, target: int, start: int, end: int, *, wheelchair: bool = False
    ) -> list[Journey]:
        """Return every journey departing in [start, end] that no other journey dominates.

        A journey dominates another when it departs no earlier, arrives no later and has no
        more transfers; result sorted by departure then transfers.
        """
        access = {origins: 0} if isinstance(origins, int) else dict(origins)
        found: list[Journey] = []
        reset = True
        for dep in self._departures(access, start, end):
            starts = {s: dep + w for s, w in access.items()}
            before = self._tau[:, target].copy()
            last = self._run(starts, target, reset, wheelchair)
            reset = False
            for k in range(last + 1):
                if self._tau[k, target] < before[k] and self._parent[0, k, target] != 0:
                    found.append(self._journey(k, target, starts, dep))
        return _pareto_filter(found)

    def _departures(self, access: Mapping[int, int], start: int, end: int) -> list[int]:
        """Return the distinct useful departure times from the origins, latest first."""
        tt = self.tt
        offsets = dict(access)
        for s, w in access.items():
            for to, d in tt.footpaths_from(s):
                offsets[to] = min(offsets.get(to, INF), w + d)
        times: set[int] = set()
        for s, off in offsets.items():
            for e in range(int(tt.stop_route_ptr[s]), int(tt.stop_route_ptr[s + 1])):
                r, pos = int(tt.stop_route_route[e]), int(tt.stop_route_pos[e])
                n = int(tt.route_stop_ptr[r + 1] - tt.route_stop_ptr[r])
                base, trips = (
                    int(tt.route_time_ptr[r]),
                    int(tt.route_trip_ptr[r + 1] - tt.route_trip_ptr[r]),
                )
                idx = base + np.arange(trips) * n + pos
                deps = tt.departure[idx][tt.can_board[idx] == 1] - off
                times.update(deps[(deps >= start) & (deps <= end)].tolist())
        return sorted(times, reverse=True)

    def _journey(self, k: int, target: int, starts: Mapping[int, int], departure: int) -> Journey:
        tt, par, tau = self.tt, self._parent, self._tau
        legs: list[RideLeg | WalkLeg] = []
        p, arrival = target, int(tau[k, target])
        while True:
            kind = int(par[0, k, p])
            if kind == 0:
                k -= 1
                continue
            if kind == ACCESS:
                break
            if kind == WALK0:
                src = int(par[5, k, p])
                legs.append(WalkLeg(src, p, int(tau[k, p]) - starts[src]))
                p = src
                continue
            route, trip, b, a = (int(x) for x in par[1:5, k, p])
            n = int(tt.route_stop_ptr[route + 1] - tt.route_stop_ptr[route])
            row = int(tt.route_time_ptr[route]) + trip * n
            alight_stop = int(tt.route_stops[tt.route_stop_ptr[route] + a])
            alight_time = int(tt.arrival[row + a])
            if kind == WALK:
                legs.append(WalkLeg(alight_stop, p, int(tau[k, p]) - alight_time))
            board_stop = int(tt.route_stops[tt.route_stop_ptr[route] + b])
            g = int(tt.route_trip_ptr[route]) + trip
            legs.append(
                RideLeg(
                    tt.trip_route_ids[g],
                    tt.trip_ids[g],
                    board_stop,
                    int(tt.departure[row + b]),
                    alight_stop,
                    alight_time,
                )
            )
            p, k = board_stop, k - 1
        legs.reverse()
        return Journey(p, target, departure, arrival, tuple(legs))


def _starts(origins: Origins, departure: int) -> dict[int, int]:
    if isinstance(origins, int):
        return {origins: departure}
    return {s: departure + w for s, w in origins.items()}


def _pareto_filter(journeys: list[Journey]) -> list[Journey]:
    keep: list[Journey] = []
    for j in journeys:
        dominated = any(
            o.departure >= j.departure
            and o.arrival <= j.arrival
            and o.transfers <= j.transfers
            and (o.departure, o.arrival, o.transfers) != (j.departure, j.arrival, j.transfers)
            for o in journeys
        )
        if not dominated and all(
            (o.departure, o.arrival, o.transfers) != (j.departure, j.arrival, j.transfers)
            for o in keep
        ):
            keep.append(j)
    return sorted(keep, key=lambda j: (j.departure, j.transfers))


def warm_up() -> None:
    """Return None after compiling (or loading from cache) the Numba kernel on a tiny network."""
    from kyoso.mobility.algorithms.timetable import TripTimes, assemble

    trip = TripTimes(
        "t",
        "r",
        np.array([0, 1], np.int32),
        np.array([1, 2]),
        np.array([0, 60], np.int32),
        np.array([0, 60], np.int32),
        np.ones(2, np.uint8),
        np.ones(2, np.uint8),
        True,
    )
    tt = assemble(None, ["a", "b"], ["a", "b"], np.ones(2, np.uint8), [trip], {(0, 1): 100})
    Raptor(tt).earliest_arrival(0, 1, 0)
