"""URL patterns of the JSON API, imported on first use (see ``kyoso/urls.py``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from kyoso.api import api

urlpatterns: list[URLPattern | URLResolver] = api.urls[0]
