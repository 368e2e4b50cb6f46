"""Every URL pattern of the project filled with real ids of a city, for the production smoke test.

Patterns are found by walking the resolver, so a new app's pages are listed as soon as its
``urls.py`` or ``api.py`` is mounted. The values of path parameters other than ``city_slug``
come from the apps: ``kyoso.<app>.demo_urls.demo_url_kwargs(city)`` returns, per URL name
(``"voice:proposal"``; ``"api:<operation>"`` for the API), the keyword arguments of one real
object of the demo city. A pattern with parameters that no app fills is reported as missing.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from kyoso.core.models import City

# Not pages of a city: Django's admin has its own tests; uploaded files are served by the proxy.
SKIPPED_PREFIXES = ("admin/", "media/")
# Parameters whose demo value is the same everywhere.
FIXED_VALUES: dict[str, str] = {"fmt": "json"}
# Parameters that only exist inside a one-time link (tested in their own flows).
ONE_TIME_PARAMETERS = frozenset({"uidb64", "token"})
_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


@dataclass(frozen=True)
class Pattern:
    """One URL pattern: its namespaced name, its route template and its parameter names."""

    name: str
    template: str
    parameters: tuple[str, ...]


@dataclass
class Catalogue:
    """The URLs to fetch and the patterns that could not be filled (with the missing names)."""

    urls: list[tuple[str, str]] = field(default_factory=list)
    missing: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _template(pattern: RoutePattern | RegexPattern | object) -> str:
    text = str(pattern)
    if isinstance(pattern, RegexPattern):
        text = text.removeprefix("^").removesuffix("$").replace("\\.", ".")
        text = _GROUP.sub(lambda m: f"<{m.group(1)}>", text)
    return _CONVERTER.sub(lambda m: f"<{m.group(1)}>", text)


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[Pattern]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + _template(entry.pattern), inner)
            continue
        template = prefix + _template(entry.pattern)
        parameters = tuple(re.findall(r"<(\w+)>", template))
        yield Pattern(f"{namespace}{entry.name or ''}", template, parameters)


def url_patterns() -> list[Pattern]:
    """Return every pattern of the project except Django's admin, in resolver order."""
    return [
        p for p in _walk(get_resolver().url_patterns) if not p.template.startswith(SKIPPED_PREFIXES)
    ]


def demo_url_kwargs(city: City) -> dict[str, dict[str, object]]:
    """Return the path parameters every app supplies for its patterns in ``city``."""
    supplied: dict[str, dict[str, object]] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("kyoso."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo_urls")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo_urls":
                raise
            continue
        supplied.update(module.demo_url_kwargs(city))
    return supplied


def city_catalogue(city: City) -> Catalogue:
    """Return every URL of the project filled in for ``city`` and the patterns left unfilled."""
    supplied = demo_url_kwargs(city)
    catalogue = Catalogue()
    for pattern in url_patterns():
        values: dict[str, object] = {"city_slug": city.slug, **FIXED_VALUES}
        values.update(supplied.get(pattern.name, {}))
        unfilled = tuple(p for p in pattern.parameters if p not in values)
        if unfilled:
            if not set(unfilled) <= ONE_TIME_PARAMETERS:
                catalogue.missing[pattern.name or pattern.template] = unfilled
            continue
        url = pattern.template
        for name in pattern.parameters:
            url = url.replace(f"<{name}>", str(values[name]), 1)
        catalogue.urls.append((pattern.name, "/" + url))
    return catalogue


def first_kwargs(queryset: Any, **parameters: str) -> dict[str, object]:
    """Return ``{parameter: attribute}`` of the first object of ``queryset`` (empty if none).

    ``first_kwargs(Proposal.objects.filter(city=city), pk="pk")`` gives ``{"pk": 12}``.
    """
    obj = queryset.order_by("pk").first()
    if obj is None:
        return {}
    return {name: getattr(obj, attribute) for name, attribute in parameters.items()}
