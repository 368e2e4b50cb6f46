"""The audit log: who did what to which object, in which city, and when."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kyoso.core.models.tenancy import City


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("audit records are append-only")


class AuditEvent(models.Model):
    city = models.ForeignKey(City, on_delete=models.PROTECT, null=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Set when staff acted on a citizen's behalf (paper or phone entry).
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["city", "object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("audit records are append-only")


class PersonalDataAccessQuerySet(models.QuerySet["PersonalDataAccess"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("access records are append-only")


class PersonalDataAccess(models.Model):
    """One person's data seen by someone acting for the city or an organisation.

    The citizen reads these on "my page" ("who looked at my data"); like the audit log they
    are append-only.
    """

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The actor's role and organisation as they were at the time ("clinic · 多賀こどもクリニック").
    actor_label = models.CharField(_("who"), max_length=200)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_accesses"
    )
    what = models.CharField(_("what"), max_length=120)
    purpose = models.CharField(_("why"), max_length=200)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    objects = PersonalDataAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("access to personal data")
        verbose_name_plural = _("accesses to personal data")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["city", "subject", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.what}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("access records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("access records are append-only")
