"""The sealer of the points journal: numbers committed entries and extends the hash chain.

Transfers commit *unsealed* (``seq`` NULL, no hash), so no row is shared by every transfer of
a city. The sealer takes the city's chain head (``LedgerChain``), reads the committed unsealed
entries in id order, gives each the next ``seq`` and ``hash = sha256(prev_hash || fields)``
and moves the head — one transaction per batch, like a Certificate Transparency log that
sequences submissions and then signs a new tree head.

Why id order is a valid journal order: a transfer takes its id (from the table's sequence)
*while* holding the row locks of both its accounts, and keeps them until it commits. Two
entries that share an account are therefore numbered in the order they committed, and when
the later one is visible so is the earlier. Entries of disjoint accounts commute, so replaying
the sealed journal gives the same balances as the live system (``ledger verify`` does so).

Sealing runs (a) after a transfer commits, at most every ``LEDGER_SEAL_EVERY`` seconds per
process and never waiting for another sealer (``SKIP LOCKED``), (b) in ``kyoso worker`` every
``LEDGER_SEAL_EVERY`` seconds, and (c) on demand: ``kyoso ledger seal``. ``kyoso ledger verify``
reports unsealed entries and fails when one has waited longer than ``LEDGER_SEAL_BOUND``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Min
from django.utils import timezone

from kyoso.commons.algorithms import ledger_journal
from kyoso.commons.models import LedgerChain, Transfer
from kyoso.core.models import City

BATCH = 5000
_last_attempt: dict[int, float] = {}


def seal_every() -> float:
    return float(getattr(settings, "LEDGER_SEAL_EVERY", 1.0))


def seal_bound() -> float:
    return float(getattr(settings, "LEDGER_SEAL_BOUND", 60.0))


def journal_fields(t: Transfer, *, pending_seq: int | None) -> ledger_journal.JournalFields:
    """Return the hashed fields of a transfer."""
    return ledger_journal.JournalFields(
        seq=t.seq or 0,
        debit=t.debit_account_id,
        credit=t.credit_account_id,
        amount=t.amount,
        kind=t.kind,
        action=t.action,
        pending_seq=pending_seq,
        key=t.idempotency_key,
        memo=t.memo,
        created_at=ledger_journal.timestamp(t.created_at),
        timeout_at=ledger_journal.timestamp(t.timeout_at),
        by=t.created_by_id,
    )


def _lock_head(city_id: int, *, wait: bool) -> LedgerChain | None:
    if not LedgerChain.objects.filter(city_id=city_id).exists():
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {LedgerChain._meta.db_table} (city_id, seq, head_hash, prev_hash) "  # noqa: S608
                "VALUES (%s, 0, %s, '') ON CONFLICT DO NOTHING",
                [city_id, ledger_journal.genesis_hash(city_id)],
            )
    heads = LedgerChain.objects.select_for_update(skip_locked=not wait).filter(city_id=city_id)
    return heads.first()


FIELDS = (
    "id", "debit_account_id", "credit_account_id", "amount", "kind", "idempotency_key", "status",
    "two_phase", "pending_id", "timeout_at", "memo", "created_by_id", "created_at",
)  # fmt: skip


def _write(sealed: Sequence[tuple[int, int, str, str]]) -> None:
    table = Transfer._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS t SET seq = v.seq, prev_hash = v.prev, hash = v.hash "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[]) "
                "AS v(id, seq, prev, hash) WHERE t.id = v.id",
                [list(c) for c in zip(*sealed, strict=True)],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s",  # noqa: S608
                [(seq, prev, digest, pk) for pk, seq, prev, digest in sealed],
            )


def _seal_batch(city_id: int, *, wait: bool) -> int | None:
    """Seal up to ``BATCH`` entries; return how many, or None if another sealer holds the head."""
    with transaction.atomic():
        head = _lock_head(city_id, wait=wait)
        if head is None:
            return None
        rows = list(
            Transfer.objects.filter(city_id=city_id, seq__isnull=True)
            .order_by("id")
            .only(*FIELDS)[:BATCH]
        )
        if not rows:
            return 0
        pending_ids = {t.pending_id for t in rows if t.pending_id is not None}
        seq_of: dict[int, int | None] = dict(
            Transfer.objects.filter(pk__in=pending_ids, seq__isnull=False).values_list("pk", "seq")
        )
        sealed: list[tuple[int, int, str, str]] = []
        seq, prev = head.seq, head.head_hash
        for t in rows:
            pending_seq = None
            if t.pending_id is not None:
                pending_seq = seq_of.get(t.pending_id)
                if pending_seq is None:
                    break  # its hold is not sealed yet (cannot happen: see the module text)
            seq += 1
            t.seq = seq
            digest = ledger_journal.transfer_hash(prev, journal_fields(t, pending_seq=pending_seq))
            sealed.append((t.pk, seq, prev, digest))
            seq_of[t.pk] = seq
            head.prev_hash, prev = prev, digest
        if not sealed:
            return 0
        _write(sealed)
        head.seq, head.head_hash, head.sealed_at = seq, prev, timezone.now()
        head.save(update_fields=["seq", "head_hash", "prev_hash", "sealed_at"])
        return len(sealed)


def journal_seal(*, city: City | int, wait: bool = True) -> int:
    """Seal every committed entry of the city; return how many were sealed.

    ``wait=False`` returns at once (0) when another sealer holds the chain head.
    """
    city_id = city if isinstance(city, int) else city.pk
    total = 0
    while True:
        done = _seal_batch(city_id, wait=wait)
        if not done:
            return total
        total += done
        if done < BATCH:
            return total


def journal_seal_all() -> int:
    """Seal every city's committed entries (the worker's periodic job)."""
    city_ids = (
        Transfer.objects.filter(seq__isnull=True).values_list("city_id", flat=True).distinct()
    )
    return sum(journal_seal(city=pk, wait=False) for pk in list(city_ids))


def seal_soon(city_id: int, *, now: bool = False) -> None:
    """After a commit: seal the city's journal if this process has not tried for a while."""

    def run() -> None:
        moment = time.monotonic()
        if not now and moment - _last_attempt.get(city_id, 0.0) < seal_every():
            return
        _last_attempt[city_id] = moment
        try:
            journal_seal(city=city_id, wait=False)
        except Exception:  # the transfer is committed; the worker seals later
            return

    transaction.on_commit(run)


def unsealed_since(city: City) -> tuple[int, datetime | None]:
    """Return how many entries wait for the sealer and when the oldest was made."""
    stats: dict[str, Any] = Transfer.objects.filter(city=city, seq__isnull=True).aggregate(
        n=Count("id"), oldest=Min("recorded_at")
    )
    return int(stats["n"] or 0), stats["oldest"]
