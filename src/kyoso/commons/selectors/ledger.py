"""Reads of the points ledger: balances, statements, lots, and the full verification."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

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
from kyoso.commons.services.ledger import DEFAULT_EXPIRY_DAYS, journal_fields
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
        .order_by("-seq")
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

    @property
    def ok(self) -> bool:
        return not self.problems


def ledger_verify(city: City) -> LedgerReport:
    """Return the verification of a city's ledger.

    Walks the journal in ``seq`` order checking every hash link, replays it into balances
    (no non-issuer account may ever dip below zero), compares them with the stored balance rows
    and the chain head, checks that holds agree with what resolved them, and that the points
    sum to zero (the issuer's negative balance is everything in circulation).
    """
    report = LedgerReport(city=city.slug, checked_at=timezone.now())
    walker = ledger_journal.ChainWalker(city.pk)
    positions: dict[int, ledger_journal.Position] = {}
    seq_of: dict[int, int] = {}
    holds: dict[int, str] = {}  # hold id → derived status
    stored_hold_status: dict[int, str] = {}
    kinds = dict(LedgerAccount.objects.filter(city=city).values_list("pk", "kind"))
    entries = (
        Transfer.objects.filter(city=city)
        .order_by("seq")
        .only(
            "seq",
            "debit_account_id",
            "credit_account_id",
            "amount",
            "kind",
            "idempotency_key",
            "status",
            "two_phase",
            "pending_id",
            "timeout_at",
            "memo",
            "created_by_id",
            "created_at",
            "prev_hash",
            "hash",
        )
    )
    for t in entries.iterator(chunk_size=5000):
        report.transfers += 1
        pending_seq = None
        if t.pending_id is not None:
            pending_seq = seq_of.get(t.pending_id)
            if pending_seq is None or t.pending_id not in holds:
                report.problems.append(f"resolution: transfer {t.seq} resolves an unknown hold")
            elif holds[t.pending_id] != TransferStatus.PENDING:
                report.problems.append(f"resolution: transfer {t.seq} resolves a hold twice")
            else:
                holds[t.pending_id] = t.status
        elif not t.two_phase and t.status != TransferStatus.POSTED:
            report.problems.append(f"status: transfer {t.seq} is {t.status}, not posted")
        if t.debit_account_id not in kinds or t.credit_account_id not in kinds:
            report.problems.append(f"account: transfer {t.seq} uses an account of another city")
        seq_of[t.pk] = t.seq
        if t.two_phase:
            holds[t.pk] = TransferStatus.PENDING
            stored_hold_status[t.pk] = t.status
        walker.feed(journal_fields(t, pending_seq=pending_seq), t.prev_hash, t.hash)
        try:
            ledger_journal.apply(
                positions, t.action, t.debit_account_id, t.credit_account_id, t.amount
            )
        except ValueError as exc:
            report.problems.append(f"action: transfer {t.seq}: {exc}")
            continue
        debtor = positions[t.debit_account_id]
        if kinds.get(t.debit_account_id) != AccountKind.ISSUER and debtor.available < 0:
            report.problems.append(f"negative: transfer {t.seq} overdraws its debit account")
    report.problems.extend(walker.problems)
    report.head = walker.head
    for hold_id, derived in holds.items():
        if stored_hold_status[hold_id] != derived:
            report.problems.append(
                f"status: hold {seq_of[hold_id]} says {stored_hold_status[hold_id]}, "
                f"its journal says {derived}"
            )
    chain = LedgerChain.objects.filter(city=city).first()
    if chain is None:
        if report.transfers:
            report.problems.append("head: the chain head is missing")
    elif (chain.seq, chain.head_hash) != (report.transfers, walker.head):
        report.problems.append(
            f"head: the chain head says {chain.seq} transfers, the journal has {report.transfers}"
            if chain.seq != report.transfers
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
