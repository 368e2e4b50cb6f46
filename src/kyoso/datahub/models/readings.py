"""Readings and their rollups.

A reading is identified by (city, device, property, time): its primary key, so a late or
repeated reading is stored once. On PostgreSQL the table is partitioned by month of
``observed_at`` (see ``services.maintenance``); ``city`` leads every key so the table can be
distributed by city on Citus.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kyoso.core.models import City
from kyoso.datahub.models.devices import Device, ObservedProperty


class ReadingFlag(models.TextChoices):
    OK = "ok", _("valid")
    OUT_OF_RANGE = "out_of_range", _("outside the plausible range")


class Reading(models.Model):
    pk = models.CompositePrimaryKey("city", "device", "prop", "observed_at")
    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    prop = models.ForeignKey(
        ObservedProperty,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    observed_at = models.DateTimeField(_("observed at"))
    value = models.FloatField(_("value"))
    flag = models.CharField(max_length=16, choices=ReadingFlag.choices, default=ReadingFlag.OK)
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("readings")

    def __str__(self) -> str:
        return f"{self.prop_id} {self.observed_at:%Y-%m-%d %H:%M:%S} {self.value}"


class Rollup(models.Model):
    """Count, sum, min and max of a property's valid readings in one hour or (local) day."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+")
    prop = models.ForeignKey(ObservedProperty, on_delete=models.CASCADE, related_name="rollups")
    period = models.CharField(max_length=8)  # "hour" or "day"
    bucket = models.DateTimeField()
    count = models.PositiveIntegerField()
    total = models.FloatField()
    minimum = models.FloatField()
    maximum = models.FloatField()

    class Meta:
        verbose_name = _("rollup")
        verbose_name_plural = _("rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["city", "prop", "period", "bucket"], name="datahub_rollup_bucket"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prop_id} {self.period} {self.bucket:%Y-%m-%d %H:%M}"

    @property
    def mean(self) -> float:
        return self.total / self.count if self.count else float("nan")
