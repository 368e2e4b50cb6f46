"""Reads of decisions: the board, trackers, the election record and its verification."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from kyoso.commons import board_signing
from kyoso.commons.algorithms import election_ballot as eb
from kyoso.commons.algorithms import election_crypto as ec
from kyoso.commons.algorithms import election_verifier as ev
from kyoso.commons.models import BoardEntry, Decision, PendingBallot, SignedHead, Trustee
from kyoso.commons.services.decisions import ballot_params
from kyoso.core.models import City, User


def decisions_of(city: City) -> QuerySet[Decision]:
    return Decision.objects.filter(city=city).select_related("group").order_by("-closes_at", "-id")


def decision_get(*, city: City, pk: int) -> Decision | None:
    return Decision.objects.filter(city=city, pk=pk).select_related("group").first()


@dataclass(frozen=True)
class Entry:
    """A board entry as plain data (``ballot`` is the encrypted ballot's canonical JSON)."""

    seq: int
    tracker: str
    ballot: str
    prev_hash: str
    hash: str

    @property
    def code(self) -> str:
        return eb.tracker_code(self.tracker)


def board_of(decision: Decision) -> list[Entry]:
    """Return the sealed board's entries in order."""
    rows = BoardEntry.objects.filter(city_id=decision.city_id, decision=decision).order_by("seq")
    return [
        Entry(*row)
        for row in rows.values_list("seq", "tracker", "ballot", "prev_hash", "hash").iterator()
    ]


def tracker_find(decision: Decision, code: str) -> tuple[str, Entry | None] | None:
    """Return ("board", entry) or ("pending", None) for a tracker code, or None if unknown."""
    try:
        prefix = eb.tracker_prefix(code) if len(code.strip()) < 64 else code.strip().lower()
    except ValueError:
        return None
    row = BoardEntry.objects.filter(
        city_id=decision.city_id, decision=decision, tracker__startswith=prefix
    ).first()
    if row is not None:
        return "board", Entry(row.seq, row.tracker, row.ballot, row.prev_hash, row.hash)
    if PendingBallot.objects.filter(
        city_id=decision.city_id, decision=decision, tracker__startswith=prefix
    ).exists():
        return "pending", None
    return None


def trustees_of(decision: Decision) -> list[Trustee]:
    return list(
        Trustee.objects.filter(city_id=decision.city_id, decision=decision)
        .select_related("user")
        .order_by("index")
    )


def election_record(decision: Decision) -> dict[str, Any]:
    """Return the election record (``kyoso-election-record/1``) as the database holds it."""
    trustees = trustees_of(decision)
    tally = None
    if decision.tally is not None and decision.result is not None:
        tally = {k: v for k, v in decision.tally.items() if k != "decrypt"}
        tally["decryptions"] = [t.decryption for t in trustees if t.decryption is not None]
    return {
        "format": ev.FORMAT,
        "group": ec.GROUP_NAME,
        "generator": ec.G.hex(),
        "election": {
            "id": decision.board_id,
            "title": decision.title,
            "method": decision.method,
            "options": list(decision.options),
            "params": ballot_params(decision),
            "threshold": decision.threshold,
            "trustees": len(trustees),
            "quorum": decision.quorum,
            "opens_at": decision.opens_at.isoformat(),
            "closes_at": decision.closes_at.isoformat(),
        },
        "trustees": [
            {
                "index": t.index,
                "name": t.user.get_full_name() or t.user.get_username(),
                **(t.announce or {"commitments": [], "proof": {}, "box_key": ""}),
                "verification_key": t.verification_key,
            }
            for t in trustees
        ],
        "public_key": decision.public_key,
        "board": {
            "signing_key": board_signing.public_key_hex(),
            "entries": [
                {
                    "seq": e.seq,
                    "tracker": e.tracker,
                    "ballot": json.loads(e.ballot),
                    "prev_hash": e.prev_hash,
                    "hash": e.hash,
                }
                for e in board_of(decision)
            ],
            "signed_heads": [
                {"length": s.length, "head": s.head, "signature": s.signature}
                for s in SignedHead.objects.filter(
                    city_id=decision.city_id, decision=decision
                ).order_by("length")
            ],
        },
        "tally": tally,
        "result": decision.result,
    }


@dataclass(frozen=True)
class DecisionCheck:
    report: ev.Report
    ballots: int
    quorum_met: bool
    closed: bool
    decrypted: bool

    @property
    def ok(self) -> bool:
        return self.report.ok


def decision_check(
    decision: Decision,
    *,
    receipts: Sequence[dict[str, Any]] = (),
    check_proofs: bool = False,
) -> DecisionCheck:
    """Return the check of the database's record against the board key (not the DB's head).

    Signatures are checked with the board key from the settings, which the database does not
    hold; pages skip re-checking every ballot proof (``kyoso verify-decision`` does it).
    """
    record = election_record(decision)
    report = ev.verify_record(
        record,
        receipts=receipts,
        board_key=board_signing.public_key_hex(),
        check_proofs=check_proofs,
    )
    counted = 0
    if decision.result:
        counted = int(decision.result["ballots"]) - int(decision.result["abstentions"])
    return DecisionCheck(
        report=report,
        ballots=decision.board_length,
        quorum_met=counted >= decision.quorum,
        closed=timezone.now() >= decision.closes_at,
        decrypted=decision.result is not None,
    )


def ceremony_for(decision: Decision, user: User) -> dict[str, Any] | None:
    """Return the ceremony file a trustee downloads for their next step, or None."""
    trustees = trustees_of(decision)
    me = next((t for t in trustees if t.user_id == user.pk), None)
    if me is None:
        return None
    out: dict[str, Any] = {
        "election_id": decision.board_id,
        "index": me.index,
        "threshold": decision.threshold,
        "trustees": [{"index": t.index, "announce": t.announce, "deal": t.deal} for t in trustees],
    }
    if decision.tally is not None and "decrypt" in decision.tally:
        out["decrypt"] = decision.tally["decrypt"]
    return out


def trustee_next_step(decision: Decision, trustee: Trustee, everyone: Sequence[Trustee]) -> str:
    """Return the trustee's next step: announce, deal, confirm, wait, decrypt or done."""
    if trustee.announce is None:
        return "announce"
    if trustee.deal is None:
        return "deal" if all(t.announce for t in everyone) else "wait"
    if not trustee.verification_key:
        return "confirm" if all(t.deal for t in everyone) else "wait"
    if decision.result is not None or trustee.decryption is not None:
        return "done"
    if decision.tally is not None:
        return "decrypt"
    return "wait"
