"""Emission factors as versioned, cited data: a list per kind and fiscal year, never edited."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kyoso.core.models import CityScopedModel


class FactorKind(models.TextChoices):
    ELECTRICITY = "electricity", _("Electricity suppliers")
    GAS = "gas", _("City gas suppliers")
    HEAT = "heat", _("Heat suppliers")
    FUEL = "fuel", _("Fuels")
    SCOPE3 = "scope3", _("Scope 3 unit factors")


class FactorList(CityScopedModel):
    """One official publication as imported; a new year is a new list, an old one never changes."""

    kind = models.CharField(_("kind"), max_length=12, choices=FactorKind.choices)
    # The fiscal year whose emissions the list is for (R6年度実績 electricity → FY2025 reports).
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year it applies to"))
    title = models.CharField(_("title"), max_length=300)
    source_url = models.URLField(_("source"), max_length=300)
    attribution = models.TextField(_("attribution"))
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("emission factor list")
        ordering = ["kind", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "kind", "fiscal_year"], name="green_factorlist_unique_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} FY{self.fiscal_year}"


class EmissionFactor(CityScopedModel):
    factor_list = models.ForeignKey(FactorList, on_delete=models.PROTECT, related_name="factors")
    kind = models.CharField(max_length=12, choices=FactorKind.choices)
    fiscal_year = models.PositiveSmallIntegerField()
    # 登録番号 for suppliers, the stable key for fuels/Scope 3, "grid:<n>", "substitute", "national"
    code = models.CharField(max_length=60)
    name = models.CharField(max_length=200)  # supplier or fuel name
    menu = models.CharField(max_length=200, blank=True)
    basic = models.DecimalField(_("basic factor"), max_digits=16, decimal_places=9)
    adjusted = models.DecimalField(_("adjusted factor"), max_digits=16, decimal_places=9)
    unit = models.CharField(max_length=30)
    substituted = models.BooleanField(default=False)  # ※: the 代替値 was applied
    capture_rate = models.CharField(max_length=10, blank=True)
    source_line = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("emission factor")
        ordering = ["kind", "code", "id"]
        indexes = [models.Index(fields=["city", "kind", "fiscal_year", "code"])]

    def __str__(self) -> str:
        return f"{self.name} {self.menu} {self.adjusted} {self.unit} (FY{self.fiscal_year})"
