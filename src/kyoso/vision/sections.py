"""The vision's section on the city home page."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from kyoso.core.models import City
from kyoso.vision import selectors


def home_section(request: HttpRequest, city: City) -> str | None:
    vision = selectors.vision_of(city)
    if vision is None:
        return None
    return render_to_string(
        "vision/_home_section.html",
        {
            "vision": vision,
            "themes": list(selectors.top_themes(city)),
            "endorsements": selectors.endorsement_total(city),
            "city": city,
        },
        request=request,
    )
