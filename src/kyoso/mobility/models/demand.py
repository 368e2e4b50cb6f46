"""Demand-responsive transport (デマンド交通): an operator's zone service, its vehicles and the rides booked.

A service is what GTFS-Flex v2 describes (a zone in ``locations.geojson``, service hours in
``stop_times``' pickup/drop-off windows, the booking rule in ``booking_rules.txt``); vehicles and
rides are Kyoso's own, planned by the dispatcher (``mobility/algorithms/dial_a_ride.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kyoso.core.models import City


class DemandService(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=120)
    operator_name = models.CharField(_("operator"), max_length=120)
    # A GeoJSON Polygon or MultiPolygon (lon, lat), as in GTFS-Flex locations.geojson.
    zone = models.JSONField(_("zone"))
    zone_name = models.CharField(_("zone name"), max_length=120, blank=True)
    # Seconds after midnight, as GTFS times; weekdays Monday first ("1111100").
    start_seconds = models.PositiveIntegerField(_("service starts"), default=8 * 3600)
    end_seconds = models.PositiveIntegerField(_("service ends"), default=17 * 3600)
    weekdays = models.CharField(_("weekdays"), max_length=7, default="1111100")
    min_notice_minutes = models.PositiveIntegerField(_("book at least (minutes ahead)"), default=30)
    max_notice_days = models.PositiveSmallIntegerField(_("book at most (days ahead)"), default=7)
    window_minutes = models.PositiveSmallIntegerField(_("pickup window (minutes)"), default=30)
    speed_kmh = models.FloatField(_("zone speed (km/h)"), default=20.0)
    detour_factor = models.FloatField(_("detour factor"), default=1.3)
    phone = models.CharField(_("phone for bookings"), max_length=40, blank=True)
    info_url = models.CharField(_("information page"), max_length=300, blank=True)
    message = models.CharField(_("message to riders"), max_length=300, blank=True)
    # Named places in the zone riders pick from: [{"name": ..., "lat": ..., "lon": ...}].
    places = models.JSONField(_("places"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("demand-responsive service")
        verbose_name_plural = _("demand-responsive services")
        ordering = ["city", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "code"], name="mobility_demand_service_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def hours_label(self) -> str:
        """Return the service hours as "08:00–17:00"."""
        a, b = self.start_seconds, self.end_seconds
        return f"{a // 3600:02d}:{a % 3600 // 60:02d}–{b // 3600:02d}:{b % 3600 // 60:02d}"


class DemandVehicleKind(models.TextChoices):
    VAN = "van", _("van")
    TAXI = "taxi", _("taxi")
    SHARED_TAXI = "shared_taxi", _("shared taxi")


class DemandVehicle(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(DemandService, on_delete=models.CASCADE, related_name="vehicles")
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(
        _("kind"), max_length=12, choices=DemandVehicleKind.choices, default=DemandVehicleKind.VAN
    )
    seats = models.PositiveSmallIntegerField(_("seats"))
    wheelchair_places = models.PositiveSmallIntegerField(_("wheelchair places"), default=0)
    depot_lat = models.FloatField()
    depot_lon = models.FloatField()
    shift_start_seconds = models.PositiveIntegerField(_("shift starts"))
    shift_end_seconds = models.PositiveIntegerField(_("shift ends"))
    # A taxi reporting its live position (taxis and shared taxis can serve the zone).
    taxi = models.ForeignKey(
        "mobility.Taxi", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("demand-responsive vehicle")
        verbose_name_plural = _("demand-responsive vehicles")
        ordering = ["service", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "service", "code"], name="mobility_demand_vehicle_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class RideStatus(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("ride", "scheduled")
    DECLINED = "declined", pgettext_lazy("ride", "no vehicle free")
    CANCELLED = "cancelled", pgettext_lazy("ride", "cancelled")
    PICKED_UP = "picked_up", pgettext_lazy("ride", "on board")
    COMPLETED = "completed", pgettext_lazy("ride", "completed")


class RideRequest(models.Model):
    """One booked ride; times are aware datetimes on the service day."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(DemandService, on_delete=models.CASCADE, related_name="rides")
    rider = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("rider"),
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    is_proxy = models.BooleanField(_("booked by staff for the rider"), default=False)
    origin_name = models.CharField(_("from"), max_length=120)
    origin_lat = models.FloatField()
    origin_lon = models.FloatField()
    destination_name = models.CharField(_("to"), max_length=120)
    destination_lat = models.FloatField()
    destination_lon = models.FloatField()
    service_date = models.DateField(_("date"))
    earliest_pickup = models.DateTimeField(_("earliest pickup"))
    latest_arrival = models.DateTimeField(_("latest arrival"))
    passengers = models.PositiveSmallIntegerField(_("passengers"), default=1)
    wheelchairs = models.PositiveSmallIntegerField(_("wheelchairs"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=RideStatus.choices)
    vehicle = models.ForeignKey(
        DemandVehicle, on_delete=models.SET_NULL, null=True, blank=True, related_name="rides"
    )
    # What the rider was told (kept within minutes when the plan is re-optimised) and the plan now.
    promised_pickup = models.DateTimeField(_("promised pickup"), null=True, blank=True)
    planned_pickup = models.DateTimeField(_("planned pickup"), null=True, blank=True)
    planned_dropoff = models.DateTimeField(_("planned arrival"), null=True, blank=True)
    pickup_order = models.PositiveIntegerField(null=True, blank=True)
    dropoff_order = models.PositiveIntegerField(null=True, blank=True)
    note = models.CharField(_("note for the driver"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ride request")
        verbose_name_plural = _("ride requests")
        ordering = ["service_date", "earliest_pickup"]
        indexes = [models.Index(fields=["city", "service", "service_date", "status"])]

    def __str__(self) -> str:
        return f"{self.origin_name} → {self.destination_name} {self.service_date}"


class DispatchRun(models.Model):
    """One re-optimisation of a service day: what the dispatcher achieved, for the operator's page."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(DemandService, on_delete=models.CASCADE, related_name="runs")
    service_date = models.DateField()
    method = models.CharField(max_length=40)
    requests = models.PositiveIntegerField(default=0)
    served = models.PositiveIntegerField(default=0)
    vehicle_metres = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0.0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.service_id} {self.service_date} {self.method}"

    @property
    def km(self) -> float:
        return round(self.vehicle_metres / 1000, 1)
