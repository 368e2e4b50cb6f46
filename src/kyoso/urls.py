"""URL map: platform pages, the API, and per-city pages under ``/<city_slug>/``.

Each Kyoso app's ``urls.py`` is mounted by itself: ``urlpatterns`` at ``/<city_slug>/<app>/``,
optional ``city_urlpatterns`` at ``/<city_slug>/`` and ``root_urlpatterns`` at ``/``.
"""

from __future__ import annotations

import importlib

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.urls.resolvers import RoutePattern
from django.views.static import serve


def _app_urls() -> tuple[list[URLPattern | URLResolver], list[URLPattern | URLResolver]]:
    root: list[URLPattern | URLResolver] = []
    city: list[URLPattern | URLResolver] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("kyoso.") or config.label == "core":
            continue
        try:
            module = importlib.import_module(f"{config.name}.urls")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.urls":
                raise
            continue
        root.extend(getattr(module, "root_urlpatterns", []))
        city.extend(getattr(module, "city_urlpatterns", []))
        if getattr(module, "urlpatterns", None):
            city.append(path(f"{config.label}/", include((module.urlpatterns, config.label))))
    return root, city


_root_app_urls, _city_app_urls = _app_urls()

urlpatterns: list[URLPattern | URLResolver] = [
    # The JSON API is built (ninja creates a pydantic model per operation) on the first request
    # or reverse() that reaches it, not when a process loads the URLconf: the resolver imports
    # ``kyoso.api_urls`` lazily because it is given the module's name, not the module.
    URLResolver(
        RoutePattern("api/v1/", is_endpoint=False),
        "kyoso.api_urls",
        app_name="ninja",
        namespace="api",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    *_root_app_urls,
    path("", include("kyoso.core.urls")),
    path("<slug:city_slug>/", include(_city_app_urls)),
]

if not settings.PRODUCTION:
    urlpatterns.insert(0, path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
