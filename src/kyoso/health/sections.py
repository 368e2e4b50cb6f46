"""The health section of "my page": a link and who looked at the record lately."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from kyoso.core.models import City, User
from kyoso.health import selectors


def mypage_section(request: HttpRequest, city: City) -> str | None:
    user = request.user
    if not isinstance(user, User):
        return None
    from kyoso.health.views.pages import access_sentence

    accesses = [access_sentence(a) for a in selectors.accesses_of(city=city, patient=user, limit=3)]
    return render_to_string(
        "health/_mypage_section.html", {"city": city, "accesses": accesses}, request=request
    )
