"""Places a journey can start or end at: stops, the city's facilities and its districts."""

from __future__ import annotations

from kyoso.core.models import City, District
from kyoso.mobility.algorithms.place_names import Match, Place, match
from kyoso.mobility.models import Facility, Stop
from kyoso.mobility.selectors.live import haversine_km


def places_of(city: City) -> list[Place]:
    """Return every place of the city a rider may type, each with the stop it is reached from.

    A station's platforms collapse into the station; a facility leads to the first of its
    stops that an active feed serves; a district to the stop nearest its centre.
    """
    stops = list(
        Stop.objects.filter(city=city, feed__is_active=True, location_type__in=(0, 1))
        .select_related("parent")
        .order_by("pk")
    )
    boardable: dict[str, Stop] = {}
    places: list[Place] = []
    seen: set[int] = set()
    for s in stops:
        place = s.parent if s.parent is not None and s.parent.location_type == 1 else s
        boardable.setdefault(s.stop_id, place)
        boardable.setdefault(place.stop_id, place)
        if place.pk not in seen:
            seen.add(place.pk)
            places.append(Place(place.name, "stop", place.pk, place.name_en))
    for f in Facility.objects.filter(city=city).order_by("name_ja"):
        stop = next((boardable[i] for i in f.stop_ids if i in boardable), None)
        if stop is not None:
            places.append(Place(f.name_ja, "facility", stop.pk, f.name_en, f.kind))
    located = [s for s in stops if s.lat is not None and s.lon is not None]
    for d in District.objects.filter(city=city).order_by("sort_order", "pk") if located else []:
        near = min(located, key=lambda s: haversine_km(d.center_lat, d.center_lon, s.lat, s.lon))  # type: ignore[arg-type]
        place = near.parent if near.parent is not None and near.parent.location_type == 1 else near
        places.append(Place(d.name_ja, "district", place.pk, d.name_en))
    return places


def place_match(city: City, query: str) -> Match:
    """Return the city's places that fit ``query`` (see ``algorithms.place_names.match``)."""
    return match(query, places_of(city))


def place_stop(city: City, place: Place) -> Stop:
    """Return the stop a matched place is reached from."""
    return Stop.objects.select_related("feed", "parent").get(city=city, pk=place.stop_pk)
