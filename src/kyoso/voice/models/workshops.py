"""Workshops (ワークショップ): sessions at community centres, with ideas on sticky notes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kyoso.core.models import City, CityScopedModel, District, Themed


class Workshop(Themed, CityScopedModel):
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=120)
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("capacity"), default=30)
    registration_open = models.BooleanField(_("registration open"), default=True)
    accessibility_notes = models.TextField(_("accessibility"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    summary = models.JSONField(default=dict, blank=True)
    summary_computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Registration(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    needs = models.CharField(_("support you need"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["city", "workshop", "user"], name="voice_registration_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.workshop_id}"


class Idea(models.Model):
    """A sticky note, typed by the facilitator or by staff on a citizen's behalf."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="ideas")
    text = models.CharField(_("idea"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # A proxy entry (代理入力): from a paper form or a phone call by this citizen.
    is_proxy = models.BooleanField(_("entered on behalf"), default=False)
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Dot stickers counted by the facilitator, plus votes of signed-in participants.
    dot_votes = models.PositiveIntegerField(default=0)
    vote_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:60]


class IdeaVote(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "idea", "user"], name="voice_idea_vote_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.idea_id}"
