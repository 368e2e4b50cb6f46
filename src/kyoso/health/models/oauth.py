"""OAuth2 for the FHIR API: registered apps, authorisation codes and SMART-scoped tokens."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kyoso.core.models import City


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class FhirClientApp(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=80)
    client_id = models.CharField(max_length=40, unique=True)
    secret_hash = models.CharField(max_length=64, blank=True)  # empty: a public (PKCE) client
    redirect_uris = models.TextField(_("redirect URIs (one a line)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("FHIR client app")
        verbose_name_plural = _("FHIR client apps")

    def __str__(self) -> str:
        return self.name


class FhirAuthCode(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(FhirClientApp, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    scopes = models.TextField()
    redirect_uri = models.CharField(max_length=300)
    code_challenge = models.CharField(max_length=128, blank=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"code {self.pk}"


class FhirAccessToken(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(FhirClientApp, on_delete=models.CASCADE, related_name="tokens")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.TextField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"token {self.pk}"
