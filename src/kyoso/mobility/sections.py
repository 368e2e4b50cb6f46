"""The mobility section of the city home: vehicles on the road and destination waiting times."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from kyoso.core.models import City
from kyoso.mobility import selectors


def home_section(request: HttpRequest, city: City) -> str | None:
    """Return a small card with live counts, or None when the city has no timetable."""
    if not selectors.active_feeds(city):
        return None
    return render_to_string(
        "mobility/_home_section.html",
        {
            "city": city,
            "vehicles": selectors.vehicles_live(city).count(),
            "facilities": [f for f in selectors.facilities_now(city) if f.status][:3],
        },
        request=request,
    )
