"""Opinion conversations (意見交換): statements, votes, participants and the stored map."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kyoso.core.models import City, CityScopedModel, Themed


class ModerationMode(models.TextChoices):
    STRICT = "strict", _("strict: new statements wait for a moderator")
    PERMISSIVE = "permissive", _("permissive: new statements appear at once")


class Conversation(Themed, CityScopedModel):
    title = models.CharField(_("title"), max_length=120)
    question = models.TextField(_("question"))
    moderation = models.CharField(
        _("moderation"),
        max_length=10,
        choices=ModerationMode.choices,
        default=ModerationMode.STRICT,
    )
    is_open = models.BooleanField(_("open for votes"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Debounced recomputation of the map: votes mark it dirty; one task recomputes it later.
    map_dirty_since = models.DateTimeField(null=True, blank=True)
    map_enqueued_at = models.DateTimeField(null=True, blank=True)
    map_computed_at = models.DateTimeField(null=True, blank=True)
    participant_count = models.PositiveIntegerField(default=0)
    vote_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Participant(models.Model):
    """A voter in one conversation: a signed-in person, or an imported Polis participant."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    external_id = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["city", "conversation", "user"],
                condition=models.Q(user__isnull=False),
                name="voice_participant_one_per_person",
            ),
            models.UniqueConstraint(
                fields=["city", "conversation", "external_id"],
                condition=models.Q(external_id__isnull=False),
                name="voice_participant_external_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"participant {self.pk} of {self.conversation_id}"


class StatementStatus(models.TextChoices):
    PENDING = "pending", _("waiting for moderation")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("not accepted")


class Statement(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="statements"
    )
    text = models.CharField(_("statement"), max_length=280)
    author = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_seed = models.BooleanField(_("seed statement"), default=False)
    status = models.CharField(
        max_length=10, choices=StatementStatus.choices, default=StatementStatus.PENDING
    )
    external_id = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["id"]
        indexes = [models.Index(fields=["conversation", "status"])]

    def __str__(self) -> str:
        return self.text[:60]


class VoteValue(models.IntegerChoices):
    AGREE = 1, _("agree")
    PASS = 0, _("pass / unsure")
    DISAGREE = -1, _("disagree")


class Vote(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(choices=VoteValue.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["city", "participant", "statement"], name="voice_vote_once"
            )
        ]
        indexes = [models.Index(fields=["conversation", "participant"])]

    def __str__(self) -> str:
        return f"{self.participant_id} → {self.statement_id}: {self.value}"


class ConversationMap(models.Model):
    """The last computed opinion map (``OpinionMap.to_dict()``) and the axes to place newcomers."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, related_name="opinion_map"
    )
    data = models.JSONField()
    # Small copy of what projecting one newcomer needs: statement ids, means, components, active.
    axes = models.JSONField()
    # Per group: id, size, representative statements; and consensus statements (for pages).
    summary = models.JSONField(default=dict)
    computed_at = models.DateTimeField()
    n_participants = models.PositiveIntegerField(default=0)
    n_votes = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"map of {self.conversation_id} ({self.computed_at:%Y-%m-%d %H:%M})"
