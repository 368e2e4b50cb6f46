"""Proposals (提案): a citizen's idea, supported by others and answered by the city."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kyoso.core.models import City, CityScopedModel, District, Themed, Upload


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("open")
    UNDER_REVIEW = "under_review", _("under review")
    ACCEPTED = "accepted", _("accepted")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    DECLINED = "declined", _("declined")


class Proposal(Themed, CityScopedModel):
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    photo = models.ForeignKey(
        Upload, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The name shown to others: the person's display name or a pseudonym they chose.
    public_name = models.CharField(_("name shown"), max_length=60)
    # Set when staff typed the proposal from paper or a phone call (代理入力).
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    threshold_reached_at = models.DateTimeField(null=True, blank=True)
    response_due_at = models.DateTimeField(_("answer due by"), null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["city", "status"]),
            models.Index(fields=["city", "theme"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_proxy(self) -> bool:
        return self.entered_by_id is not None


class Support(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(
                fields=["city", "proposal", "user"], name="voice_support_one_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.proposal_id}"


class Follow(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(
                fields=["city", "proposal", "user"], name="voice_follow_one_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.proposal_id}"


class ProposalResponse(models.Model):
    """An official answer: the new status and the reason, written by city staff."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="responses")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=16, choices=ProposalStatus.choices)
    text = models.TextField(_("answer"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("official answer")
        verbose_name_plural = _("official answers")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.status}"


class MeasureLink(models.Model):
    """ "You said, we did": a measure of the vision that a proposal led to."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="measures")
    # The measure's id or code in the vision app; a string so voice does not depend on it.
    measure_ref = models.CharField(_("measure code"), max_length=60)
    title = models.CharField(_("measure"), max_length=200)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("linked measure")
        verbose_name_plural = _("linked measures")
        constraints = [
            models.UniqueConstraint(
                fields=["city", "proposal", "measure_ref"], name="voice_measure_link_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} → {self.measure_ref}"
