"""Writes of the vision app — themes."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kyoso.core.errors import DomainError
from kyoso.core.models import City, User
from kyoso.core.models import Theme as CatalogueTheme
from kyoso.core.services import audit_record
from kyoso.core.services.themes import LEGACY_CODES, theme_catalogue_ensure
from kyoso.vision.models import Theme
from kyoso.vision.services.common import (
    _apply,
    _clean,
    _require_staff,
    _same_city,
)

THEME_FIELDS = (
    "parent",
    "catalogue",
    "code",
    "name_ja",
    "name_en",
    "summary_ja",
    "summary_en",
    "target_state_ja",
    "target_state_en",
    "target_year",
    "sort_order",
)

# --- themes --------------------------------------------------------------------------------


def _check_parent(city: City, theme: Theme | None, parent: Theme | None) -> None:
    _same_city(city, parent, "parent")
    ancestor = parent
    while ancestor is not None and theme is not None and theme.pk:
        if ancestor.pk == theme.pk:
            raise DomainError(_("A theme cannot be placed under itself."), field="parent")
        ancestor = ancestor.parent


@transaction.atomic
def theme_create(*, city: City, actor: User, code: str, name_ja: str, **values: Any) -> Theme:
    """Return a new theme (a sub-theme when ``parent`` is given)."""
    _require_staff(city, actor)
    theme = Theme(city=city)
    _apply(theme, {"code": code, "name_ja": name_ja, **values}, THEME_FIELDS)
    _check_parent(city, theme, theme.parent)
    _same_city(city, theme.catalogue, "catalogue")
    if theme.catalogue is None:
        theme.catalogue = catalogue_theme_for(city, theme)
    _clean(theme)
    theme.save()
    audit_record(city=city, actor=actor, action="vision.theme.create", obj=theme)
    return theme


@transaction.atomic
def theme_update(*, city: City, actor: User, theme: Theme, **values: Any) -> Theme:
    """Return the theme after changing the given fields."""
    _require_staff(city, actor)
    _same_city(city, theme, "theme")
    changed = _apply(theme, values, THEME_FIELDS)
    _check_parent(city, theme, theme.parent)
    _same_city(city, theme.catalogue, "catalogue")
    _clean(theme)
    theme.save()
    if changed:
        audit_record(
            city=city, actor=actor, action="vision.theme.update", obj=theme, details=changed
        )
    return theme


def catalogue_theme_for(city: City, theme: Theme) -> CatalogueTheme | None:
    """Return the catalogue theme a vision theme belongs to: its parent's, or the one its code
    names (old codes such as ``transit`` included); None when the catalogue has no such theme."""
    if theme.parent is not None:
        return theme.parent.catalogue
    theme_catalogue_ensure(city=city)
    code = LEGACY_CODES.get(theme.code, theme.code)
    return CatalogueTheme.objects.filter(city=city, code=code).first()


@transaction.atomic
def themes_link_catalogue(*, city: City) -> int:
    """Link every vision theme of ``city`` without a catalogue theme to its own; return how many."""
    linked = 0
    for roots in (True, False):  # sub-themes take their parent's, so parents go first
        unlinked = Theme.objects.filter(city=city, parent__isnull=roots, catalogue__isnull=True)
        for theme in unlinked.select_related("parent"):
            theme.catalogue = catalogue_theme_for(city, theme)
            if theme.catalogue is not None:
                theme.save(update_fields=["catalogue"])
                linked += 1
    return linked
