"""The live state around the timetable: GTFS-Realtime, taxis, destination crowding, ridership.

Realtime rows name trips and stops by their GTFS ids (not foreign keys) because a feed version
may be replaced while vehicles are on the road, and operators' ids survive that.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kyoso.core.models import City


class RealtimeTripUpdate(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    trip_id = models.CharField(max_length=150)
    start_date = models.CharField(max_length=8, blank=True)  # YYYYMMDD as in GTFS-RT
    route_id = models.CharField(max_length=100, blank=True)
    vehicle_id = models.CharField(max_length=100, blank=True)
    schedule_relationship = models.PositiveSmallIntegerField(default=0)  # 3 = CANCELED
    delay = models.IntegerField(null=True, blank=True)
    timestamp = models.DateTimeField()
    received_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(db_index=True)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["city", "trip_id", "start_date"], name="mobility_rt_trip_unique"
            )
        ]
        indexes = [models.Index(fields=["city", "trip_id"])]

    def __str__(self) -> str:
        return f"{self.trip_id} {self.start_date}"


class RealtimeStopTimeUpdate(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    trip_update = models.ForeignKey(
        RealtimeTripUpdate, on_delete=models.CASCADE, related_name="stop_time_updates"
    )
    stop_sequence = models.PositiveIntegerField(null=True, blank=True)
    stop_id = models.CharField(max_length=100, blank=True)
    arrival_delay = models.IntegerField(null=True, blank=True)
    arrival_time = models.BigIntegerField(null=True, blank=True)  # POSIX seconds
    departure_delay = models.IntegerField(null=True, blank=True)
    departure_time = models.BigIntegerField(null=True, blank=True)
    schedule_relationship = models.PositiveSmallIntegerField(default=0)  # 1 = SKIPPED

    class Meta:
        ordering = ["stop_sequence"]

    def __str__(self) -> str:
        return f"{self.stop_sequence} {self.stop_id}"


class VehiclePosition(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    vehicle_id = models.CharField(max_length=100)
    label = models.CharField(max_length=100, blank=True)
    trip_id = models.CharField(max_length=150, blank=True)
    route_id = models.CharField(max_length=100, blank=True)
    start_date = models.CharField(max_length=8, blank=True)
    lat = models.FloatField()
    lon = models.FloatField()
    bearing = models.FloatField(null=True, blank=True)
    speed = models.FloatField(null=True, blank=True)  # m/s
    current_stop_sequence = models.PositiveIntegerField(null=True, blank=True)
    stop_id = models.CharField(max_length=100, blank=True)
    current_status = models.PositiveSmallIntegerField(default=2)  # IN_TRANSIT_TO
    occupancy_status = models.PositiveSmallIntegerField(null=True, blank=True)
    timestamp = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "vehicle_id"], name="mobility_vehicle_unique")
        ]

    def __str__(self) -> str:
        return self.vehicle_id


class Alert(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    alert_id = models.CharField(max_length=150)
    header_ja = models.CharField(max_length=300)
    header_en = models.CharField(max_length=300, blank=True)
    description_ja = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    cause = models.PositiveSmallIntegerField(default=1)  # UNKNOWN_CAUSE
    effect = models.PositiveSmallIntegerField(default=8)  # UNKNOWN_EFFECT
    active_from = models.DateTimeField(null=True, blank=True)
    active_until = models.DateTimeField(null=True, blank=True)
    route_ids = models.JSONField(default=list, blank=True)
    stop_ids = models.JSONField(default=list, blank=True)
    trip_ids = models.JSONField(default=list, blank=True)
    timestamp = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "alert_id"], name="mobility_alert_unique")
        ]

    def __str__(self) -> str:
        return self.header

    @property
    def header(self) -> str:
        en = (get_language() or "ja").startswith("en")
        return self.header_en if en and self.header_en else self.header_ja

    @property
    def description(self) -> str:
        en = (get_language() or "ja").startswith("en")
        return self.description_en if en and self.description_en else self.description_ja


class TaxiStatus(models.TextChoices):
    FREE = "free", _("free")
    HIRED = "hired", _("hired")
    OFF = "off", _("off duty")


class Taxi(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    vehicle_id = models.CharField(_("vehicle"), max_length=60)
    company = models.CharField(_("company"), max_length=120, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=8, choices=TaxiStatus.choices)
    lat = models.FloatField()
    lon = models.FloatField()
    wheelchair = models.BooleanField(_("wheelchair accessible"), default=False)
    updated_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "vehicle_id"], name="mobility_taxi_unique")
        ]

    def __str__(self) -> str:
        return self.vehicle_id


class CrowdingLevel(models.TextChoices):
    LOW = "low", _("not crowded")
    MEDIUM = "medium", _("somewhat crowded")
    HIGH = "high", _("very crowded")


class Facility(models.Model):
    """A destination (hospital, city hall, community centre) that publishes its crowding."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    code = models.SlugField(_("code"), max_length=60)
    name_ja = models.CharField(_("name (Japanese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=30, default="hospital")
    # GTFS stop_ids of the nearest stops; ids survive feed versions, rows do not.
    stop_ids = models.JSONField(_("nearest stops"), default=list, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    # Who publishes its waiting time: the owning organisation's accounts (and city staff).
    organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilities",
        verbose_name=_("owner"),
    )

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        constraints = [
            models.UniqueConstraint(fields=["city", "code"], name="mobility_facility_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        en = (get_language() or "ja").startswith("en")
        return self.name_en if en and self.name_en else self.name_ja


class FacilityStatus(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="statuses")
    waiting_minutes = models.PositiveSmallIntegerField(_("waiting time (minutes)"), null=True)
    crowding = models.CharField(
        _("crowding"), max_length=8, choices=CrowdingLevel.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reported_at = models.DateTimeField(db_index=True)
    valid_until = models.DateTimeField()

    class Meta:
        ordering = ["-reported_at"]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.reported_at:%Y-%m-%d %H:%M}"


class RidershipRecord(models.Model):
    """Boardings and alightings at one stop of one route in one hour (an IC-card export)."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    route_id = models.CharField(max_length=100)
    stop_id = models.CharField(max_length=100)
    hour = models.PositiveSmallIntegerField()
    boardings = models.PositiveIntegerField(default=0)
    alightings = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["city", "date", "route_id", "stop_id", "hour"],
                name="mobility_ridership_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.route_id} {self.stop_id} {self.hour}h"
