"""Typed requests for views: ``request.city`` is set by CityMiddleware under ``/<city_slug>/``."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from kyoso.core.models import City, User


class CityRequest(HttpRequest):
    """A request under ``/<city_slug>/``; ``user`` may be anonymous."""

    city: City
    user: User | AnonymousUser


class AuthedCityRequest(HttpRequest):
    """A request under ``/<city_slug>/`` from a signed-in person (behind ``login_required``)."""

    city: City
    user: User
