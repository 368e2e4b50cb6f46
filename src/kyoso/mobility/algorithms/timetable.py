"""The NumPy timetable RAPTOR runs on, built from a feed for one service date.

RAPTOR routes are the trips sharing one exact stop pattern, split further until no trip
overtakes another (FIFO), so the first trip departing after a time is also the first to arrive
everywhere downstream. Footpaths join stops within a walking distance (haversine over a KD-tree
neighbour search) and come from transfers.txt (type 2 sets the time, type 3 removes the path).
Footpaths are not closed transitively: a journey walks at most once between two rides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from kyoso.mobility.algorithms.gtfs_feed import GtfsFeed, active_service_ids

EARTH_RADIUS_M = 6_371_008.8
I32 = npt.NDArray[np.int32]
U8 = npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class TripTimes:
    """One running trip: its stops and times (seconds after the service day's noon - 12h)."""

    trip_id: str
    route_id: str
    stops: I32
    stop_sequence: npt.NDArray[np.int64]
    arrival: I32
    departure: I32
    can_board: U8
    can_alight: U8
    wheelchair_ok: bool


@dataclass(frozen=True, slots=True)
class Timetable:
    """Flat arrays; times of route r, trip j, position i are at ``route_time_ptr[r] + j*n + i``."""

    service_date: date | None
    stop_ids: list[str]
    stop_names: list[str]
    stop_wheelchair_ok: U8
    route_stop_ptr: I32
    route_stops: I32
    route_trip_ptr: I32
    route_time_ptr: I32
    arrival: I32
    departure: I32
    can_board: U8
    can_alight: U8
    trip_ids: list[str]
    trip_route_ids: list[str]
    trip_wheelchair_ok: U8
    stop_route_ptr: I32
    stop_route_route: I32
    stop_route_pos: I32
    footpath_ptr: I32
    footpath_to: I32
    footpath_time: I32
    trips: tuple[TripTimes, ...]

    @property
    def n_stops(self) -> int:
        return len(self.stop_ids)

    def stop_index(self, stop_id: str) -> int:
        """Return the index of ``stop_id`` (KeyError if the feed has no such stop)."""
        return self.stop_ids.index(stop_id)

    def kernel_arrays(self) -> tuple[npt.NDArray[np.int32] | npt.NDArray[np.uint8], ...]:
        """Return the arrays the RAPTOR kernel takes, in its argument order."""
        return (
            self.route_stop_ptr, self.route_stops, self.route_trip_ptr, self.route_time_ptr,
            self.arrival, self.departure, self.can_board, self.can_alight,
            self.trip_wheelchair_ok, self.stop_wheelchair_ok, self.stop_route_ptr,
            self.stop_route_route, self.stop_route_pos, self.footpath_ptr, self.footpath_to,
            self.footpath_time,
        )  # fmt: skip

    def footpaths_from(self, stop: int) -> list[tuple[int, int]]:
        """Return (to stop, seconds) for every footpath leaving ``stop``."""
        lo, hi = int(self.footpath_ptr[stop]), int(self.footpath_ptr[stop + 1])
        return list(
            zip(self.footpath_to[lo:hi].tolist(), self.footpath_time[lo:hi].tolist(), strict=True)
        )


def haversine_m(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Return great-circle distances in metres between coordinate arrays (degrees)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(a, 1.0))), dtype=np.float64)


def walking_footpaths(
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    max_walk_m: float,
    walk_speed_mps: float,
) -> dict[tuple[int, int], int]:
    """Return {(from, to): whole seconds} for stops within ``max_walk_m`` (NaN coordinates skipped)."""
    paths: dict[tuple[int, int], int] = {}
    ok = np.flatnonzero(~(np.isnan(lat) | np.isnan(lon)))
    if max_walk_m <= 0 or len(ok) < 2:
        return paths
    # Points on a sphere of the earth's radius: a chord is never longer than its arc, so the
    # KD-tree finds every pair within walking distance wherever the stops are (two cities'
    # feeds merged far apart included), and haversine then keeps the exact ones.
    phi, lam = np.radians(lat[ok]), np.radians(lon[ok])
    xyz = (
        np.column_stack((np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)))
        * EARTH_RADIUS_M
    )
    pairs = cKDTree(xyz).query_pairs(max_walk_m, output_type="ndarray")
    if len(pairs) == 0:
        return paths
    a, b = ok[pairs[:, 0]], ok[pairs[:, 1]]
    dist = haversine_m(lat[a], lon[a], lat[b], lon[b])
    keep = dist <= max_walk_m
    secs = np.ceil(dist[keep] / walk_speed_mps).astype(np.int64)
    for i, j, s in zip(a[keep].tolist(), b[keep].tolist(), secs.tolist(), strict=True):
        paths[(i, j)] = paths[(j, i)] = int(s)
    return paths


def _trip_times(feed: GtfsFeed, service_ids: frozenset[str]) -> list[TripTimes]:
    st = feed.stop_times
    running = np.array([t.service_id in service_ids for t in feed.trips], dtype=bool)
    rows = np.flatnonzero(running[st.trip_index]) if len(st.trip_index) else np.zeros(0, np.int64)
    rows = rows[np.lexsort((st.stop_sequence[rows], st.trip_index[rows]))]
    cuts = np.flatnonzero(np.diff(st.trip_index[rows])) + 1
    out: list[TripTimes] = []
    for chunk in np.split(rows, cuts) if len(rows) else []:
        if len(chunk) < 2:
            continue
        trip = feed.trips[int(st.trip_index[chunk[0]])]
        arr = _interpolate(st.arrival[chunk])
        dep = _interpolate(st.departure[chunk])
        out.append(
            TripTimes(
                trip_id=trip.trip_id,
                route_id=trip.route_id,
                stops=st.stop_index[chunk].astype(np.int32),
                stop_sequence=st.stop_sequence[chunk],
                arrival=arr,
                departure=np.maximum(dep, arr),
                can_board=(st.pickup_type[chunk] != 1).astype(np.uint8),
                can_alight=(st.drop_off_type[chunk] != 1).astype(np.uint8),
                wheelchair_ok=trip.wheelchair_accessible == 1,
            )
        )
    return expand_frequencies(out, _headways(feed))


def expand_frequencies(
    trips: list[TripTimes], headways: Mapping[str, list[tuple[int, int, int]]]
) -> list[TripTimes]:
    """Return ``trips`` with each trip of frequencies.txt run at its headways.

    A trip with (start, end, headway) rows becomes one copy per departure start, start +
    headway, … before end, keeping its stop_times' intervals; the copies keep the trip_id (a
    rider boards "the 10-minute bus", and the trip's route and headsign are the same). With
    exact_times 0 the operator promises only the headway, so an exact timetable is an
    approximation: a rider may wait up to one headway, which is what the copies assume.
    """
    if not headways:
        return trips
    out: list[TripTimes] = []
    for trip in trips:
        windows = headways.get(trip.trip_id)
        if not windows:
            out.append(trip)
            continue
        first = int(trip.departure[0])
        for start, end, headway in sorted(windows):
            for begin in range(start, end, headway):
                shift = begin - first
                out.append(
                    replace(
                        trip,
                        arrival=(trip.arrival + shift).astype(np.int32),
                        departure=(trip.departure + shift).astype(np.int32),
                    )
                )
    return out


def _headways(feed: GtfsFeed) -> dict[str, list[tuple[int, int, int]]]:
    out: dict[str, list[tuple[int, int, int]]] = {}
    for f in feed.frequencies:
        if f.start_time >= 0 and f.end_time > f.start_time and f.headway_secs > 0:
            out.setdefault(f.trip_id, []).append((f.start_time, f.end_time, f.headway_secs))
    return out


def _interpolate(times: I32) -> I32:
    """Return times with blanks (-1) filled linearly by position, as GTFS consumers do."""
    known = np.flatnonzero(times >= 0)
    if len(known) == len(times) or len(known) == 0:
        return times.astype(np.int32)
    filled = np.interp(np.arange(len(times)), known, times[known].astype(np.float64))
    return np.floor(filled).astype(np.int32)


def build_timetable(
    feed: GtfsFeed,
    service_date: date,
    *,
    max_walk_m: float = 400.0,
    walk_speed_mps: float = 1.2,
    use_transfers_txt: bool = True,
) -> Timetable:
    """Return the timetable of the trips running on ``service_date`` with its footpaths.

    Walking 1.2 m/s (4.3 km/h) is a common planning figure for older pedestrians.
    """
    lat = np.array([np.nan if s.lat is None else s.lat for s in feed.stops], dtype=np.float64)
    lon = np.array([np.nan if s.lon is None else s.lon for s in feed.stops], dtype=np.float64)
    platform = np.array([s.location_type in (0, 4) for s in feed.stops], dtype=bool)
    lat[~platform] = np.nan
    paths = walking_footpaths(lat, lon, max_walk_m, walk_speed_mps)
    if use_transfers_txt:
        index = feed.stop_by_id()
        for tr in feed.transfers:
            a, b = index.get(tr.from_stop_id), index.get(tr.to_stop_id)
            if a is None or b is None or a == b:
                continue
            if tr.transfer_type == 3:
                paths.pop((a, b), None)
            elif tr.transfer_type == 2 and tr.min_transfer_time is not None:
                paths[(a, b)] = tr.min_transfer_time
    by_id = {s.stop_id: s for s in feed.stops}
    wheel = []
    for s in feed.stops:
        value = s.wheelchair_boarding
        parent = by_id.get(s.parent_station)
        if value == 0 and parent is not None:
            value = parent.wheelchair_boarding
        wheel.append(value != 2)
    return assemble(
        service_date,
        [s.stop_id for s in feed.stops],
        [s.name for s in feed.stops],
        np.array(wheel, dtype=np.uint8),
        _trip_times(feed, active_service_ids(feed, service_date)),
        paths,
    )


def assemble(
    service_date: date | None,
    stop_ids: list[str],
    stop_names: list[str],
    stop_wheelchair_ok: U8,
    trips: list[TripTimes],
    footpaths: Mapping[tuple[int, int], int],
) -> Timetable:
    """Return a timetable grouping ``trips`` into FIFO routes by exact stop pattern."""
    patterns: dict[bytes, list[list[TripTimes]]] = {}
    for trip in sorted(trips, key=lambda t: (int(t.departure[0]), int(t.arrival[-1]), t.trip_id)):
        chains = patterns.setdefault(trip.stops.tobytes(), [])
        for chain in chains:
            last = chain[-1]
            if np.all(trip.departure >= last.departure) and np.all(trip.arrival >= last.arrival):
                chain.append(trip)
                break
        else:
            chains.append([trip])
    routes = [chain for chains in patterns.values() for chain in chains]
    n_stops = len(stop_ids)
    route_stop_ptr, route_trip_ptr, route_time_ptr = [0], [0], [0]
    route_stops: list[npt.NDArray[np.int32]] = []
    arr, dep, board, alight = [], [], [], []
    ordered: list[TripTimes] = []
    for chain in routes:
        route_stops.append(chain[0].stops)
        route_stop_ptr.append(route_stop_ptr[-1] + len(chain[0].stops))
        route_trip_ptr.append(route_trip_ptr[-1] + len(chain))
        route_time_ptr.append(route_time_ptr[-1] + len(chain) * len(chain[0].stops))
        for t in chain:
            arr.append(t.arrival)
            dep.append(t.departure)
            board.append(t.can_board)
            alight.append(t.can_alight)
        ordered.extend(chain)
    flat_stops = np.concatenate(route_stops).astype(np.int32) if routes else np.zeros(0, np.int32)
    route_of = np.repeat(np.arange(len(routes), dtype=np.int32), np.diff(route_stop_ptr))
    pos = np.arange(len(flat_stops), dtype=np.int32) - np.repeat(
        np.array(route_stop_ptr[:-1], dtype=np.int32), np.diff(route_stop_ptr)
    )
    by_stop = np.argsort(flat_stops, kind="stable")
    stop_route_ptr = np.zeros(n_stops + 1, dtype=np.int32)
    np.add.at(stop_route_ptr, flat_stops + 1, 1)
    fp = sorted((a, b, s) for (a, b), s in footpaths.items())
    fp_ptr = np.zeros(n_stops + 1, dtype=np.int32)
    np.add.at(fp_ptr, np.array([a for a, _, _ in fp], dtype=np.int64) + 1, 1)

    def cat(parts: list[I32], dtype: type) -> I32:
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)

    def cat8(parts: list[U8]) -> U8:
        return np.concatenate(parts).astype(np.uint8) if parts else np.zeros(0, np.uint8)

    return Timetable(
        service_date=service_date,
        stop_ids=stop_ids,
        stop_names=stop_names,
        stop_wheelchair_ok=stop_wheelchair_ok.astype(np.uint8),
        route_stop_ptr=np.array(route_stop_ptr, dtype=np.int32),
        route_stops=flat_stops,
        route_trip_ptr=np.array(route_trip_ptr, dtype=np.int32),
        route_time_ptr=np.array(route_time_ptr, dtype=np.int32),
        arrival=cat(arr, np.int32),
        departure=cat(dep, np.int32),
        can_board=cat8(board),
        can_alight=cat8(alight),
        trip_ids=[t.trip_id for t in ordered],
        trip_route_ids=[t.route_id for t in ordered],
        trip_wheelchair_ok=np.array([t.wheelchair_ok for t in ordered], dtype=np.uint8),
        stop_route_ptr=np.cumsum(stop_route_ptr).astype(np.int32),
        stop_route_route=route_of[by_stop].astype(np.int32),
        stop_route_pos=pos[by_stop].astype(np.int32),
        footpath_ptr=np.cumsum(fp_ptr).astype(np.int32),
        footpath_to=np.array([b for _, b, _ in fp], dtype=np.int32),
        footpath_time=np.array([s for _, _, s in fp], dtype=np.int32),
        trips=tuple(trips),
    )


def with_delays(timetable: Timetable, delays: Mapping[str, Mapping[int, int]]) -> Timetable:
    """Return a timetable with real-time delays applied: {trip_id: {stop_sequence: seconds}}.

    A delay holds from its stop until the next stop with its own delay (GTFS-RT propagation);
    times are then made non-decreasing along the trip, and routes are re-split for FIFO
    because a late trip may be overtaken by the next one.
    """
    if not delays:
        return timetable
    trips = []
    for trip in timetable.trips:
        updates = delays.get(trip.trip_id)
        if not updates:
            trips.append(trip)
            continue
        shift = np.zeros(len(trip.stops), dtype=np.int64)
        current = 0
        wanted = dict(updates)
        for i, seq in enumerate(trip.stop_sequence.tolist()):
            current = wanted.get(seq, current)
            shift[i] = current
        arr = trip.arrival + shift
        dep = np.maximum(trip.departure + shift, arr)
        both = np.maximum.accumulate(np.column_stack((arr, dep)).ravel())
        trips.append(
            replace(
                trip, arrival=both[0::2].astype(np.int32), departure=both[1::2].astype(np.int32)
            )
        )
    paths = {(a, b): s for a in range(timetable.n_stops) for b, s in timetable.footpaths_from(a)}
    return assemble(
        timetable.service_date,
        timetable.stop_ids,
        timetable.stop_names,
        timetable.stop_wheelchair_ok,
        trips,
        paths,
    )
