from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from kyoso.core.access import is_staff, roles_of
from kyoso.core.registry import modules

TEXT_COOKIE = "kyoso_text"


def large_text_wanted(request: HttpRequest) -> bool:
    """Return whether pages should use large text (a saved preference or the cookie)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.large_text:
        return True
    return request.COOKIES.get(TEXT_COOKIE) == "large"


def kyoso(request: HttpRequest) -> dict[str, Any]:
    city = getattr(request, "city", None)
    user = request.user
    staff = bool(city and is_staff(user, city))
    return {
        "city": city,
        "large_text": large_text_wanted(request),
        "kyoso_modules": [m for m in modules() if staff or not m.staff_only] if city else [],
        "is_city_staff": staff,
        "user_roles": roles_of(user, city) if city else frozenset(),
        "tile_url": settings.KYOSO_TILE_URL,
        "tile_attribution": settings.KYOSO_TILE_ATTRIBUTION,
        "unread_count": (
            user.notifications.filter(city=city, read_at__isnull=True).count()
            if city and user.is_authenticated
            else 0
        ),
    }
