"""Level of service for a city's vision: who lives near frequent public transport, and how long
the trip to a destination (the main hospital) takes from each district.

Plain data in, plain data out (no Django): residents are represented by points spread evenly
over each district's outline (a regular grid; the district's centre when it has no outline),
each point carrying an equal share of the district's population. With a population grid (e.g.
e-Stat's 250 m 地域メッシュ) the same functions take weighted points instead.

- :func:`departures_per_stop` counts the boardable departures of each stop in a time window of
  the service day (trips of every route calling there).
- :func:`covered` tells which points lie within a walking radius of a *frequent* stop.
- :func:`travel_times` runs one earliest-arrival RAPTOR query per point to a set of target stops
  (the destination's nearby stops, each with its walk to the door), access walks included, and
  keeps walking all the way when that is faster: the all-to-one times of the issue, computed
  point by point (hundreds of queries at well under a millisecond each).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kyoso.mobility.algorithms.raptor import Raptor
from kyoso.mobility.algorithms.timetable import Timetable, haversine_m

F64 = npt.NDArray[np.float64]
# Straight-line distance understates walking on streets; 1.3 is a usual detour factor.
WALK_DETOUR = 1.3
METRES_PER_DEGREE_LAT = 111_320.0


@dataclass(frozen=True, slots=True)
class Points:
    """Residents' points of one district, each standing for ``weight`` people."""

    lat: F64
    lon: F64
    weight: float


def _rings(outline: Mapping[str, Any]) -> list[list[list[list[float]]]]:
    """Return the polygons of a GeoJSON Polygon/MultiPolygon (or Feature) as lists of rings."""
    geometry = outline.get("geometry", outline) if outline else {}
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon" and coords:
        return [coords]
    if kind == "MultiPolygon" and coords:
        return list(coords)
    return []


def district_points(
    outline: Mapping[str, Any],
    centre: tuple[float, float],
    population: float,
    spacing_m: float = 250.0,
) -> Points:
    """Return a regular grid of points ``spacing_m`` apart inside the outline (at least the centre).

    The grid is anchored on whole multiples of the spacing, so neighbouring districts' grids
    line up and a point belongs to one district only.
    """
    import shapely

    polygons = [shapely.Polygon(rings[0], rings[1:]) for rings in _rings(outline) if rings]
    lat0 = centre[0]
    dlat = spacing_m / METRES_PER_DEGREE_LAT
    dlon = spacing_m / (METRES_PER_DEGREE_LAT * np.cos(np.radians(lat0)))
    lats: list[F64] = []
    lons: list[F64] = []
    for polygon in polygons:
        west, south, east, north = polygon.bounds
        ys = np.arange(np.ceil(south / dlat), np.floor(north / dlat) + 1) * dlat
        xs = np.arange(np.ceil(west / dlon), np.floor(east / dlon) + 1) * dlon
        gx, gy = np.meshgrid(xs, ys)
        inside = shapely.contains_xy(polygon, gx.ravel(), gy.ravel())
        lats.append(gy.ravel()[inside])
        lons.append(gx.ravel()[inside])
    lat = np.concatenate(lats) if lats else np.zeros(0)
    lon = np.concatenate(lons) if lons else np.zeros(0)
    if len(lat) == 0:  # no outline, or smaller than the grid: the centre stands for everyone
        lat, lon = np.array([centre[0]]), np.array([centre[1]])
    return Points(lat.astype(np.float64), lon.astype(np.float64), population / len(lat))


def departures_per_stop(tt: Timetable, start: int, end: int) -> npt.NDArray[np.int64]:
    """Return, per stop, how many trips one can board there departing in [start, end) seconds."""
    counts = np.zeros(tt.n_stops, dtype=np.int64)
    for r in range(len(tt.route_stop_ptr) - 1):
        lo, hi = int(tt.route_stop_ptr[r]), int(tt.route_stop_ptr[r + 1])
        n, trips = hi - lo, int(tt.route_trip_ptr[r + 1] - tt.route_trip_ptr[r])
        if n == 0 or trips == 0:
            continue
        base = int(tt.route_time_ptr[r])
        dep = tt.departure[base : base + trips * n].reshape(trips, n)
        ok = tt.can_board[base : base + trips * n].reshape(trips, n) == 1
        per_position = ((dep >= start) & (dep < end) & ok).sum(axis=0)
        np.add.at(counts, tt.route_stops[lo:hi], per_position)
    return counts


def covered(points: Points, stop_lat: F64, stop_lon: F64, frequent: npt.NDArray[np.bool_],
            radius_m: float) -> npt.NDArray[np.bool_]:  # fmt: skip
    """Return, per point, whether a frequent stop lies within ``radius_m`` in a straight line."""
    keep = frequent & ~(np.isnan(stop_lat) | np.isnan(stop_lon))
    if not keep.any() or len(points.lat) == 0:
        return np.zeros(len(points.lat), dtype=bool)
    d = haversine_m(
        points.lat[:, None], points.lon[:, None], stop_lat[keep][None, :], stop_lon[keep][None, :]
    )
    return np.asarray((d <= radius_m).any(axis=1))


def travel_times(
    raptor: Raptor,
    points: Points,
    stop_lat: F64,
    stop_lon: F64,
    targets: Mapping[int, int],
    destination: tuple[float, float],
    departure: int,
    *,
    walk_speed_mps: float = 1.2,
    max_access_m: float = 800.0,
) -> F64:
    """Return, per point, the minutes from ``departure`` to the destination's door (inf if none).

    ``targets`` maps the destination's stops to their walk to the door in seconds. A point walks
    (straight line × detour, at ``walk_speed_mps``) to every stop within ``max_access_m``;
    walking the whole way counts when it is faster.
    """
    out = np.full(len(points.lat), np.inf)
    has_xy = ~(np.isnan(stop_lat) | np.isnan(stop_lon))
    usable = np.flatnonzero(has_xy)
    for i in range(len(points.lat)):
        lat, lon = points.lat[i], points.lon[i]
        walk_all = float(haversine_m(lat, lon, destination[0], destination[1])) * WALK_DETOUR
        best = walk_all / walk_speed_mps if walk_all <= 2 * max_access_m else np.inf
        d = haversine_m(lat, lon, stop_lat[usable], stop_lon[usable]) * WALK_DETOUR
        near = d <= max_access_m
        if near.any():
            origins = {  # stop -> seconds of walking to it
                int(s): int(np.ceil(m / walk_speed_mps))
                for s, m in zip(usable[near], d[near], strict=True)
            }
            for target, egress in targets.items():
                arrival = raptor.earliest_arrival_time(origins, target, departure)
                if arrival is not None:
                    best = min(best, arrival + egress - departure)
        out[i] = best / 60.0
    return out


def weighted_share(flags: Sequence[npt.NDArray[np.bool_]], weights: Sequence[float]) -> float:
    """Return the weighted share (0–1) of points flagged, over groups of equal-weight points."""
    total = sum(w * len(f) for f, w in zip(flags, weights, strict=True))
    if total == 0:
        return 0.0
    return sum(w * float(f.sum()) for f, w in zip(flags, weights, strict=True)) / total
