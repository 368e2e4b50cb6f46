"""Transparent decisions: secret ballots on a public hash-chained board, one person one vote.

Casting writes two rows that share nothing: a ``VoterRecord`` (who voted, for one-person-one-
vote) and a ``BoardEntry`` (the receipt hash and the ballot, chained by ``bulletin_board``).
The voter keeps the receipt code; only its hash is stored, so only the voter can find the entry.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.commons.algorithms import bulletin_board
from kyoso.commons.algorithms.voting import BallotError
from kyoso.commons.models import (
    BoardEntry,
    Decision,
    Electorate,
    Group,
    GroupMember,
    Method,
    VoterRecord,
)
from kyoso.core.access import is_staff
from kyoso.core.errors import ConflictError, DomainError, PermissionDeniedError
from kyoso.core.models import City, Membership, Role, User
from kyoso.core.services import audit_record


def tally_params(decision: Decision) -> dict[str, Any]:
    """Return the method's parameters (score range, voice credits) for the tally functions."""
    if decision.method == Method.SCORE:
        return {"min_score": 0, "max_score": decision.max_score}
    if decision.method == Method.QUADRATIC:
        return {"credits": decision.voice_credits}
    return {}


@transaction.atomic
def decision_create(
    *,
    city: City,
    actor: User,
    title: str,
    method: str,
    options: list[str],
    electorate: str,
    opens_at: datetime,
    closes_at: datetime,
    description: str = "",
    quorum: int = 0,
    group: Group | None = None,
    max_score: int = 5,
    voice_credits: int = 100,
) -> Decision:
    """Return a new decision (staff, or a group's organiser for a members' vote)."""
    if group is not None:
        if group.city_id != city.pk:
            raise DomainError(_("No such group."), field="group")
        organiser = GroupMember.objects.filter(
            city=city, group=group, user=actor, is_organiser=True
        ).exists()
        if not (organiser or is_staff(actor, city)):
            raise PermissionDeniedError(_("Only the group's organisers can start a vote."))
    elif not is_staff(actor, city):
        raise PermissionDeniedError(_("Only city staff can start a city-wide vote."))
    if electorate not in Electorate.values:
        raise DomainError(_("Choose who may vote."), field="electorate")
    if electorate == Electorate.MEMBERS and group is None:
        raise DomainError(_("A members' vote needs a group."), field="electorate")
    if method not in Method.values:
        raise DomainError(_("Choose a voting method."), field="method")
    names = [o.strip() for o in options if o.strip()]
    if len(names) < 2 or len(set(names)) != len(names) or any(len(n) > 120 for n in names):
        raise DomainError(_("Give at least two different options."), field="options")
    if closes_at <= opens_at:
        raise DomainError(_("The vote must close after it opens."), field="closes_at")
    if not title.strip():
        raise DomainError(_("Give the decision a title."), field="title")
    if not 1 <= max_score <= 100 or not 1 <= voice_credits <= 10_000:
        raise DomainError(_("Check the score range and voice credits."), field="method")
    decision = Decision.objects.create(
        city=city, title=title.strip()[:160], description=description.strip(), group=group,
        electorate=electorate, method=method, options=names, max_score=max_score,
        voice_credits=voice_credits, quorum=max(0, quorum), opens_at=opens_at,
        closes_at=closes_at, board_id=f"{city.slug}:decision:{uuid.uuid4()}", created_by=actor,
    )  # fmt: skip
    decision.board_head = bulletin_board.genesis_hash(decision.board_id)
    decision.save(update_fields=["board_head"])
    audit_record(city=city, actor=actor, action="commons.decision.create", obj=decision,
                 details={"method": method, "options": names, "board_id": decision.board_id})  # fmt: skip
    return decision


def may_vote(*, decision: Decision, user: User) -> bool:
    """Return whether the person belongs to the decision's electorate."""
    if not user.is_authenticated:
        return False
    if decision.electorate == Electorate.MEMBERS:
        return (
            decision.group_id is not None
            and GroupMember.objects.filter(
                city_id=decision.city_id, group_id=decision.group_id, user=user
            ).exists()
        )
    residents = Membership.objects.filter(city_id=decision.city_id, user=user, role=Role.CITIZEN)
    if decision.electorate == Electorate.VERIFIED:
        residents = residents.filter(verified_resident=True)
    return residents.exists()


def check_ballot(decision: Decision, ballot: dict[str, Any]) -> dict[str, Any]:
    """Return the ballot in canonical form, or raise DomainError naming what is wrong."""
    keys = {
        Method.PLURALITY: "choice",
        Method.APPROVAL: "approve",
        Method.SCORE: "scores",
        Method.QUADRATIC: "votes",
        Method.INSTANT_RUNOFF: "ranking",
        Method.SCHULZE: "ranking",
    }
    key = keys[Method(decision.method)]
    if set(ballot) - {key}:
        raise DomainError(_("This ballot does not fit the voting method."), field="ballot")
    clean = {key: ballot[key]} if key in ballot and ballot[key] not in (None, [], {}) else {}
    try:
        fake = [bulletin_board.BoardEntry(0, "", json.dumps(clean), "", "")]
        bulletin_board.recompute_result(
            fake, decision.method, decision.options, **tally_params(decision)
        )
    except (BallotError, ValueError, TypeError, AttributeError, OverflowError) as exc:
        raise DomainError(
            _("This ballot is not valid: %(why)s") % {"why": exc}, field="ballot"
        ) from exc
    if "\x00" in bulletin_board.canonical_json(clean):
        raise DomainError(_("This ballot is not valid."), field="ballot")
    if key == "ranking" and len(set(clean.get("ranking", []))) != len(clean.get("ranking", [])):
        raise DomainError(_("Rank each option at most once."), field="ballot")
    return clean


@dataclass(frozen=True)
class Cast:
    receipt_code: str  # shown to the voter once; only its hash is stored
    entry: BoardEntry


@transaction.atomic
def ballot_cast(*, city: City, decision: Decision, user: User, ballot: dict[str, Any]) -> Cast:
    """Return the receipt of a ballot cast: eligibility and one person one vote are checked."""
    locked = Decision.objects.select_for_update().filter(city=city, pk=decision.pk).first()
    if locked is None:
        raise DomainError(_("No such decision."), field="decision")
    now = timezone.now()
    if not locked.opens_at <= now < locked.closes_at:
        raise ConflictError(_("This vote is not open."), field="decision")
    if not may_vote(decision=locked, user=user):
        raise PermissionDeniedError(_("You are not in the electorate of this vote."))
    clean = check_ballot(locked, ballot)
    try:
        with transaction.atomic():
            VoterRecord.objects.create(
                city=city, decision=locked, user=user, voted_on=timezone.localdate(now)
            )
    except IntegrityError:
        raise ConflictError(_("You have already voted."), field="decision") from None
    head = (
        bulletin_board.BoardEntry(locked.board_length - 1, "", "", "", locked.board_head)
        if locked.board_length
        else None
    )
    code = bulletin_board.new_receipt_code()
    entry = bulletin_board.append_entry(head, locked.board_id, code, clean)
    row = BoardEntry.objects.create(
        city=city, decision=locked, seq=entry.seq, receipt=entry.receipt, ballot=entry.ballot,
        prev_hash=entry.prev_hash, hash=entry.hash,
    )  # fmt: skip
    locked.board_length, locked.board_head = entry.seq + 1, entry.hash
    locked.save(update_fields=["board_length", "board_head"])
    return Cast(code, row)
