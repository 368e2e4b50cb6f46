"""Secret-ballot decisions: encrypted ballots on a signed public board, and who voted.

What is stored, and what it cannot give away (README, "Decisions: threat model"):

* ``VoterRecord`` — who voted (one person, one vote), nothing else: a random id and no time;
* ``PendingBallot`` — an encrypted ballot waiting for the next sealed batch (random id, no time);
* ``BoardEntry`` — the public board: encrypted ballots with their validity proofs, hash-chained,
  written a batch at a time in a random order by ``board_seal``, with random ids and no time;
* ``SignedHead`` — the board's head signed with an Ed25519 key kept outside the database;
* ``Trustee`` — a committee member's public part of the election key and their partial
  decryption. Their key share is never here: it stays in the trustee's own file.

Random integer ids (``RandomIdField``) are the SQLite rowid itself, so not even the storage order
of rows follows the order of casting.
"""

from __future__ import annotations

import secrets
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


def random_id() -> int:
    """Return a random positive 62-bit id."""
    return 1 + secrets.randbelow(2**62 - 1)


class RandomIdField(models.BigIntegerField):
    """A random 62-bit primary key; on SQLite the column is the rowid, so rows sort randomly."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("primary_key", True)
        kwargs.setdefault("default", random_id)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def db_type(self, connection: Any) -> str | None:
        # "integer primary key" makes the column the rowid alias in SQLite.
        return "integer" if connection.vendor == "sqlite" else super().db_type(connection)


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
    # The head of the sealed board, updated with every batch under a lock on this row.
    board_length = models.PositiveIntegerField(default=0)
    board_head = models.CharField(max_length=64, blank=True)
    threshold = models.PositiveSmallIntegerField(_("trustees needed to decrypt"), default=1)
    # The election key, set when every trustee has confirmed their share (hex point).
    public_key = models.CharField(max_length=64, blank=True)
    # What the trustees decrypt (aggregate or mix), their decryptions' outcome, and the result.
    tally = models.JSONField(null=True, blank=True, editable=False)
    result = models.JSONField(null=True, blank=True, editable=False)
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


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("the bulletin board is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the bulletin board is append-only")


class BoardEntry(models.Model):
    """An encrypted ballot on the public board; ``tracker`` is the SHA-256 of ``ballot``."""

    id = RandomIdField()
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="board")
    seq = models.PositiveIntegerField()
    tracker = models.CharField(max_length=64)
    ballot = models.TextField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["decision", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["city", "decision", "seq"], name="board_seq_once"),
            models.UniqueConstraint(
                fields=["city", "decision", "tracker"], name="board_tracker_once"
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


class PendingBallot(models.Model):
    """An encrypted ballot accepted but not yet sealed onto the board (deleted when sealed)."""

    id = RandomIdField()
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="pending")
    tracker = models.CharField(max_length=64)
    ballot = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["city", "decision", "tracker"], name="pending_tracker_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.tracker[:12]}"


class SignedHead(models.Model):
    """The board's head at a length, signed with the board key (which is not in the database)."""

    id = RandomIdField()
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="signed_heads")
    length = models.PositiveIntegerField()
    head = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["decision", "length"]
        constraints = [
            models.UniqueConstraint(fields=["city", "decision", "length"], name="signed_head_once"),
        ]

    def __str__(self) -> str:
        return f"{self.decision_id}@{self.length}"


class Trustee(models.Model):
    """A member of a decision's election committee: public key parts and partial decryption."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="trustees")
    index = models.PositiveSmallIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    announce = models.JSONField(null=True, blank=True)
    deal = models.JSONField(null=True, blank=True)
    verification_key = models.CharField(max_length=64, blank=True)
    decryption = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["decision", "index"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "decision", "index"], name="trustee_index_once"
            ),
            models.UniqueConstraint(fields=["city", "decision", "user"], name="trustee_user_once"),
        ]

    def __str__(self) -> str:
        return f"{self.decision_id}: trustee {self.index}"


class VoterRecord(models.Model):
    """Who voted in a decision: no time, a random id, nothing that points at a ballot."""

    id = RandomIdField()
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="voters")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "decision", "user"], name="one_person_one_vote")
        ]

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.user_id}"
