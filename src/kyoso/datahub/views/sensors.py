"""The citizens' sensor page: a map and a table of every sensor's latest values."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.formats import number_format

from kyoso.core.http import CityRequest
from kyoso.datahub import selectors


def sensors(request: CityRequest, city_slug: str) -> HttpResponse:
    return render(
        request, "datahub/sensors.html", {"devices": selectors.devices_latest(request.city)}
    )


def sensors_geojson(request: CityRequest, city_slug: str) -> JsonResponse:
    features = []
    for device, values in selectors.devices_latest(request.city):
        if device.lat is None or device.lon is None:
            continue
        text = " / ".join(
            f"{v.prop.name} {number_format(v.value, 2)} {v.prop.unit}".strip()
            for v in values
            if v.value is not None
        )
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [device.lon, device.lat]},
                "properties": {"name": device.name, "description": text, "color": "#0b5c8a"},
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})
