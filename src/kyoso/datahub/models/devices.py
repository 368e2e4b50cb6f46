"""Sensors: devices (who owns them, where they are), what each observes, and its credentials."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kyoso.core.models import City, District, Organisation


class Device(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="datahub_devices")
    key = models.SlugField(_("device ID"), max_length=64)
    name = models.CharField(_("name"), max_length=120)
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="datahub_devices",
        verbose_name=_("owner organisation"),
    )
    model = models.CharField(_("model"), max_length=120, blank=True)
    # The Smart Data Models type its readings are published as (e.g. AirQualityObserved).
    entity_type = models.CharField(_("data model type"), max_length=64, blank=True)
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    last_seen_at = models.DateTimeField(_("last reading received"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["city", "key"], name="datahub_device_city_key")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"


class ObservedProperty(models.Model):
    """One quantity a device measures, its unit and the range a true value falls in."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="properties")
    name = models.CharField(_("property"), max_length=64)
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    min_value = models.FloatField(_("lowest plausible value"), null=True, blank=True)
    max_value = models.FloatField(_("highest plausible value"), null=True, blank=True)
    # Staff are alerted when a valid reading crosses these (e.g. a river's warning level).
    alert_above = models.FloatField(_("alert staff above"), null=True, blank=True)
    alert_below = models.FloatField(_("alert staff below"), null=True, blank=True)
    alert_active = models.BooleanField(default=False, editable=False)
    # Readings older than this are deleted; rollups stay. Null: the platform default.
    retention_days = models.PositiveIntegerField(_("keep readings (days)"), null=True, blank=True)

    class Meta:
        verbose_name = _("observed property")
        verbose_name_plural = _("observed properties")
        ordering = ["device_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "device", "name"], name="datahub_property_city_device_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.device.key}/{self.name}"

    def in_range(self, value: float) -> bool:
        if self.min_value is not None and value < self.min_value:
            return False
        return not (self.max_value is not None and value > self.max_value)


class DeviceCredential(models.Model):
    """A device's own secret (its MQTT password and HTTP bearer token); only a hash is kept."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="credentials")
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("device credential")
        verbose_name_plural = _("device credentials")

    def __str__(self) -> str:
        return f"{self.device.key} {self.prefix}…"
