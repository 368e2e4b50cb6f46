"""The themes proposals, conversations and workshops are filed under, with their keywords.

They are the standard themes of the core catalogue (:mod:`kyoso.core.services.themes`), the one
list vision and commons use too; voice files its things under five of them.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from kyoso.core.errors import DomainError
from kyoso.core.models import City, Theme
from kyoso.core.services.themes import LEGACY_CODES, STANDARD_THEMES, StandardTheme, theme_resolve

ThemeInfo = StandardTheme

VOICE_THEME_CODES = ("green", "health", "transport", "community", "safety")

THEMES: tuple[ThemeInfo, ...] = tuple(
    next(t for t in STANDARD_THEMES if t.code == code) for code in VOICE_THEME_CODES
)

THEME_CODES = tuple(t.code for t in THEMES)


def theme_by_code(code: str) -> ThemeInfo | None:
    """Return the theme with this code (an old code such as "mobility" too), or None."""
    code = LEGACY_CODES.get(code, code)
    return next((t for t in THEMES if t.code == code), None)


def voice_theme_resolve(city: City, code: str) -> Theme | None:
    """The catalogue theme of ``city`` a proposal, conversation or workshop is filed under."""
    code = LEGACY_CODES.get(code, code)
    if code and code not in THEME_CODES:
        raise DomainError(_("Choose one of the themes."), field="theme_code")
    return theme_resolve(city=city, code=code)
