"""Comments with edit history, and moderation: flags, hiding with a reason, appeals."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kyoso.core.models import City, CityScopedModel
from kyoso.voice.models.proposals import Proposal


class Comment(CityScopedModel):
    # A comment belongs to a proposal or to a conversation (one of the two).
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    conversation = models.ForeignKey(
        "voice.Conversation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    public_name = models.CharField(_("name shown"), max_length=60)
    body = models.TextField(_("comment"))
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class CommentRevision(models.Model):
    """The text a comment had before an edit."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.comment_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class TargetType(models.TextChoices):
    PROPOSAL = "proposal", _("proposal")
    COMMENT = "comment", _("comment")
    STATEMENT = "statement", _("statement")
    REPORT = "report", _("report")


class Flag(models.Model):
    """A person's note that some content breaks the rules."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    target_type = models.CharField(max_length=12, choices=TargetType.choices)
    target_id = models.PositiveBigIntegerField()
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["city", "resolved_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "target_type", "target_id", "reporter"],
                name="voice_flag_once_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.target_type} #{self.target_id}: {self.reason[:40]}"


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("waiting for a decision")
    UPHELD = "upheld", _("shown again")
    REJECTED = "rejected", _("stays hidden")


class Appeal(models.Model):
    """The author's request to show hidden content again."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    target_type = models.CharField(max_length=12, choices=TargetType.choices)
    target_id = models.PositiveBigIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("why it should be shown"))
    status = models.CharField(
        max_length=10, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "target_type", "target_id"],
                condition=models.Q(status="pending"),
                name="voice_appeal_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.target_type} #{self.target_id} ({self.status})"
