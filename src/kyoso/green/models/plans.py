"""Measures a company considers or adopts, and its EV lease programme."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kyoso.core.models import CityScopedModel
from kyoso.green.models.companies import Company


class MeasureStatus(models.TextChoices):
    CANDIDATE = "candidate", _("Considering")
    ADOPTED = "adopted", _("Adopted")
    DONE = "done", _("Done")


class AdoptedMeasure(CityScopedModel):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="measures")
    key = models.CharField(max_length=30)  # a library key, or "own" for the company's own
    name = models.CharField(_("measure"), max_length=120)
    capex_yen = models.BigIntegerField(_("investment (yen)"))
    opex_change_yen = models.BigIntegerField(_("yearly cost change (yen)"))
    lifetime_years = models.PositiveSmallIntegerField(_("lifetime (years)"), default=15)
    abated_t = models.DecimalField(_("CO2 reduced a year (t)"), max_digits=12, decimal_places=3)
    status = models.CharField(max_length=10, choices=MeasureStatus.choices, default="adopted")
    vision_measure_id = models.PositiveIntegerField(null=True, blank=True)
    adopted_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("reduction measure")
        ordering = ["company", "id"]

    def __str__(self) -> str:
        return f"{self.company} · {self.name}"


class EvLease(CityScopedModel):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="ev_leases")
    started = models.DateField(_("start month"))
    vehicles = models.PositiveSmallIntegerField(_("vehicles converted"))
    km_per_vehicle_year = models.PositiveIntegerField(_("km per vehicle a year"), default=15000)
    ice_km_per_litre = models.DecimalField(
        _("fuel economy of the old vehicle (km/L)"), max_digits=5, decimal_places=1, default=13
    )
    lease_yen_per_vehicle_month = models.PositiveIntegerField(
        _("EV lease a month (yen)"), default=45000
    )

    class Meta:
        verbose_name = _("EV lease")

    def __str__(self) -> str:
        return f"{self.company} EV × {self.vehicles}"
