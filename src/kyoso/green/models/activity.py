"""Monthly activity data, the emissions computed from it (with the factor used), and context."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kyoso.core.models import CityScopedModel
from kyoso.green.models.companies import Company, Site
from kyoso.green.models.factors import EmissionFactor


class Category(models.TextChoices):
    ELECTRICITY = "electricity", _("Electricity")
    CITY_GAS = "city_gas", _("City gas")
    LPG = "lpg", _("LPG")
    KEROSENE = "kerosene", _("Kerosene")
    GASOLINE = "gasoline", _("Gasoline")
    DIESEL = "diesel", _("Diesel")
    HEAVY_OIL_A = "heavy_oil_a", _("Heavy oil A")
    HEAT = "heat", _("Purchased heat")
    REFRIGERANT = "refrigerant", _("Refrigerant leak")
    VEHICLE_KM = "vehicle_km", _("Vehicle kilometres")
    SCOPE3 = "scope3", _("Scope 3 (spend or activity)")
    NON_FOSSIL = "non_fossil", _("Non-fossil certificates")
    J_CREDIT = "j_credit", _("J-Credits")


class Activity(CityScopedModel):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="activities")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="activities")
    month = models.DateField(_("month"))  # the first day of the month
    category = models.CharField(_("energy or item"), max_length=12, choices=Category.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=16, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=12)
    supplier = models.CharField(_("supplier number (登録番号)"), max_length=10, blank=True)
    menu = models.CharField(_("menu"), max_length=200, blank=True)
    detail = models.CharField(max_length=60, blank=True)  # refrigerant, vehicle type or Scope 3 key
    source = models.CharField(max_length=10, default="form")  # form, csv, bulk, demo
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The result, with a snapshot of the factors used (a factor row never changes).
    scope = models.PositiveSmallIntegerField(default=0)
    co2_location_t = models.DecimalField(max_digits=16, decimal_places=6, default=0)
    co2_market_t = models.DecimalField(max_digits=16, decimal_places=6, default=0)
    factor_location = models.ForeignKey(
        EmissionFactor, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    factor_market = models.ForeignKey(
        EmissionFactor, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    factor_location_value = models.DecimalField(max_digits=16, decimal_places=9, null=True)
    factor_market_value = models.DecimalField(max_digits=16, decimal_places=9, null=True)
    basis_location = models.CharField(max_length=16, blank=True)
    basis_market = models.CharField(max_length=16, blank=True)
    factor_year = models.PositiveSmallIntegerField(null=True)
    provisional = models.BooleanField(default=False)
    computed_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["company", "month", "site", "category", "id"]
        indexes = [
            models.Index(fields=["city", "company", "month"]),
            models.Index(fields=["city", "provisional"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "site", "month", "category", "supplier", "menu", "detail"],
                name="green_activity_unique_line",
            )
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.month:%Y-%m} {self.category} {self.quantity} {self.unit}"


class MonthlyOutput(CityScopedModel):
    """Production volume of a company in a month (for the normalised baseline)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="outputs")
    month = models.DateField()
    production = models.DecimalField(max_digits=16, decimal_places=3)
    unit = models.CharField(max_length=20, default="t")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["city", "company", "month"], name="green_output_unique_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} {self.month:%Y-%m} {self.production}"


class DegreeDays(CityScopedModel):
    """Heating (base 18 °C) and cooling (base 22 °C) degree days of a month in the city."""

    month = models.DateField()
    hdd = models.DecimalField(max_digits=7, decimal_places=1)
    cdd = models.DecimalField(max_digits=7, decimal_places=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "month"], name="green_degreedays_unique")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} HDD {self.hdd} CDD {self.cdd}"
