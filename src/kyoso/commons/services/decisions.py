"""Secret-ballot decisions: encrypted ballots, a signed board, and a k-of-n election committee.

Life of a decision:

1. ``decision_create`` names the trustees (k of n must decrypt); each runs the key ceremony on
   their own computer (``election_trustee``) and uploads three messages (``trustee_submit``:
   announce, deal, confirm). When all have confirmed, the election key is set and voting opens.
2. ``ballot_cast`` encrypts the ballot (or accepts one encrypted by the voter's own software),
   with proofs that it is valid, and writes two rows in one transaction that share nothing but
   the transaction: a ``VoterRecord`` (who voted) and a ``PendingBallot`` (the ciphertext). The
   voter gets a receipt signed with the board key: the ballot's tracker and the signed board
   head at that moment. Nothing of the voter's choice is ever written in the clear.
3. ``board_seal`` moves pending ballots onto the public board in batches of at least
   ``KYOSO_BALLOT_BATCH``, in a random order, in one transaction, and signs the new head.
4. After closing, ``decision_tally_prepare`` seals the rest, signs the final head and computes
   what the trustees decrypt: the homomorphic product of the ballots, or for ranked methods a
   verifiable shuffle of them. Each trustee uploads a partial decryption with a proof
   (``trustee_submit`` step "decrypt"); with k of them the totals (or the mixed rankings) are
   decrypted and the result counted.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.commons import board_signing
from kyoso.commons.algorithms import election_ballot as eb
from kyoso.commons.algorithms import election_crypto as ec
from kyoso.commons.algorithms import election_trustee as et
from kyoso.commons.algorithms import election_verifier as ev
from kyoso.commons.algorithms.election_crypto import ProofError
from kyoso.commons.models import (
    BoardEntry,
    Decision,
    Electorate,
    Group,
    GroupMember,
    Method,
    PendingBallot,
    SignedHead,
    Trustee,
    VoterRecord,
)
from kyoso.core.access import is_staff, may_vote_in
from kyoso.core.errors import ConflictError, DomainError, PermissionDeniedError
from kyoso.core.models import City, Membership, User
from kyoso.core.services import audit_record

TRUSTEE_STEPS = ("announce", "deal", "confirm", "decrypt")


def ballot_params(decision: Decision) -> dict[str, int]:
    """Return the method's parameters that shape a ballot (score range, voice credits)."""
    return eb.params_of(decision.method, decision.max_score, decision.voice_credits)


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
    trustees: Sequence[User] = (),
    threshold: int = 0,
) -> Decision:
    """Return a new decision (staff, or a group's organiser for a members' vote).

    ``trustees`` form the election committee (default: the creator alone, so 1 of 1);
    ``threshold`` of them (default: a majority) must take part to decrypt the result.
    """
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
    if method in (Method.INSTANT_RUNOFF, Method.SCHULZE) and len(names) > 12:
        raise DomainError(_("Ranked votes take at most 12 options."), field="options")
    committee = list(dict.fromkeys(trustees)) or [actor]
    if any(not Membership.objects.filter(city=city, user=t).exists() for t in committee):
        raise DomainError(_("Every trustee must belong to this city."), field="trustees")
    if len(committee) > 15:
        raise DomainError(_("At most 15 trustees."), field="trustees")
    threshold = threshold or len(committee) // 2 + 1
    if not 1 <= threshold <= len(committee):
        raise DomainError(
            _("The number of trustees needed must be between 1 and the number of trustees."),
            field="threshold",
        )
    decision = Decision.objects.create(
        city=city, title=title.strip()[:160], description=description.strip(), group=group,
        electorate=electorate, method=method, options=names, max_score=max_score,
        voice_credits=voice_credits, quorum=max(0, quorum), opens_at=opens_at,
        closes_at=closes_at, board_id=f"{city.slug}:decision:{secrets.token_hex(16)}",
        created_by=actor, threshold=threshold,
    )  # fmt: skip
    decision.board_head = ev.genesis_hash(decision.board_id)
    decision.save(update_fields=["board_head"])
    Trustee.objects.bulk_create(
        Trustee(city=city, decision=decision, index=i, user=t)
        for i, t in enumerate(committee, start=1)
    )
    audit_record(city=city, actor=actor, action="commons.decision.create", obj=decision,
                 details={"method": method, "options": names, "board_id": decision.board_id,
                          "trustees": [t.pk for t in committee], "threshold": threshold})  # fmt: skip
    return decision


def may_vote(*, decision: Decision, user: User) -> bool:
    """Return whether the person belongs to the decision's electorate.

    The city's voting rule (``City.rules["voting"]``) holds for every vote: where it asks for
    verified residents, so does a group's members' vote.
    """
    if not user.is_authenticated:
        return False
    city = decision.city
    if decision.electorate == Electorate.MEMBERS:
        member = (
            decision.group_id is not None
            and GroupMember.objects.filter(
                city_id=decision.city_id, group_id=decision.group_id, user=user
            ).exists()
        )
        if not member or not (user.is_active and user.email_confirmed_at is not None):
            return False
        return city.rule("voting", "registered") != "verified" or may_vote_in(user, city)
    return may_vote_in(user, city, verified=decision.electorate == Electorate.VERIFIED)


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
    if not isinstance(ballot, dict) or set(ballot) - {key}:
        raise DomainError(_("This ballot does not fit the voting method."), field="ballot")
    clean = {key: ballot[key]} if key in ballot and ballot[key] not in (None, [], {}) else {}
    if "\x00" in eb.canonical_json(clean):
        raise DomainError(_("This ballot is not valid."), field="ballot")
    if key == "ranking" and (
        not isinstance(clean.get("ranking", []), list)
        or len(set(map(str, clean.get("ranking", [])))) != len(clean.get("ranking", []))
    ):
        raise DomainError(_("Rank each option at most once."), field="ballot")
    if key in ("approve",) and not isinstance(clean.get(key, []), list):
        raise DomainError(_("This ballot does not fit the voting method."), field="ballot")
    if key in ("scores", "votes") and not isinstance(clean.get(key, {}), dict):
        raise DomainError(_("This ballot does not fit the voting method."), field="ballot")
    try:
        eb.plaintext_vector(decision.method, decision.options, clean, ballot_params(decision))
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:
        raise DomainError(
            _("This ballot is not valid: %(why)s") % {"why": exc}, field="ballot"
        ) from exc
    return clean


@dataclass(frozen=True)
class Cast:
    """What the voter takes away: the signed receipt (tracker and board head at that moment)."""

    receipt: dict[str, Any]

    @property
    def tracker(self) -> str:
        return str(self.receipt["tracker"])

    @property
    def code(self) -> str:
        """The short tracker code shown to the voter."""
        return eb.tracker_code(self.tracker)


def encrypted_ballot(decision: Decision, ballot: dict[str, Any]) -> dict[str, Any]:
    """Return the ballot encrypted under the decision's key, with its proofs."""
    clean = check_ballot(decision, ballot)
    return eb.encrypt_ballot(
        decision.method, decision.options, ballot_params(decision),
        bytes.fromhex(decision.public_key), clean, decision.board_id,
    )  # fmt: skip


def _checked_encrypted(decision: Decision, encrypted: Any) -> dict[str, Any]:
    if not decision.public_key:
        raise ConflictError(_("The trustees have not finished the key ceremony."), field="decision")
    try:
        eb.verify_ballot(
            decision.method, decision.options, ballot_params(decision),
            bytes.fromhex(decision.public_key), encrypted, decision.board_id,
        )  # fmt: skip
    except ProofError as exc:
        raise DomainError(
            _("This encrypted ballot does not verify: %(why)s") % {"why": exc}, field="encrypted"
        ) from exc
    return dict(encrypted)


def ballot_cast(
    *,
    city: City,
    decision: Decision,
    user: User,
    ballot: dict[str, Any] | None = None,
    encrypted: dict[str, Any] | None = None,
) -> Cast:
    """Return the signed receipt of a ballot cast; eligibility and one person one vote hold.

    Give ``ballot`` (plain choices, encrypted here in memory and never stored) or ``encrypted``
    (a ballot the voter's own software encrypted; its proofs are checked).
    """
    fresh = Decision.objects.filter(city=city, pk=decision.pk).first()
    if fresh is None:
        raise DomainError(_("No such decision."), field="decision")
    if not fresh.public_key:
        raise ConflictError(_("The trustees have not finished the key ceremony."), field="decision")
    # Encrypting (milliseconds) happens before the lock, so casts run side by side.
    if encrypted is not None:
        sealed = _checked_encrypted(fresh, encrypted)
    else:
        sealed = encrypted_ballot(fresh, ballot or {})
    cast = _record_cast(city=city, decision=fresh, user=user, sealed=sealed)
    if fresh.pending.count() >= settings.KYOSO_BALLOT_BATCH:
        transaction.on_commit(
            lambda: board_seal(city=city, decision=fresh, minimum=settings.KYOSO_BALLOT_BATCH)
        )
    return cast


@transaction.atomic
def _record_cast(*, city: City, decision: Decision, user: User, sealed: dict[str, Any]) -> Cast:
    locked = Decision.objects.select_for_update().filter(city=city, pk=decision.pk).first()
    if locked is None:
        raise DomainError(_("No such decision."), field="decision")
    now = timezone.now()
    if not locked.opens_at <= now < locked.closes_at:
        raise ConflictError(_("This vote is not open."), field="decision")
    if not may_vote(decision=locked, user=user):
        raise PermissionDeniedError(_("You are not in the electorate of this vote."))
    if VoterRecord.objects.filter(city=city, decision=locked, user=user).exists():
        raise ConflictError(_("You have already voted."), field="decision")
    tracker = eb.tracker(sealed)
    rows: list[Any] = [
        VoterRecord(city=city, decision=locked, user=user),
        PendingBallot(
            city=city, decision=locked, tracker=tracker, ballot=eb.canonical_json(sealed)
        ),
    ]
    secrets.SystemRandom().shuffle(rows)  # not even the statement order is fixed
    try:
        for row in rows:
            row.save(force_insert=True)
    except IntegrityError:
        raise ConflictError(_("You have already voted."), field="decision") from None
    length, head = locked.board_length, locked.board_head
    receipt = {
        "kind": "kyoso-ballot-receipt/1",
        "board_id": locked.board_id,
        "tracker": tracker,
        "board_length": length,
        "board_head": head,
        "board_key": board_signing.public_key_hex(),
        "signature": board_signing.sign_receipt(locked.board_id, tracker, length, head),
    }
    return Cast(receipt)


@transaction.atomic
def board_seal(*, city: City, decision: Decision, minimum: int = 1) -> int:
    """Move the pending ballots onto the board in a random order; return how many were sealed.

    Nothing happens with fewer than ``minimum`` pending (a batch hides each ballot among the
    others). The new head is signed with the board key.
    """
    locked = Decision.objects.select_for_update().filter(city=city, pk=decision.pk).first()
    if locked is None:
        return 0
    pending = list(PendingBallot.objects.filter(city=city, decision=locked))
    if not pending or len(pending) < minimum:
        return 0
    secrets.SystemRandom().shuffle(pending)
    entries, head = [], locked.board_head
    for n, p in enumerate(pending, start=locked.board_length):
        h = ev.entry_hash(n, p.tracker, p.ballot, head)
        entries.append(BoardEntry(city=city, decision=locked, seq=n, tracker=p.tracker,
                                  ballot=p.ballot, prev_hash=head, hash=h))  # fmt: skip
        head = h
    BoardEntry.objects.bulk_create(entries)
    PendingBallot.objects.filter(pk__in=[p.pk for p in pending]).delete()
    locked.board_length += len(entries)
    locked.board_head = head
    locked.save(update_fields=["board_length", "board_head"])
    _sign_head(locked)
    return len(entries)


def _sign_head(decision: Decision) -> None:
    if not SignedHead.objects.filter(
        city_id=decision.city_id, decision=decision, length=decision.board_length
    ).exists():
        SignedHead.objects.create(
            city_id=decision.city_id, decision=decision, length=decision.board_length,
            head=decision.board_head,
            signature=board_signing.sign_head(decision.board_id, decision.board_length, decision.board_head),
        )  # fmt: skip


def _board_ballots(decision: Decision) -> list[dict[str, Any]]:
    rows = BoardEntry.objects.filter(city_id=decision.city_id, decision=decision).order_by("seq")
    return [json.loads(b) for b in rows.values_list("ballot", flat=True)]


@transaction.atomic
def decision_tally_prepare(*, city: City, decision: Decision, actor: User) -> Decision:
    """Seal the board, sign its final head and compute what the trustees decrypt."""
    if not (is_staff(actor, city) or decision.trustees.filter(user=actor).exists()):
        raise PermissionDeniedError(_("Only staff or a trustee can start the count."))
    board_seal(city=city, decision=decision)
    locked = Decision.objects.select_for_update().get(city=city, pk=decision.pk)
    if timezone.now() < locked.closes_at:
        raise ConflictError(_("The vote has not closed yet."), field="decision")
    if locked.tally is not None:
        return locked
    if not locked.public_key:
        raise ConflictError(_("The trustees have not finished the key ceremony."), field="decision")
    _sign_head(locked)
    pk = bytes.fromhex(locked.public_key)
    ballots = _board_ballots(locked)
    if locked.method in eb.RANKED:
        mixed, proof = ec.shuffle(pk, ev.ranked_rows(ballots), f"{locked.board_id}/mix")
        targets = [c for row in mixed for c in row]
        locked.tally = {
            "mix": {"output": [[c.to_json() for c in row] for row in mixed], "proof": proof}
        }
        positions = ev.positions(locked.method, len(mixed), len(locked.options))
    else:
        agg = ev.aggregate(locked.method, locked.options, ballot_params(locked), pk, ballots,
                           locked.board_id, check=False)  # fmt: skip
        targets = agg
        locked.tally = {"aggregate": [c.to_json() for c in agg]}
        positions = ev.positions(locked.method, 0, len(locked.options))
    locked.tally["decrypt"] = {
        "ciphertexts": [c.to_json() for c in targets],
        "positions": positions,
    }
    locked.save(update_fields=["tally"])
    audit_record(city=city, actor=actor, action="commons.decision.tally_prepare", obj=locked,
                 details={"ballots": locked.board_length, "head": locked.board_head})  # fmt: skip
    return locked


@transaction.atomic
def trustee_submit(
    *, city: City, decision: Decision, actor: User, step: str, message: Any
) -> Trustee:
    """Store one step of a trustee's key ceremony or partial decryption, after checking it."""
    if step not in TRUSTEE_STEPS:
        raise DomainError(_("Unknown step."), field="step")
    locked = Decision.objects.select_for_update().filter(city=city, pk=decision.pk).first()
    if locked is None:
        raise DomainError(_("No such decision."), field="decision")
    me = Trustee.objects.filter(city=city, decision=locked, user=actor).first()
    if me is None:
        raise PermissionDeniedError(_("You are not a trustee of this vote."))
    everyone = list(Trustee.objects.filter(city=city, decision=locked).order_by("index"))
    if not isinstance(message, dict) or message.get("index") != me.index:
        raise DomainError(_("This file is for another trustee."), field="message")
    eid, k = locked.board_id, locked.threshold
    try:
        if step == "announce":
            if me.announce is not None:
                raise ConflictError(_("This step is already done."), field="step")
            et.check_announcement(eid, k, message, me.index)
            me.announce = message
        elif step == "deal":
            if any(t.announce is None for t in everyone):
                raise ConflictError(_("Wait until every trustee has announced."), field="step")
            if me.deal is not None:
                raise ConflictError(_("This step is already done."), field="step")
            shares = message.get("shares")
            others = {str(t.index) for t in everyone if t.index != me.index}
            if not isinstance(shares, dict) or set(shares) != others or not all(
                isinstance(v, dict) and set(v) == {"nonce", "ct"}
                and all(isinstance(x, str) and len(x) < 512 for x in v.values())
                for v in shares.values()
            ):  # fmt: skip
                raise DomainError(
                    _("The file must hold one share for each other trustee."), field="message"
                )
            me.deal = message
        elif step == "confirm":
            if any(t.deal is None for t in everyone):
                raise ConflictError(_("Wait until every trustee has dealt."), field="step")
            commitments = [[ec.point(c) for c in t.announce["commitments"]] for t in everyone]  # type: ignore[index]
            expected = ec.verification_key(commitments, me.index).hex()
            if message.get("verification_key") != expected:
                raise DomainError(
                    _("This key share does not match the others' commitments."), field="message"
                )
            me.verification_key = expected
            if all(t.verification_key or t.pk == me.pk for t in everyone):
                locked.public_key = ec.joint_public_key(commitments).hex()
                locked.save(update_fields=["public_key"])
        else:
            _submit_decryption(locked, me, everyone, message)
    except ProofError as exc:
        raise DomainError(
            _("This file does not verify: %(why)s") % {"why": exc}, field="message"
        ) from exc
    me.save()
    audit_record(city=city, actor=actor, action=f"commons.decision.trustee_{step}", obj=locked,
                 details={"trustee": me.index})  # fmt: skip
    return me


def _submit_decryption(
    decision: Decision, me: Trustee, everyone: list[Trustee], message: dict[str, Any]
) -> None:
    if decision.tally is None or "decrypt" not in decision.tally:
        raise ConflictError(_("The count has not been prepared yet."), field="step")
    if decision.result is not None:
        raise ConflictError(_("The result is already decrypted."), field="step")
    if me.decryption is not None:
        raise ConflictError(_("This step is already done."), field="step")
    todo = decision.tally["decrypt"]
    partials = message.get("partials")
    if not isinstance(partials, list) or len(partials) != len(todo["ciphertexts"]):
        raise DomainError(
            _("The file must decrypt every ciphertext of the count."), field="message"
        )
    vk = ec.point(me.verification_key)
    for ct, pos, p in zip(todo["ciphertexts"], todo["positions"], partials, strict=True):
        if not isinstance(p, dict):
            raise ProofError("partial decryption: expected an object")
        ec.verify_decryption(vk, ec.point(ct[0]), ec.point(p.get("d", "")), p.get("proof"),
                             et.decryption_context(decision.board_id, me.index, pos))  # fmt: skip
    me.decryption = {"index": me.index, "partials": partials}
    done = [t.decryption for t in everyone if t.decryption is not None and t.pk != me.pk]
    done.append(me.decryption)
    if len(done) >= decision.threshold:
        _finish(decision, done[: decision.threshold])


def _finish(decision: Decision, decryptions: list[dict[str, Any]]) -> None:
    todo = decision.tally["decrypt"]  # type: ignore[index]
    cts = [ec.Ciphertext.from_json(c) for c in todo["ciphertexts"]]
    partials = {int(d["index"]): [ec.point(p["d"]) for p in d["partials"]] for d in decryptions}
    plain = ev.decrypt_with(partials, cts)
    m = len(decision.options)
    bound = eb.total_bound(decision.method, m, decision.board_length, ballot_params(decision))
    dlog = ec.DiscreteLog(bound)
    values = [dlog.solve(g) for g in plain]
    tally = dict(decision.tally)  # type: ignore[arg-type]
    if decision.method in eb.RANKED:
        tally["rankings"] = [values[i : i + m] for i in range(0, len(values), m)]
        result = ev.result_from_rankings(
            decision.method, decision.options, tally["rankings"], decision.board_head
        )
    else:
        tally["totals"] = values
        result = ev.result_from_totals(decision.method, decision.options, ballot_params(decision), values,
                                       decision.board_length, decision.board_head)  # fmt: skip
    decision.tally = tally
    decision.result = ev.result_json(result)
    decision.save(update_fields=["tally", "result"])
