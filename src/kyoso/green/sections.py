"""The green sections of the city home and "my page"."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from kyoso.core.models import City
from kyoso.green import selectors


def home_section(request: HttpRequest, city: City) -> str | None:
    consortium = selectors.consortium_of(city)
    if consortium is None:
        return None
    series = selectors.industrial_co2_by_year(city)
    return render_to_string(
        "green/_home_section.html",
        {
            "city": city,
            "members": consortium.members.count(),
            "latest": series[-1] if series else None,
        },
        request=request,
    )


def mypage_section(request: HttpRequest, city: City) -> str | None:
    companies = list(selectors.companies_managed(request.user, city))
    if not companies:
        return None
    return render_to_string(
        "green/_mypage_section.html", {"city": city, "companies": companies}, request=request
    )


def vision_measure_section(request: HttpRequest, city: City, measure: Any) -> str | None:
    """Companies' adopted measures linked to a vision measure (only as their consent allows)."""
    linked = selectors.companies_for_vision_measure(city, measure.pk)
    if not linked.count:
        return None
    return render_to_string(
        "green/_vision_measure_section.html", {"city": city, "linked": linked}, request=request
    )
