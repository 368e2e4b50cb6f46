"""Ids of the demo city for datahub's URL patterns (see ``kyoso.core.url_catalogue``)."""

from __future__ import annotations

from kyoso.core.models import City
from kyoso.core.url_catalogue import first_kwargs
from kyoso.datahub.models import Device


def demo_url_kwargs(city: City) -> dict[str, dict[str, object]]:
    # Without a demo device, any key still has to answer 404, never 5xx.
    return {
        "api:series": first_kwargs(Device.objects.filter(city=city), key="key") or {"key": "none"}
    }
