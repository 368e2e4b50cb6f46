"""Reads of decisions: the board, receipts, and the result recomputed from the board alone."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from kyoso.commons.algorithms import bulletin_board
from kyoso.commons.algorithms.voting import BallotError, VoteResult
from kyoso.commons.models import BoardEntry, Decision
from kyoso.commons.services.decisions import tally_params
from kyoso.core.models import City


def decisions_of(city: City) -> QuerySet[Decision]:
    return Decision.objects.filter(city=city).select_related("group").order_by("-closes_at", "-id")


def decision_get(*, city: City, pk: int) -> Decision | None:
    return Decision.objects.filter(city=city, pk=pk).select_related("group").first()


def board_of(decision: Decision) -> list[bulletin_board.BoardEntry]:
    """Return the board's entries in the order stored (by seq), as plain data."""
    rows = BoardEntry.objects.filter(city_id=decision.city_id, decision=decision).order_by("seq")
    return [
        bulletin_board.BoardEntry(seq, receipt, ballot, prev, h)
        for seq, receipt, ballot, prev, h in rows.values_list(
            "seq", "receipt", "ballot", "prev_hash", "hash"
        )
    ]


@dataclass(frozen=True)
class DecisionCheck:
    verification: bulletin_board.Verification
    result: VoteResult | None
    error: str
    ballots: int
    quorum_met: bool
    closed: bool


def decision_check(decision: Decision) -> DecisionCheck:
    """Return the chain check and the result recomputed from the board alone."""
    entries = board_of(decision)
    verification = bulletin_board.verify_chain(
        entries,
        decision.board_id,
        published_head=decision.board_head,
        published_length=decision.board_length,
    )
    result, error = None, ""
    try:
        result = bulletin_board.recompute_result(
            entries, decision.method, decision.options, **tally_params(decision)
        )
    except (BallotError, ValueError) as exc:
        error = str(exc)
    counted = result.ballots - result.abstentions if result else 0
    return DecisionCheck(
        verification=verification,
        result=result,
        error=error,
        ballots=len(entries),
        quorum_met=counted >= decision.quorum,
        closed=timezone.now() >= decision.closes_at,
    )


def receipt_find(decision: Decision, code: str) -> bulletin_board.BoardEntry | None:
    """Return the board entry of a receipt code, or None (also for a malformed code)."""
    try:
        wanted = bulletin_board.receipt_hash(code)
    except ValueError:
        return None
    row = BoardEntry.objects.filter(
        city_id=decision.city_id, decision=decision, receipt=wanted
    ).first()
    if row is None:
        return None
    return bulletin_board.BoardEntry(row.seq, row.receipt, row.ballot, row.prev_hash, row.hash)
