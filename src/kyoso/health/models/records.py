"""The citizen's health record: FHIR resources, encrypted, with care providers and their staff."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kyoso.core.models import City


class ProviderKind(models.TextChoices):
    CLINIC = "clinic", _("clinic")
    HOSPITAL = "hospital", _("hospital")
    CARE = "care", _("care provider")
    PHARMACY = "pharmacy", _("pharmacy")


class CareProvider(models.Model):
    """A clinic, hospital, visiting-nurse station or care office that may be granted access."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    code = models.SlugField(_("code"), max_length=60)
    name_ja = models.CharField(_("name (Japanese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ProviderKind.choices)
    # The mobility facility whose waiting time this provider publishes (its own only).
    facility_code = models.CharField(_("facility code (waiting times)"), max_length=60, blank=True)
    departments = models.JSONField(_("departments"), default=list, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    fhir_id = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)

    class Meta:
        verbose_name = _("care provider")
        verbose_name_plural = _("care providers")
        constraints = [
            models.UniqueConstraint(fields=["city", "code"], name="health_provider_unique_code")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        en = (get_language() or "ja").startswith("en")
        return self.name_en if en and self.name_en else self.name_ja


class Profession(models.TextChoices):
    DOCTOR = "doctor", _("doctor")
    NURSE = "nurse", _("nurse")
    CARE_MANAGER = "care_manager", _("care manager")
    PHARMACIST = "pharmacist", _("pharmacist")
    CLERK = "clerk", _("clerk")


class CareStaff(models.Model):
    """A person working for a care provider; what they see is what the provider was granted."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey(CareProvider, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_staff"
    )
    profession = models.CharField(_("profession"), max_length=14, choices=Profession.choices)
    department = models.CharField(_("department"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("care staff")
        verbose_name_plural = _("care staff")
        constraints = [
            models.UniqueConstraint(fields=["city", "provider", "user"], name="health_staff_unique")
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.department} {self.get_profession_display()}".strip()


class EntrySource(models.TextChoices):
    MANUAL = "manual", _("entered by hand")
    BUNDLE = "bundle", _("FHIR import")
    DEVICE = "device", _("device CSV")
    PROVIDER = "provider", _("written by a care provider")
    API = "api", _("FHIR API")
    DEMO = "demo", _("demo data")


class HealthEntry(models.Model):
    """One FHIR resource of one person's record; the resource itself is encrypted at rest.

    Only what search needs is kept in clear: the type, the data item, the date, and keyed
    hashes of the codes (so a database dump shows neither diagnoses nor values).
    """

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="health_entries"
    )
    fhir_id = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    resource_type = models.CharField(max_length=40)
    item = models.CharField(_("data item"), max_length=20, blank=True)
    effective_at = models.DateTimeField(null=True, blank=True)
    code_index = models.TextField(blank=True)  # "\n<hmac>\n<hmac>\n"
    payload = models.TextField()  # Fernet token of the FHIR JSON
    source = models.CharField(max_length=10, choices=EntrySource.choices)
    source_ref = models.CharField(max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_provider = models.ForeignKey(
        CareProvider, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_role = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retain_until = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("health record entry")
        verbose_name_plural = _("health record entries")
        ordering = ["-effective_at", "-id"]
        indexes = [
            models.Index(fields=["city", "patient", "resource_type", "effective_at"]),
            models.Index(fields=["city", "patient", "item"]),
            models.Index(fields=["retain_until"]),
        ]

    def __str__(self) -> str:
        # Never the content: this string reaches logs and the audit trail.
        return f"{self.resource_type}/{self.fhir_id}"
