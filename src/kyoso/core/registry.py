"""Where modules plug into the shared pages: navigation, the city home and "my page".

Each app registers its entry in ``AppConfig.ready()``, so the core never imports a module
that has not landed and a new module appears in the navigation by itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.utils.functional import Promise

from kyoso.core.models import City

# A section renders a fragment of HTML for the page, or None when it has nothing to show.
Section = Callable[[HttpRequest, City], str | None]


@dataclass(frozen=True)
class Module:
    app_label: str
    label: str | Promise  # a lazy translation string
    url_name: str  # reversed with the city slug
    description: str | Promise = ""
    order: int = 100
    staff_only: bool = False
    home_section: Section | None = None
    mypage_section: Section | None = None
    staff_links: tuple[tuple[str | Promise, str], ...] = field(default_factory=tuple)


_modules: dict[str, Module] = {}


def register_module(module: Module) -> None:
    _modules[module.app_label] = module


def modules() -> list[Module]:
    """Return the registered modules in navigation order."""
    return sorted(_modules.values(), key=lambda m: (m.order, m.app_label))
