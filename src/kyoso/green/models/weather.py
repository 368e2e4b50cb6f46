"""The hourly weather file a city provides for its PV estimates (kept as uploaded)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kyoso.core.models import CityScopedModel


class WeatherFile(CityScopedModel):
    """One year of hourly irradiance (EPW or CSV); the newest is used, older ones are kept."""

    name = models.CharField(_("file name"), max_length=200)
    source = models.CharField(_("where the data comes from"), max_length=300)
    kind = models.CharField(max_length=4)  # epw, csv
    place = models.CharField(max_length=120, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    annual_ghi_kwh_m2 = models.FloatField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("weather file")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.name
