"""Geo-queries (``georel``, ``geometry``, ``coordinates``) on GeoJSON geometries, in WGS 84.

Exact for an entity located at a Point (the case of sensors): ``near`` (great-circle distance
in metres), ``within``/``intersects``/``disjoint`` a Polygon or MultiPolygon, ``equals``. An
entity with a line or polygon geometry is judged by its vertices (``near``: the nearest vertex;
``within``: every vertex inside; ``intersects``: any vertex inside, or the query point inside it).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from typing import Any

from kyoso.datahub.ngsi_ld.entity import check_geometry
from kyoso.datahub.ngsi_ld.errors import BadRequestData

EARTH_RADIUS_M = 6_371_008.8
GEORELS = ("near", "within", "intersects", "disjoint", "equals", "contains", "overlaps")

Geometry = dict[str, Any]


def distance_m(a: list[float], b: list[float]) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def vertices(geometry: Geometry) -> Iterator[list[float]]:
    def walk(node: Any) -> Iterator[list[float]]:
        if node and isinstance(node[0], int | float):
            yield node
        else:
            for sub in node:
                yield from walk(sub)

    yield from walk(geometry["coordinates"])


def _in_ring(point: list[float], ring: list[list[float]]) -> bool:
    x, y = point[0], point[1]
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi, xj, yj = ring[i][0], ring[i][1], ring[j][0], ring[j][1]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def in_polygon(point: list[float], geometry: Geometry) -> bool:
    polygons = (
        [geometry["coordinates"]]
        if geometry["type"] == "Polygon"
        else geometry["coordinates"]
        if geometry["type"] == "MultiPolygon"
        else []
    )
    for rings in polygons:
        if _in_ring(point, rings[0]) and not any(_in_ring(point, hole) for hole in rings[1:]):
            return True
    return False


def parse_georel(
    georel: str, geometry: str | None, coordinates: str | None
) -> Callable[[Geometry], bool]:
    """Return a predicate on an entity's geometry; raise BadRequestData on a bad geo-query."""
    if not geometry or not coordinates:
        raise BadRequestData("a geo-query needs georel, geometry and coordinates together")
    try:
        coords = json.loads(coordinates)
    except ValueError:
        raise BadRequestData("coordinates must be a JSON array, e.g. [140.65,36.59]") from None
    query = check_geometry({"type": geometry, "coordinates": coords}, "coordinates")
    name, *modifiers = georel.split(";")
    if name not in GEORELS:
        raise BadRequestData(f"georel must be one of {', '.join(GEORELS)}")
    if name == "near":
        if query["type"] != "Point":
            raise BadRequestData("georel=near needs geometry=Point")
        limits: dict[str, float] = {}
        for modifier in modifiers:
            key, sep, value = modifier.partition("==")
            if key not in ("maxDistance", "minDistance") or not sep:
                raise BadRequestData("georel=near takes maxDistance==<m> or minDistance==<m>")
            try:
                limits[key] = float(value)
            except ValueError:
                raise BadRequestData(f"{key} must be a number of metres") from None
        if not limits:
            raise BadRequestData("georel=near needs maxDistance or minDistance")
        centre = query["coordinates"]

        def near(target: Geometry) -> bool:
            d = min(distance_m(centre, v) for v in vertices(target))
            return d <= limits.get("maxDistance", math.inf) and d >= limits.get("minDistance", 0)

        return near

    def inside_query(target: Geometry) -> tuple[bool, bool]:
        points = list(vertices(target))
        if query["type"] in ("Polygon", "MultiPolygon"):
            flags = [in_polygon(p, query) for p in points]
            return all(flags), any(flags)
        same = [p for p in points if any(p[:2] == q[:2] for q in vertices(query))]
        return len(same) == len(points), bool(same)

    def relation(target: Geometry) -> bool:
        every, some = inside_query(target)
        if name == "equals":
            return (
                target.get("type") == query["type"]
                and target["coordinates"] == query["coordinates"]
            )
        if name == "within":
            return every
        if name == "contains":
            return query["type"] == "Point" and in_polygon(query["coordinates"], target)
        touches = some or (query["type"] == "Point" and in_polygon(query["coordinates"], target))
        if name in ("intersects", "overlaps"):
            return touches
        return not touches  # disjoint

    return relation
