"""The per-city theme catalogue every app files its things under (vision, voice, commons, …)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kyoso.core.models.tenancy import CityScopedModel


class Theme(CityScopedModel):
    """One theme of the city's catalogue: green industry, health and care, transport, …

    Apps reference it by foreign key; ``code`` is the same in every city for the standard themes
    (see :data:`kyoso.core.services.themes.STANDARD_THEMES`), so data can be compared across cities.
    """

    code = models.SlugField(_("code"), max_length=40)
    name_ja = models.CharField(_("name (Japanese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    keywords = models.TextField(
        _("keywords"), blank=True, help_text=_("Words that suggest the theme, space-separated.")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["city", "code"], name="core_theme_unique_code_per_city")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "ja").startswith("en") and self.name_en:
            return self.name_en
        return self.name_ja


class Themed(models.Model):
    """Something filed under one theme of its city's catalogue (a proposal, a group, a reward…).

    ``theme_code`` reads the code, so templates, schemas and CSVs keep saying "transport".
    """

    theme = models.ForeignKey(
        Theme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("theme"),
    )

    class Meta:
        abstract = True

    @property
    def theme_code(self) -> str:
        return self.theme.code if self.theme_id is not None and self.theme is not None else ""
