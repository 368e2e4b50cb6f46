"""Ids of the demo city for mobility's URL patterns (see ``kyoso.core.url_catalogue``)."""

from __future__ import annotations

from kyoso.core.models import City
from kyoso.core.url_catalogue import first_kwargs
from kyoso.mobility.models import DemandService, RideRequest, Stop


def demo_url_kwargs(city: City) -> dict[str, dict[str, object]]:
    stop = first_kwargs(Stop.objects.filter(city=city), stop_pk="pk")
    ride = first_kwargs(RideRequest.objects.filter(city=city), ride_pk="pk") or {"ride_pk": 0}
    service = first_kwargs(DemandService.objects.filter(city=city), code="code") or {"code": "none"}
    return {
        "mobility:ride": ride,
        "mobility:ride_geojson": ride,
        "mobility:ride_cancel": ride,
        "mobility:demand_zone": service,
        "mobility:demand_flex": service,
        "mobility:dispatch": service,
        "mobility:stop": stop,
        "mobility:stop_departures": stop,
        "mobility:sign": stop,
        "api:stop_departures": stop,
    }
