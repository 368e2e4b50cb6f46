"""Problem reports (困りごと報告), served as Open311 GeoReport v2 service requests."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kyoso.core.models import City, CityScopedModel, District, Upload


class ServiceType(CityScopedModel):
    """An Open311 service: a kind of problem the city takes reports about."""

    code = models.SlugField(_("service code"), max_length=40)
    name_ja = models.CharField(_("name (Japanese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    description = models.CharField(_("description"), max_length=300, blank=True)
    group = models.CharField(_("group"), max_length=60, blank=True)
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("report category")
        verbose_name_plural = _("report categories")
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["city", "code"], name="voice_service_code_per_city")
        ]

    def __str__(self) -> str:
        return self.name_ja


class AttributeType(models.TextChoices):
    STRING = "string", "string"
    NUMBER = "number", "number"
    DATETIME = "datetime", "datetime"
    TEXT = "text", "text"
    SINGLE = "singlevaluelist", "singlevaluelist"
    MULTI = "multivaluelist", "multivaluelist"


class ServiceAttribute(models.Model):
    """An extra question of a service (Open311 service definition attribute)."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(ServiceType, on_delete=models.CASCADE, related_name="attributes")
    code = models.CharField(max_length=40)
    datatype = models.CharField(max_length=16, choices=AttributeType.choices)
    required = models.BooleanField(default=False)
    variable = models.BooleanField(default=True)
    description = models.CharField(max_length=200)
    datatype_description = models.CharField(max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=1)
    # [{"key": "...", "name": "..."}] for list types.
    values = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "service", "code"], name="voice_attribute_code_per_service"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_id}:{self.code}"


class Open311Client(CityScopedModel):
    """An application allowed to post reports (its api_key; only the hash is stored)."""

    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class ReportStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class Report(CityScopedModel):
    service = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="reports")
    token = models.CharField(max_length=40, unique=True)
    status = models.CharField(
        _("status"), max_length=8, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    status_notes = models.CharField(_("status notes"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    address_string = models.CharField(_("address"), max_length=200, blank=True)
    address_id = models.CharField(max_length=60, blank=True)
    zipcode = models.CharField(max_length=10, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    media_url = models.URLField(max_length=400, blank=True)
    photo = models.ForeignKey(
        Upload, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    client = models.ForeignKey(
        Open311Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    email = models.EmailField(blank=True)
    first_name = models.CharField(max_length=60, blank=True)
    last_name = models.CharField(max_length=60, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    agency_responsible = models.CharField(_("responsible section"), max_length=100, blank=True)
    service_notice = models.CharField(max_length=200, blank=True)
    requested_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    expected_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["city", "status", "requested_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.service.name_ja}"


class ReportNote(models.Model):
    """A staff note on a report; the latest public one becomes its Open311 status_notes."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.CharField(_("note"), max_length=500)
    status_after = models.CharField(max_length=8, choices=ReportStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"#{self.report_id}: {self.text[:40]}"
