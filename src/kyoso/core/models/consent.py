"""Consent: a recorded, revocable permission with a purpose; revocation takes effect at once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kyoso.core.models.tenancy import City


class Consent(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    # A dotted purpose registered by a module, e.g. "points.rewards" or "health.share".
    purpose = models.CharField(_("purpose"), max_length=60)
    # What the consent covers within the purpose, e.g. "clinic:12"; empty means the whole purpose.
    scope = models.CharField(_("scope"), max_length=120, blank=True)
    granted_at = models.DateTimeField(_("granted at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # Set when staff recorded the consent from a paper form or a phone call.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    text_version = models.CharField(_("text version"), max_length=20, default="1")

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["city", "user", "purpose", "scope"])]
        constraints = [
            # At most one live consent per purpose and scope, so checks are unambiguous.
            models.UniqueConstraint(
                fields=["city", "user", "purpose", "scope"],
                condition=models.Q(revoked_at__isnull=True),
                name="consent_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.purpose} {self.scope}".strip()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
