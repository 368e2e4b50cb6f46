"""What transport adds to the city's offline base map: route lines, stations, stops, facilities."""

from __future__ import annotations

from typing import Any

from kyoso.core.models import City
from kyoso.mobility.models import Facility, Route, ShapePoint, Stop, Trip
from kyoso.mobility.selectors.stops import active_feeds

# Facility kinds as the base map names its layers (community centres are 交流センター).
FACILITY_LAYERS = {
    "hospital": "hospital",
    "clinic": "clinic",
    "community_centre": "community_centre",
    "city_hall": "city_hall",
}


def _facility_layer(facility: Facility) -> str:
    if facility.code == "city-hall":
        return "city_hall"
    return FACILITY_LAYERS.get(facility.kind, "facility")


def map_features(city: City) -> list[dict[str, Any]]:
    """Return GeoJSON features for the base map (registered in ``core.registry.MAP_LAYERS``).

    One line per GTFS shape of every active feed (coloured by its route), one point per station
    and per stop that is not a platform of a station, and one per facility with a place.
    """
    features: list[dict[str, Any]] = []
    feeds = [f.pk for f in active_feeds(city)]
    routes = {(r.feed_id, r.pk): r for r in Route.objects.filter(city=city, feed_id__in=feeds)}
    shape_route: dict[tuple[int, str], Route] = {}
    for feed_id, route_pk, shape_id in (
        Trip.objects.filter(city=city, feed_id__in=feeds)
        .exclude(shape_id="")
        .values_list("feed_id", "route_id", "shape_id")
        .distinct()
    ):
        shape_route.setdefault((feed_id, shape_id), routes[(feed_id, route_pk)])
    lines: dict[tuple[int, str], list[list[float]]] = {}
    for feed_id, shape_id, lat, lon in (
        ShapePoint.objects.filter(city=city, feed_id__in=feeds)
        .order_by("feed_id", "shape_id", "sequence")
        .values_list("feed_id", "shape_id", "lat", "lon")
    ):
        lines.setdefault((feed_id, shape_id), []).append([round(lon, 6), round(lat, 6)])
    for key, coords in lines.items():
        route = shape_route.get(key)
        if route is None or len(coords) < 2:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": {
                    "layer": "route",
                    "name_ja": route.short_name or route.long_name,
                    "name_en": route.long_name_en or route.short_name,
                    "color": f"#{route.color}" if route.color else "",
                    "rail": route.route_type in (0, 1, 2, 12),
                },
            }
        )
    for stop in Stop.objects.filter(city=city, feed_id__in=feeds, location_type__in=(0, 1)):
        if stop.lat is None or stop.lon is None or stop.parent_id is not None:
            continue  # a platform is drawn as its station
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [stop.lon, stop.lat]},
                "properties": {
                    "layer": "station" if stop.location_type == 1 else "stop",
                    "name_ja": stop.name,
                    "name_en": stop.name_en,
                    "reading": stop.translations.get("ja-Hrkt", ""),
                },
            }
        )
    for facility in Facility.objects.filter(city=city).exclude(lat=None).exclude(lon=None):
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [facility.lon, facility.lat]},
                "properties": {
                    "layer": _facility_layer(facility),
                    "name_ja": facility.name_ja,
                    "name_en": facility.name_en,
                },
            }
        )
    return features
