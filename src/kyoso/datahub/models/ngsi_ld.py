"""NGSI-LD entities published through ``/ngsi-ld/v1/`` (other than Kyoso's own sensors, which
are built from devices and readings), their numeric history and subscriptions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kyoso.core.models import City


class NgsiEntity(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    entity_id = models.CharField(_("entity id"), max_length=256)
    # Type and attribute names are IRIs (expanded with the writer's @context).
    type = models.CharField(_("entity type"), max_length=256)
    attrs = models.JSONField(default=dict)
    # Private entities are read only by the city's staff (and writers) with a token.
    is_public = models.BooleanField(_("public"), default=True)
    created_at = models.DateTimeField()
    modified_at = models.DateTimeField()

    class Meta:
        verbose_name = _("NGSI-LD entity")
        verbose_name_plural = _("NGSI-LD entities")
        constraints = [
            models.UniqueConstraint(fields=["city", "entity_id"], name="datahub_ngsi_entity_id")
        ]
        indexes = [models.Index(fields=["city", "type", "entity_id"], name="datahub_ngsi_type")]

    def __str__(self) -> str:
        return self.entity_id


class NgsiAttributeInstance(models.Model):
    """One past value of a numeric Property, for the temporal API."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    entity = models.ForeignKey(NgsiEntity, on_delete=models.CASCADE, related_name="instances")
    attr = models.CharField(max_length=256)
    observed_at = models.DateTimeField()  # observedAt, or when it was written if it had none
    value = models.FloatField()

    class Meta:
        indexes = [
            models.Index(
                fields=["city", "entity", "attr", "observed_at"], name="datahub_ngsi_instance"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attr} {self.observed_at:%Y-%m-%d %H:%M:%S} {self.value}"


class NgsiSubscription(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    subscription_id = models.CharField(max_length=256)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    # The subscription as the client gave it (compact terms) and the @context to read it with.
    body = models.JSONField()
    context = models.JSONField(null=True)
    types = models.JSONField(default=list)  # entity type IRIs; empty: any
    watched = models.JSONField(default=list)  # attribute IRIs; empty: any
    endpoint = models.URLField(max_length=500)
    is_active = models.BooleanField(default=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    throttling = models.PositiveIntegerField(default=0)  # seconds between notifications
    times_sent = models.PositiveIntegerField(default=0)
    last_notification = models.DateTimeField(null=True, blank=True)
    last_success = models.DateTimeField(null=True, blank=True)
    last_failure = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("NGSI-LD subscription")
        verbose_name_plural = _("NGSI-LD subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["city", "subscription_id"], name="datahub_ngsi_subscription_id"
            )
        ]

    def __str__(self) -> str:
        return self.subscription_id
