"""Approximate district outlines: Voronoi cells of district centres clipped to a city outline.

Used where a city has not published district boundaries; good enough for maps and statistics
by area, and computed with plain half-plane clipping so it needs no GIS library.
"""

from __future__ import annotations

from collections.abc import Sequence

Point = tuple[float, float]  # (x, y) = (longitude, latitude)


def _clip(polygon: list[Point], a: float, b: float, c: float) -> list[Point]:
    """Return the part of the polygon where a*x + b*y <= c (Sutherland–Hodgman)."""
    out: list[Point] = []
    n = len(polygon)
    for i in range(n):
        p, q = polygon[i], polygon[(i + 1) % n]
        p_in = a * p[0] + b * p[1] <= c
        q_in = a * q[0] + b * q[1] <= c
        if p_in:
            out.append(p)
        if p_in != q_in:
            dp = a * p[0] + b * p[1] - c
            dq = a * q[0] + b * q[1] - c
            t = dp / (dp - dq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def voronoi_cells(
    sites: Sequence[Point], boundary: Sequence[Point], *, lat_scale: float = 1.0
) -> list[list[Point]]:
    """Return, for each site, its Voronoi cell inside the boundary polygon.

    ``lat_scale`` stretches y before measuring distance (use 1/cos(latitude) for degrees).
    """
    cells: list[list[Point]] = []
    for i, (xi, yi) in enumerate(sites):
        cell = list(boundary)
        for j, (xj, yj) in enumerate(sites):
            if i == j or not cell:
                continue
            # Points closer to site i than to site j: 2(xj-xi)x + 2(yj-yi)s²y <= |pj|² - |pi|².
            s2 = lat_scale * lat_scale
            a = 2 * (xj - xi)
            b = 2 * (yj - yi) * s2
            c = (xj * xj + s2 * yj * yj) - (xi * xi + s2 * yi * yi)
            cell = _clip(cell, a, b, c)
        cells.append(cell)
    return cells


def as_geojson_polygon(cell: Sequence[Point], digits: int = 5) -> dict[str, object]:
    """Return the cell as a closed GeoJSON Polygon geometry."""
    ring = [[round(x, digits), round(y, digits)] for x, y in cell]
    if ring and ring[0] != ring[-1]:
        ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}
