"""The points journal as plain data: the hash chain over transfers and FIFO expiry arithmetic.

No Django here, so ``kyoso ledger verify``, the services and the tests share one definition of
what a transfer's hash covers. Each transfer's hash is::

    sha256(prev_hash || canonical_json(immutable fields, including seq))

and the first transfer of a city points to ``genesis_hash(city_id)``. The mutable ``status`` of
a two-phase hold is *not* covered: it is derived from the later post/void entry that resolves
it, and ``ledger verify`` checks the two agree.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

# What a journal entry does to balances, derived from its immutable fields.
ACTION_TRANSFER = "transfer"  # posted at once
ACTION_HOLD = "hold"  # two-phase: reserved (pending) until posted or voided
ACTION_POST = "post"  # resolves a hold: the reserved amount moves
ACTION_VOID = "void"  # resolves a hold: the reservation is released


def canonical_json(value: Any) -> str:
    """Return JSON with sorted keys and no spaces, so equal data hash equally."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def genesis_hash(city_id: int) -> str:
    """Return the prev_hash of a city's first transfer."""
    return hashlib.sha256(f"kyoso-points-ledger\x1f{city_id}".encode()).hexdigest()


def timestamp(moment: datetime | None) -> str | None:
    """Return a datetime as fixed-width UTC text with microseconds (None stays None)."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class JournalFields:
    """The immutable fields of one transfer that its hash covers."""

    seq: int
    debit: int
    credit: int
    amount: int
    kind: str
    action: str
    pending_seq: int | None
    key: str
    memo: str
    created_at: str | None
    timeout_at: str | None
    by: int | None

    def body(self) -> str:
        return canonical_json(
            {
                "seq": self.seq,
                "debit": self.debit,
                "credit": self.credit,
                "amount": self.amount,
                "kind": self.kind,
                "action": self.action,
                "pending": self.pending_seq,
                "key": self.key,
                "memo": self.memo,
                "at": self.created_at,
                "timeout": self.timeout_at,
                "by": self.by,
            }
        )


def transfer_hash(prev_hash: str, fields: JournalFields) -> str:
    """Return the hash of a transfer chained to the one before it."""
    return hashlib.sha256((prev_hash + fields.body()).encode()).hexdigest()


@dataclass
class Position:
    """Replayed totals of one account."""

    debits_posted: int = 0
    credits_posted: int = 0
    debits_pending: int = 0
    credits_pending: int = 0

    @property
    def balance(self) -> int:
        return self.credits_posted - self.debits_posted

    @property
    def available(self) -> int:
        return self.credits_posted - self.debits_posted - self.debits_pending


def apply(
    positions: dict[int, Position], action: str, debit: int, credit: int, amount: int
) -> None:
    """Apply one journal entry's effect to the replayed positions."""
    d = positions.setdefault(debit, Position())
    c = positions.setdefault(credit, Position())
    if action == ACTION_TRANSFER:
        d.debits_posted += amount
        c.credits_posted += amount
    elif action == ACTION_HOLD:
        d.debits_pending += amount
        c.credits_pending += amount
    elif action == ACTION_POST:
        d.debits_pending -= amount
        c.credits_pending -= amount
        d.debits_posted += amount
        c.credits_posted += amount
    elif action == ACTION_VOID:
        d.debits_pending -= amount
        c.credits_pending -= amount
    else:
        raise ValueError(f"unknown journal action {action!r}")


def expirable(credits_before_cutoff: int, debits_so_far: int) -> int:
    """Return the points of lots older than the cutoff that spending has not used up (FIFO).

    Spending (and earlier expiry) always uses the oldest points first, so whatever of the old
    credits exceeds every debit so far is still unspent and has expired.
    """
    return max(0, credits_before_cutoff - debits_so_far)


@dataclass(frozen=True)
class Lot:
    received_on: date
    remaining: int
    expires_on: date


def remaining_lots(
    credits: Iterable[tuple[date, int]], debits_so_far: int, *, expiry_days: int
) -> list[Lot]:
    """Return the lots still held, oldest first, after FIFO spending of ``debits_so_far``."""
    left = debits_so_far
    lots: list[Lot] = []
    for received, amount in sorted(credits, key=lambda c: c[0]):
        used = min(left, amount)
        left -= used
        if amount - used > 0:
            lots.append(Lot(received, amount - used, received + timedelta(days=expiry_days)))
    return lots


class ChainWalker:
    """Walks a city's journal in seq order, one entry at a time, collecting problems."""

    def __init__(self, city_id: int) -> None:
        self.problems: list[str] = []
        self.head = genesis_hash(city_id)
        self.length = 0

    def feed(self, fields: JournalFields, prev_hash: str, stored_hash: str) -> None:
        self.length += 1
        if fields.seq != self.length:
            self.problems.append(f"sequence: expected {self.length}, found {fields.seq}")
            self.length = fields.seq
        if prev_hash != self.head:
            self.problems.append(
                f"broken_link: transfer {fields.seq} does not point to the one before"
            )
        if transfer_hash(prev_hash, fields) != stored_hash:
            self.problems.append(f"altered: transfer {fields.seq} does not match its hash")
        self.head = stored_hash
