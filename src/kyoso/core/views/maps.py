"""The maps' data: the city's offline base map, its gazetteer and "which district is this"."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from kyoso.core import selectors
from kyoso.core.models import City
from kyoso.core.selectors.maps import BASE_MAP_SECONDS


def _city(request: HttpRequest) -> City:
    return request.city  # type: ignore[attr-defined]


@require_GET
def base_map_geojson(request: HttpRequest, city_slug: str) -> HttpResponse:
    """The offline base map (one GeoJSON document per city), cached and revalidated by ETag."""
    city = _city(request)
    etag = f'"basemap-{selectors.base_map_key(city)}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = JsonResponse(selectors.base_map(city), json_dumps_params={"ensure_ascii": False})
        response["Content-Type"] = "application/geo+json"
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=BASE_MAP_SECONDS)
    return response


@require_GET
def places_json(request: HttpRequest, city_slug: str) -> JsonResponse:
    """The gazetteer the place picker searches as the citizen types (in the page's language)."""
    response = JsonResponse(
        {"places": selectors.gazetteer(_city(request))},
        json_dumps_params={"ensure_ascii": False},
    )
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


@require_GET
def where_json(request: HttpRequest, city_slug: str) -> JsonResponse:
    """The district that holds ``lat``,``lon``, and the question that shows it back in words."""
    try:
        lat, lon = float(request.GET["lat"]), float(request.GET["lon"])
    except (KeyError, ValueError):
        return JsonResponse({"error": "lat and lon are required numbers"}, status=400)
    district = selectors.district_at(_city(request), lat, lon)
    return JsonResponse(
        {
            "district": {"id": district.pk, "code": district.code, "name": district.name}
            if district
            else None,
            "sentence": selectors.district_sentence(district),
        },
        json_dumps_params={"ensure_ascii": False},
    )
