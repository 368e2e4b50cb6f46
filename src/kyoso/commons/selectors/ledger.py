"""Reads of the points ledger: balances, statements, lots, and the full verification."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from kyoso.commons.algorithms import ledger_journal
from kyoso.commons.models import (
    AccountBalance,
    AccountKind,
    LedgerAccount,
    LedgerChain,
    PaymentRequest,
    Transfer,
    TransferStatus,
)
from kyoso.commons.services.ledger import DEFAULT_EXPIRY_DAYS
from kyoso.commons.services.ledger_seal import journal_fields, seal_bound
from kyoso.core.models import City, User


def account_of(*, city: City, user: User, kind: str = AccountKind.CITIZEN) -> LedgerAccount | None:
    return (
        LedgerAccount.objects.filter(city=city, owner=user, kind=kind)
        .select_related("balance")
        .first()
    )


def balance_of(account: LedgerAccount | None) -> int:
    if account is None:
        return 0
    return AccountBalance.objects.get(account=account).balance


def transfers_of(account: LedgerAccount) -> QuerySet[Transfer]:
    """Return the account's journal entries, newest first."""
    return (
        Transfer.objects.filter(
            Q(debit_account=account) | Q(credit_account=account), city_id=account.city_id
        )
        .select_related("debit_account", "credit_account")
        .order_by("-id")
    )


def lots_of(account: LedgerAccount, *, city: City) -> list[ledger_journal.Lot]:
    """Return the account's unspent lots with the day each expires, oldest first."""
    days = int(city.rule("points.expiry_days", DEFAULT_EXPIRY_DAYS))
    credits = [
        (timezone.localdate(at), amount)
        for at, amount in Transfer.objects.filter(
            city=city, credit_account=account, two_phase=False, status=TransferStatus.POSTED
        ).values_list("created_at", "amount")
    ]
    bal = AccountBalance.objects.get(account=account)
    return ledger_journal.remaining_lots(
        credits, bal.debits_posted + bal.debits_pending, expiry_days=days
    )


def merchants_of(city: City) -> QuerySet[LedgerAccount]:
    return (
        LedgerAccount.objects.filter(city=city, kind=AccountKind.MERCHANT)
        .select_related("balance", "owner")
        .order_by("name")
    )


def payment_request_get(*, city: City, code: str) -> PaymentRequest | None:
    return (
        PaymentRequest.objects.filter(city=city, code=code)
        .select_related("merchant", "transfer", "payer")
        .first()
    )


@dataclass
class LedgerReport:
    """What ``kyoso ledger verify`` found: ``ok`` and each problem."""

    city: str
    transfers: int = 0
    accounts: int = 0
    head: str = ""
    total_balance: int = 0
    problems: list[str] = field(default_factory=list)
    checked_at: datetime | None = None
    sealed: int = 0
    unsealed: int = 0
    oldest_unsealed_seconds: float | None = None
    seal_bound_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def ledger_verify(city: City) -> LedgerReport:
    """Return the verification of a city's ledger.

    Walks the sealed journal in ``seq`` order checking every hash link, then the entries still
    waiting for the sealer in id order, replays both into balances (no non-issuer account may
    ever dip below zero), compares them with the stored balance rows and the chain head, checks
    that holds agree with what resolved them, and that the points sum to zero (the issuer's
    negative balance is everything in circulation). An unsealed entry is covered by the
    balances (so removing it or changing its amount or accounts is found) but not yet by the
    chain; one that has waited longer than ``LEDGER_SEAL_BOUND`` seconds is a problem.
    """
    now = timezone.now()
    report = LedgerReport(city=city.slug, checked_at=now, seal_bound_seconds=seal_bound())
    walker = ledger_journal.ChainWalker(city.pk)
    positions: dict[int, ledger_journal.Position] = {}
    seq_of: dict[int, int | None] = {}
    holds: dict[int, str] = {}  # hold id → derived status
    stored_hold_status: dict[int, str] = {}
    kinds = dict(LedgerAccount.objects.filter(city=city).values_list("pk", "kind"))
    fields = (
        "seq", "debit_account_id", "credit_account_id", "amount", "kind", "idempotency_key",
        "status", "two_phase", "pending_id", "timeout_at", "memo", "created_by_id",
        "created_at", "prev_hash", "hash", "recorded_at",
    )  # fmt: skip
    sealed = Transfer.objects.filter(city=city, seq__isnull=False).order_by("seq").only(*fields)
    unsealed = Transfer.objects.filter(city=city, seq__isnull=True).order_by("id").only(*fields)
    entries = chain(sealed.iterator(chunk_size=5000), unsealed.iterator(chunk_size=5000))
    for t in entries:
        report.transfers += 1
        label = str(t.seq) if t.seq is not None else f"(unsealed, id {t.pk})"
        if t.seq is None:
            report.unsealed += 1
            age = (now - t.recorded_at).total_seconds()
            if report.oldest_unsealed_seconds is None or age > report.oldest_unsealed_seconds:
                report.oldest_unsealed_seconds = age
        pending_seq = None
        if t.pending_id is not None:
            pending_seq = seq_of.get(t.pending_id)
            if t.pending_id not in holds or (t.seq is not None and pending_seq is None):
                report.problems.append(f"resolution: transfer {label} resolves an unknown hold")
            elif holds[t.pending_id] != TransferStatus.PENDING:
                report.problems.append(f"resolution: transfer {label} resolves a hold twice")
            else:
                holds[t.pending_id] = t.status
        elif not t.two_phase and t.status != TransferStatus.POSTED:
            report.problems.append(f"status: transfer {label} is {t.status}, not posted")
        if t.debit_account_id not in kinds or t.credit_account_id not in kinds:
            report.problems.append(f"account: transfer {label} uses an account of another city")
        seq_of[t.pk] = t.seq
        if t.two_phase:
            holds[t.pk] = TransferStatus.PENDING
            stored_hold_status[t.pk] = t.status
        if t.seq is not None:
            report.sealed += 1
            walker.feed(journal_fields(t, pending_seq=pending_seq), t.prev_hash, t.hash)
        try:
            ledger_journal.apply(
                positions, t.action, t.debit_account_id, t.credit_account_id, t.amount
            )
        except ValueError as exc:
            report.problems.append(f"action: transfer {label}: {exc}")
            continue
        debtor = positions[t.debit_account_id]
        if kinds.get(t.debit_account_id) != AccountKind.ISSUER and debtor.available < 0:
            report.problems.append(f"negative: transfer {label} overdraws its debit account")
    report.problems.extend(walker.problems)
    report.head = walker.head
    for hold_id, derived in holds.items():
        if stored_hold_status[hold_id] != derived:
            report.problems.append(
                f"status: hold {seq_of[hold_id] or hold_id} says {stored_hold_status[hold_id]}, "
                f"its journal says {derived}"
            )
    if (
        report.oldest_unsealed_seconds is not None
        and report.oldest_unsealed_seconds > report.seal_bound_seconds
    ):
        report.problems.append(
            f"unsealed: {report.unsealed} transfers wait for the sealer, the oldest for "
            f"{report.oldest_unsealed_seconds:.0f} s (bound {report.seal_bound_seconds:.0f} s)"
        )
    head = LedgerChain.objects.filter(city=city).first()
    if head is None:
        if report.sealed:
            report.problems.append("head: the chain head is missing")
    elif (head.seq, head.head_hash) != (report.sealed, walker.head):
        report.problems.append(
            f"head: the chain head says {head.seq} transfers, the journal has {report.sealed}"
            if head.seq != report.sealed
            else "head: the chain head hash differs from the last transfer"
        )
    stored = {b.account_id: b for b in AccountBalance.objects.filter(city=city)}
    report.accounts = len(kinds)
    for account_id in set(kinds) | set(positions):
        replayed = positions.get(account_id, ledger_journal.Position())
        row = stored.get(account_id)
        got = (
            (row.debits_posted, row.credits_posted, row.debits_pending, row.credits_pending)
            if row
            else None
        )
        want = (
            replayed.debits_posted,
            replayed.credits_posted,
            replayed.debits_pending,
            replayed.credits_pending,
        )
        if got != want:
            report.problems.append(
                f"balance: account {account_id} stores {got}, the journal gives {want}"
            )
    totals = AccountBalance.objects.filter(city=city).aggregate(
        credits=Sum("credits_posted"), debits=Sum("debits_posted")
    )
    report.total_balance = (totals["credits"] or 0) - (totals["debits"] or 0)
    if report.total_balance != 0:
        report.problems.append(f"conservation: balances sum to {report.total_balance}, not 0")
    for account_id, row in stored.items():
        if kinds.get(account_id) != AccountKind.ISSUER and row.available < 0:
            report.problems.append(f"negative: account {account_id} is below zero")
    return report
