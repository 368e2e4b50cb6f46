"""Ids of the demo city for mobility's URL patterns (see ``kyoso.core.url_catalogue``)."""

from __future__ import annotations

from kyoso.core.models import City
from kyoso.core.url_catalogue import first_kwargs
from kyoso.mobility.models import Stop


def demo_url_kwargs(city: City) -> dict[str, dict[str, object]]:
    stop = first_kwargs(Stop.objects.filter(city=city), stop_pk="pk")
    return {
        "mobility:stop": stop,
        "mobility:stop_departures": stop,
        "mobility:sign": stop,
        "api:stop_departures": stop,
    }
