"""Clinic schedules, appointments (in person or online) and the signalling of video visits."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kyoso.core.models import City
from kyoso.health.models.records import CareProvider


class VisitMode(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    ONLINE = "online", _("online (video)")


class ClinicSchedule(models.Model):
    """A bookable calendar of one department (and doctor) of a provider (FHIR Schedule)."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey(CareProvider, on_delete=models.CASCADE, related_name="schedules")
    department = models.CharField(_("department"), max_length=60)
    practitioner = models.CharField(_("doctor"), max_length=60, blank=True)
    mode = models.CharField(_("kind of visit"), max_length=10, choices=VisitMode.choices)
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), default=15)
    # {"mon": ["09:00-12:00", "14:00-17:00"], …}; a weekday left out is a 休診日
    hours = models.JSONField(_("opening hours"), default=dict)
    closed_dates = models.JSONField(_("extra closed days (休診日)"), default=list, blank=True)
    open_on_holidays = models.BooleanField(_("open on public holidays"), default=False)
    is_active = models.BooleanField(default=True)
    fhir_id = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        ordering = ["provider", "department", "mode"]

    def __str__(self) -> str:
        return f"{self.provider} {self.department} ({self.get_mode_display()})"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("booked")
    CANCELLED = "cancelled", _("cancelled")
    FULFILLED = "fulfilled", pgettext_lazy("appointment", "done")


class Appointment(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    schedule = models.ForeignKey(
        ClinicSchedule, on_delete=models.CASCADE, related_name="appointments"
    )
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="health_appointments"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=10, choices=AppointmentStatus.choices)
    reason = models.TextField(blank=True)  # encrypted like record payloads
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    identity_checked_at = models.DateTimeField(null=True, blank=True)
    identity_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    patient_agreed_at = models.DateTimeField(null=True, blank=True)
    fhir_id = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["start"]
        indexes = [models.Index(fields=["city", "schedule", "start"])]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "schedule", "start"],
                condition=models.Q(status="booked"),
                name="health_slot_booked_once",
            )
        ]

    def __str__(self) -> str:
        return f"Appointment {self.fhir_id}"

    @property
    def is_online(self) -> bool:
        return self.schedule.mode == VisitMode.ONLINE


class VisitSignal(models.Model):
    """One WebRTC signalling message (offer, answer, ICE candidate) relayed between two parties."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="signals")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"
