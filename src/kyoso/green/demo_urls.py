"""Ids of the demo city for green's URL patterns (see ``kyoso.core.url_catalogue``)."""

from __future__ import annotations

from kyoso.core.models import City
from kyoso.core.url_catalogue import first_kwargs
from kyoso.green.models import Company


def demo_url_kwargs(city: City) -> dict[str, dict[str, object]]:
    company = first_kwargs(Company.objects.filter(city=city, name="助川精機株式会社"), pk="pk")
    names = ["company", "sites", "activity", "plan", "report", "export"]
    apis = ["site_create", "activity_create", "activity_csv", "activities", "inventory", "plan"]
    return {
        **{f"green:{n}": company for n in names},
        **{f"api:{n}": company for n in apis},
    }
