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
from django.views.static import serve

from kyoso.api import api


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
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    *_root_app_urls,
    path("", include("kyoso.core.urls")),
    path("<slug:city_slug>/", include(_city_app_urls)),
]

if not settings.PRODUCTION:
    urlpatterns.insert(0, path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
