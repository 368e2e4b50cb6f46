"""Plane geometry for district maps, no Django."""

from kyoso.core.geometry.polygons import point_in_polygon, point_in_ring, ring_centroid
from kyoso.core.geometry.voronoi import as_geojson_polygon, voronoi_cells

__all__ = [
    "as_geojson_polygon",
    "point_in_polygon",
    "point_in_ring",
    "ring_centroid",
    "voronoi_cells",
]
