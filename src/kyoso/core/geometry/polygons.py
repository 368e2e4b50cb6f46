"""Which area holds a point, and where to write an area's name; plain lists, no Django.

Coordinates are ``(x, y) = (longitude, latitude)`` as in GeoJSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Point = tuple[float, float]
Ring = Sequence[Sequence[float]]


def point_in_ring(point: Point, ring: Ring) -> bool:
    """Return whether the point lies inside the closed ring (even–odd rule, edges count in)."""
    x, y = point
    inside = False
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[(i + 1) % n][0], ring[(i + 1) % n][1]
        if (x1, y1) == (x, y):
            return True
        if (y1 > y) != (y2 > y):
            cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if cross == x:
                return True
            if cross > x:
                inside = not inside
    return inside


def point_in_polygon(point: Point, geometry: dict[str, Any]) -> bool:
    """Return whether a GeoJSON Polygon or MultiPolygon holds the point (holes excluded)."""
    kind = geometry.get("type")
    coords: list[Any] = geometry.get("coordinates") or []
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    return any(
        rings
        and point_in_ring(point, rings[0])
        and not any(point_in_ring(point, hole) for hole in rings[1:])
        for rings in polygons
    )


def ring_centroid(ring: Ring) -> Point:
    """Return the area centroid of a ring (its vertex mean when the ring has no area)."""
    area = cx = cy = 0.0
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[(i + 1) % n][0], ring[(i + 1) % n][1]
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(area) < 1e-18:
        return (sum(p[0] for p in ring) / n, sum(p[1] for p in ring) / n)
    return (cx / (3 * area), cy / (3 * area))
