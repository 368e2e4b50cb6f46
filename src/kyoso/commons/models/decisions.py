"""Transparent decisions: a public bulletin board of ballots without identity, and who voted.

``BoardEntry`` rows hold only the receipt hash and the ballot, chained by hash
(``kyoso.commons.algorithms.bulletin_board``). ``VoterRecord`` holds who voted, with no link to the entry:
a random primary key and only the date, so neither the row order nor a timestamp ties a voter
to a position on the board.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kyoso.commons.models.groups import Group
from kyoso.core.models import City


class Electorate(models.TextChoices):
    MEMBERS = "members", _("members of the group")
    RESIDENTS = "residents", _("residents of the city")
    VERIFIED = "verified", _("verified residents")


class Method(models.TextChoices):
    PLURALITY = "plurality", _("single choice")
    APPROVAL = "approval", _("approval (choose any number)")
    INSTANT_RUNOFF = "instant_runoff", _("ranked choice (instant runoff)")
    SCHULZE = "schulze", _("ranked choice (Schulze)")
    SCORE = "score", _("score")
    QUADRATIC = "quadratic", _("quadratic voting")


class Decision(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, null=True, blank=True, related_name="decisions"
    )
    electorate = models.CharField(_("who may vote"), max_length=10, choices=Electorate.choices)
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    options = models.JSONField(_("options"))
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=5)
    voice_credits = models.PositiveIntegerField(_("voice credits"), default=100)
    quorum = models.PositiveIntegerField(_("quorum (ballots)"), default=0)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    board_id = models.CharField(max_length=100, default="", editable=False)
    # The head of the board, updated with every ballot under a lock on this row.
    board_length = models.PositiveIntegerField(default=0)
    board_head = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-closes_at", "-id"]

    def __str__(self) -> str:
        return self.title


class BoardEntryQuerySet(models.QuerySet["BoardEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("the bulletin board is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the bulletin board is append-only")


class BoardEntry(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="board")
    seq = models.PositiveIntegerField()
    receipt = models.CharField(max_length=64)
    ballot = models.TextField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = BoardEntryQuerySet.as_manager()

    class Meta:
        ordering = ["decision", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["city", "decision", "seq"], name="board_seq_once"),
            models.UniqueConstraint(
                fields=["city", "decision", "receipt"], name="board_receipt_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision_id}#{self.seq}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("the bulletin board is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("the bulletin board is append-only")


class VoterRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="voters")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    voted_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "decision", "user"], name="one_person_one_vote")
        ]

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.user_id}"
