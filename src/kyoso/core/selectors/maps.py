"""Reads for maps: the city's offline base map, its gazetteer, and the district of a point."""

from __future__ import annotations

import math
import unicodedata
from typing import Any

from django.core.cache import cache
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from kyoso.core.geometry import point_in_polygon, ring_centroid
from kyoso.core.models import City, District, Place
from kyoso.core.registry import MAP_LAYERS

# A base map changes when a feed is imported or a place is named; it is rebuilt at most this
# often otherwise (seconds), and at once after ``base_map_forget``.
BASE_MAP_SECONDS = 600


def _generation(city: City) -> int:
    return int(cache.get(f"kyoso:basemap-gen:{city.pk}") or 0)


def base_map_forget(city: City) -> None:
    """Make the next read of the city's base map rebuild it."""
    key = f"kyoso:basemap-gen:{city.pk}"
    cache.set(key, _generation(city) + 1, None)


def base_map_key(city: City) -> str:
    """Return a key that changes whenever the cached base map may have changed (an ETag)."""
    return f"{city.pk}-{_generation(city)}"


def _feature(geometry: dict[str, Any], **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def _point(lat: float, lon: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}


def district_label_point(district: District) -> tuple[float, float]:
    """Return (lat, lon) where the district's name is written: the centroid of its outline."""
    outline = district.outline or {}
    if outline.get("type") == "Polygon" and outline.get("coordinates"):
        lon, lat = ring_centroid(outline["coordinates"][0])
        return lat, lon
    return district.center_lat, district.center_lon


def _build(city: City) -> dict[str, Any]:
    features: list[dict[str, Any]] = []
    for d in District.objects.filter(city=city).order_by("sort_order", "code"):
        props = {"code": d.code, "name_ja": d.name_ja, "name_en": d.name_en}
        if d.outline:
            features.append(_feature(d.outline, layer="district", **props))
        lat, lon = district_label_point(d)
        features.append(_feature(_point(lat, lon), layer="district_label", **props))
    for p in Place.objects.filter(city=city):
        features.append(
            _feature(
                _point(p.lat, p.lon),
                layer=p.kind,
                name_ja=p.name_ja,
                name_en=p.name_en,
                reading=p.reading,
            )
        )
    for layer in MAP_LAYERS.entries():
        features.extend(layer.features(city))
    return {"type": "FeatureCollection", "features": features}


def base_map(city: City) -> dict[str, Any]:
    """Return the city's offline base map as one GeoJSON FeatureCollection (cached).

    District outlines and their name points, 町名 and landmarks, and whatever other apps
    register in ``MAP_LAYERS`` (stations and stops, route lines, hospitals, community centres,
    city hall). Names are given in Japanese and English; the page picks one.
    """
    key = f"kyoso:basemap:{base_map_key(city)}"
    data = cache.get(key)
    if data is None:
        data = _build(city)
        cache.set(key, data, BASE_MAP_SECONDS)
    return data


def _kind_labels() -> dict[str, str]:
    return {
        "district_label": pgettext("map place kind", "school district"),
        "town": pgettext("map place kind", "town"),
        "station": pgettext("map place kind", "station"),
        "landmark": pgettext("map place kind", "landmark"),
        "stop": pgettext("map place kind", "bus stop"),
        "hospital": pgettext("map place kind", "hospital"),
        "clinic": pgettext("map place kind", "clinic"),
        "community_centre": pgettext("map place kind", "community centre"),
        "city_hall": pgettext("map place kind", "city hall"),
        "facility": pgettext("map place kind", "facility"),
    }


def normalise(text: str) -> str:
    """Return text as the gazetteer compares it: NFKC, lower case, katakana as hiragana."""
    text = unicodedata.normalize("NFKC", text).lower().replace(" ", "").replace("　", "")
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


def gazetteer(city: City) -> list[dict[str, Any]]:
    """Return the named places a citizen can type: districts, 町名, stops, facilities.

    Each entry has ``name`` (in the page's language), ``kind`` (its label), ``lat``, ``lon``
    and ``match`` (every spelling to compare with, normalised); one entry per name and kind.
    """
    labels = _kind_labels()
    en = (get_language() or "ja").startswith("en")
    seen: set[tuple[str, str]] = set()
    out: list[dict[str, Any]] = []
    for f in base_map(city)["features"]:
        p = f["properties"]
        kind = p.get("layer", "")
        if f["geometry"]["type"] != "Point" or kind not in labels or not p.get("name_ja"):
            continue
        if (kind, p["name_ja"]) in seen:
            continue
        seen.add((kind, p["name_ja"]))
        lon, lat = f["geometry"]["coordinates"]
        spellings = {p["name_ja"], p.get("name_en") or "", p.get("reading") or ""}
        out.append(
            {
                "order": list(labels).index(kind),
                "name": (p.get("name_en") if en else None) or p["name_ja"],
                "kind": labels[kind],
                "lat": lat,
                "lon": lon,
                "match": sorted(normalise(s) for s in spellings if s),
            }
        )
    out.sort(key=lambda e: e.pop("order"))  # districts first, then towns, stations, stops
    return out


def district_at(city: City, lat: float | None, lon: float | None) -> District | None:
    """Return the district whose outline holds the point; else the one with the nearest centre.

    Distances are on a plane scaled by the cosine of the latitude, as the demo's outlines are.
    """
    if lat is None or lon is None:
        return None
    districts = list(District.objects.filter(city=city))
    for d in districts:
        if d.outline and point_in_polygon((lon, lat), d.outline):
            return d
    scale = math.cos(math.radians(lat))
    best, best_d = None, float("inf")
    for d in districts:
        dist = ((d.center_lon - lon) * scale) ** 2 + (d.center_lat - lat) ** 2
        if dist < best_d:
            best, best_d = d, dist
    return best


def district_sentence(district: District | None) -> str:
    """Return the question that shows a picked place back in words."""
    if district is None:
        return _("This place is outside the city's districts.")
    return _("%(name)s school district: is this right?") % {"name": district.name}
