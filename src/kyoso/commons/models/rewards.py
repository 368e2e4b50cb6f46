"""Reward rules (public: what pays and why) and the offers made to consenting citizens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kyoso.commons.models.groups import HelpRequest
from kyoso.commons.models.ledger import Transfer
from kyoso.commons.models.themes import Theme
from kyoso.core.models import City

REWARDS_PURPOSE = "points.rewards"


class RewardRule(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    reason = models.TextField(_("why it is rewarded"))
    points = models.PositiveIntegerField(_("points"))
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reward rule")
        verbose_name_plural = _("reward rules")
        ordering = ["theme", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "code"], name="reward_rule_code_per_city"),
            models.CheckConstraint(condition=models.Q(points__gt=0), name="reward_points_gt_0"),
        ]

    def __str__(self) -> str:
        return self.name


class OfferStatus(models.TextChoices):
    OFFERED = "offered", _("offered")
    ACCEPTED = "accepted", _("received")
    DECLINED = "declined", _("declined")
    CANCELLED = "cancelled", _("cancelled")


class RewardOffer(models.Model):
    """Points offered to one person under a rule; paid only when they accept."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(RewardRule, on_delete=models.RESTRICT, related_name="offers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    points = models.PositiveIntegerField(_("points"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=OfferStatus.choices, default=OfferStatus.OFFERED
    )
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    transfer = models.OneToOneField(
        Transfer, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["city", "user", "status"])]

    def __str__(self) -> str:
        return f"{self.rule} → {self.user}"
