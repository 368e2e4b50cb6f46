"""Shared checks of voice's writes: posting rate limits, public names, places."""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import is_staff
from kyoso.core.errors import DomainError, RateLimitedError
from kyoso.core.models import City, District, User
from kyoso.core.selectors import district_at


def rate_limit_check(*, city: City, user: User, kind: str = "post") -> None:
    """Count one post by ``user``; raise RateLimitedError past the city's hourly limit.

    Staff are not limited: they type paper and phone entries for many citizens.
    """
    if is_staff(user, city):
        return
    limit = int(city.rule("voice.posts_per_hour", 20))
    hour = timezone.now().strftime("%Y%m%d%H")
    key = f"voice:rate:{city.pk}:{user.pk}:{kind}:{hour}"
    cache.add(key, 0, 3600)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, 3600)
        count = 1
    if count > limit:
        raise RateLimitedError(
            _("You have posted many times in the last hour. Please try again later."),
            field="body",
        )


def public_name(user: User, pseudonym: str = "") -> str:
    """Return the name shown beside a post: a chosen pseudonym, the display name, or "a citizen"."""
    pseudonym = pseudonym.replace("\x00", "").strip()[:60]
    if pseudonym:
        return pseudonym
    return user.display_name or _("A citizen")


def check_text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    """Return ``value`` stripped, or raise DomainError naming ``field``."""
    value = (value or "").strip()
    if "\x00" in value:
        raise DomainError(_("The text contains a character that is not allowed."), field=field)
    if required and not value:
        raise DomainError(_("Please fill in this field."), field=field)
    if len(value) > max_length:
        raise DomainError(
            _("Please keep this under %(n)d characters.") % {"n": max_length}, field=field
        )
    return value


def check_point(lat: float | None, lon: float | None) -> None:
    """Raise DomainError unless both or neither coordinate is given, within range."""
    if (lat is None) != (lon is None):
        raise DomainError(_("Give both latitude and longitude."), field="lat")
    if lat is not None and lon is not None:
        if not (-90 <= lat <= 90):
            raise DomainError(_("Latitude must be between -90 and 90."), field="lat")
        if not (-180 <= lon <= 180):
            raise DomainError(_("Longitude must be between -180 and 180."), field="lon")


def check_district(city: City, district: District | None) -> None:
    if district is not None and district.city_id != city.pk:
        raise DomainError(_("This district is not in this city."), field="district")


def nearest_district(city: City, lat: float | None, lon: float | None) -> District | None:
    """Return the district that holds the point: the one the place picker showed in words."""
    return district_at(city, lat, lon)
