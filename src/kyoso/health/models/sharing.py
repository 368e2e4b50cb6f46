"""Consent to share: data items × recipient × purpose × period, proxies, and every access."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kyoso.core.models import City, Consent
from kyoso.health.models.records import CareProvider


class SharePurpose(models.TextChoices):
    TREATMENT = "treatment", _("treatment")
    CARE = "care", _("home care and nursing")
    FAMILY = "family", _("family support")
    EMERGENCY = "emergency", _("emergency")


class ShareGrant(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="health_grants"
    )
    provider = models.ForeignKey(
        CareProvider, on_delete=models.CASCADE, null=True, blank=True, related_name="grants"
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="health_grants_received",
    )
    items = models.JSONField(_("data items"), default=list)
    purpose = models.CharField(_("purpose"), max_length=12, choices=SharePurpose.choices)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    consent = models.ForeignKey(Consent, on_delete=models.SET_NULL, null=True, related_name="+")
    fhir_id = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sharing consent")
        verbose_name_plural = _("sharing consents")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["city", "patient", "revoked_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(provider__isnull=False, recipient_user__isnull=True)
                    | models.Q(provider__isnull=True, recipient_user__isnull=False)
                ),
                name="health_grant_one_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"ShareGrant {self.pk} ({self.purpose})"

    @property
    def recipient_key(self) -> str:
        return f"org:{self.provider_id}" if self.provider_id else f"user:{self.recipient_user_id}"

    @property
    def item_labels(self) -> list[str]:
        from kyoso.health.records.fhir_resources import DATA_ITEMS

        return [DATA_ITEMS.get(i, i) for i in self.items]

    @property
    def recipient_name(self) -> str:
        if self.provider_id:
            return str(self.provider)
        return str(self.recipient_user)


class ProxyBasis(models.TextChoices):
    CONSENT = "consent", _("the person's recorded consent")
    LEGAL = "legal", _("legal proxy (guardian), recorded by staff")


class ProxyAuthority(models.Model):
    """A family member or carer who may act for the person (see, enter, book)."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="health_proxies"
    )
    proxy = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="health_proxy_for"
    )
    basis = models.CharField(_("basis"), max_length=8, choices=ProxyBasis.choices)
    note = models.CharField(_("document or note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    starts_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        constraints = [
            models.UniqueConstraint(
                fields=["city", "patient", "proxy"],
                condition=models.Q(revoked_at__isnull=True),
                name="health_proxy_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"proxy {self.proxy_id} for {self.patient_id}"


class HealthAccessQuerySet(models.QuerySet["HealthAccess"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("access records are append-only")


class HealthAccess(models.Model):
    """One access to a person's data by someone else, shown to the person (FHIR AuditEvent)."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="health_accesses"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    provider = models.ForeignKey(
        CareProvider, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    department = models.CharField(max_length=60, blank=True)
    profession = models.CharField(max_length=14, blank=True)
    item = models.CharField(max_length=20)
    action = models.CharField(max_length=10)  # read, create, update, export
    channel = models.CharField(max_length=10)  # page, api, fhir
    entries = models.PositiveIntegerField(default=0)
    grant = models.ForeignKey(ShareGrant, on_delete=models.SET_NULL, null=True, related_name="+")
    fhir_id = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = HealthAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("access to health data")
        verbose_name_plural = _("accesses to health data")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["city", "patient", "at"])]

    def __str__(self) -> str:
        return f"access {self.pk} {self.item} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("access records are append-only")
        super().save(*args, **kwargs)
