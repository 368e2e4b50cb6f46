"""The hot path of ``transfer_create`` in plain SQL: the same locks and checks, less Python.

The ORM version spent most of a transfer's time building queries; these statements run
unchanged on PostgreSQL and SQLite (3.35+, for RETURNING). Lock order is the one every
ledger write follows: both balance rows in account-id order, then the city's chain head, which
is held only for the insert and the commit.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from django.db import connection

from kyoso.commons.algorithms import ledger_journal
from kyoso.commons.models import AccountBalance, LedgerChain, Transfer, TransferStatus

BALANCE = AccountBalance._meta.db_table
CHAIN = LedgerChain._meta.db_table
TRANSFER = Transfer._meta.db_table
TRANSFER_COLUMNS = (
    "city_id", "seq", "debit_account_id", "credit_account_id", "amount", "kind",
    "idempotency_key", "status", "two_phase", "pending_id", "timeout_at", "memo",
    "created_by_id", "created_at", "posted_at", "prev_hash", "hash",
)  # fmt: skip


SELECT_BALANCES = (
    "SELECT account_id, debits_posted, credits_posted, debits_pending, credits_pending, day, "  # noqa: S608
    f"day_debits FROM {BALANCE} WHERE account_id IN (%s, %s) ORDER BY account_id"
)


SELECT_BALANCES = (
    "SELECT account_id, debits_posted, credits_posted, debits_pending, credits_pending, day, "  # noqa: S608
    f"day_debits FROM {BALANCE} WHERE account_id IN (%s, %s) ORDER BY account_id"
)


def key_used(city_id: int, key: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {TRANSFER} WHERE city_id = %s AND idempotency_key = %s",  # noqa: S608
            [city_id, key],
        )
        return cursor.fetchone() is not None


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def lock_balances(city_id: int, first: int, second: int) -> dict[int, AccountBalance]:
    """Return both balance rows, locked (FOR UPDATE on PostgreSQL) in account-id order."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(SELECT_BALANCES + lock, [min(first, second), max(first, second)])
        rows = cursor.fetchall()
    balances = {}
    for r in rows:
        balances[r[0]] = AccountBalance(
            account_id=r[0], city_id=city_id, debits_posted=r[1], credits_posted=r[2],
            debits_pending=r[3], credits_pending=r[4], day=_day(r[5]), day_debits=r[6],
        )  # fmt: skip
    return balances


def save_balances(debit: AccountBalance, credit: AccountBalance) -> None:
    """Write both balance rows in one statement."""
    cols = ("debits_posted", "credits_posted", "debits_pending", "credits_pending", "day_debits")
    sets = ", ".join(f"{c} = CASE WHEN account_id = %s THEN %s ELSE %s END" for c in cols)
    params: list[Any] = []
    for c in cols:
        params += [debit.account_id, getattr(debit, c), getattr(credit, c)]
    day = connection.ops.adapt_datefield_value(debit.day)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {BALANCE} SET {sets}, day = CASE WHEN account_id = %s THEN %s ELSE day END "  # noqa: S608
            "WHERE account_id IN (%s, %s)",
            [*params, debit.account_id, day, debit.account_id, credit.account_id],
        )


# PostgreSQL: take the next seq and chain the hash in the UPDATE that locks the head row (its
# SET sees the row as the previous holder committed it), then insert the entry from its
# RETURNING values: the head is held for one statement and the commit.
PG_APPEND = (
    f"WITH head AS (UPDATE {CHAIN} SET seq = seq + 1, prev_hash = head_hash, "  # noqa: S608
    "head_hash = encode(sha256(convert_to(head_hash || %s::text || (seq + 1)::text || %s::text, "
    "'UTF8')), 'hex') WHERE city_id = %s RETURNING seq, prev_hash, head_hash) "
    f"INSERT INTO {TRANSFER} (city_id, seq, debit_account_id, credit_account_id, amount, kind, "
    "idempotency_key, status, two_phase, pending_id, timeout_at, memo, created_by_id, created_at, "
    "posted_at, prev_hash, hash) SELECT %s::bigint, head.seq, %s::bigint, %s::bigint, %s::bigint, "
    "%s::text, %s::text, %s::text, %s::boolean, NULL, %s::timestamptz, %s::text, %s::bigint, "
    "%s::timestamptz, %s::timestamptz, head.prev_hash, head.head_hash FROM head "
    "RETURNING id, seq, prev_hash, hash"
)
SEQ_MARK = -987654321987


def _split_body(fields: ledger_journal.JournalFields) -> tuple[str, str]:
    """Return the canonical body before and after the seq value (the database fills it in)."""
    marker = f'"seq":{SEQ_MARK}'
    body = replace(fields, seq=SEQ_MARK).body()
    before, after = body.split(marker)
    return before + '"seq":', after


def _ensure_chain(cursor: Any, city_id: int) -> None:
    cursor.execute(
        f"INSERT INTO {CHAIN} (city_id, seq, head_hash, prev_hash) VALUES (%s, 0, %s, '') "  # noqa: S608
        "ON CONFLICT DO NOTHING",
        [city_id, ledger_journal.genesis_hash(city_id)],
    )


def _next_seq(cursor: Any, city_id: int) -> tuple[int, str]:
    cursor.execute(
        f"UPDATE {CHAIN} SET seq = seq + 1 WHERE city_id = %s RETURNING seq, head_hash",  # noqa: S608
        [city_id],
    )
    return cursor.fetchone()  # type: ignore[no-any-return]


def append(
    *,
    city_id: int,
    debit_id: int,
    credit_id: int,
    amount: int,
    kind: str,
    key: str,
    memo: str,
    now: datetime,
    pending: bool,
    timeout_at: datetime | None,
    actor_id: int | None,
) -> Transfer:
    """Insert the next journal entry of the city under the chain head's row lock."""
    fields = ledger_journal.JournalFields(
        seq=0, debit=debit_id, credit=credit_id, amount=amount, kind=kind,
        action=ledger_journal.ACTION_HOLD if pending else ledger_journal.ACTION_TRANSFER,
        pending_seq=None, key=key, memo=memo, created_at=ledger_journal.timestamp(now),
        timeout_at=ledger_journal.timestamp(timeout_at), by=actor_id,
    )  # fmt: skip
    status = str(TransferStatus.PENDING if pending else TransferStatus.POSTED)
    posted_at = None if pending else now
    values: dict[str, Any] = {
        "city_id": city_id, "debit_account_id": debit_id, "credit_account_id": credit_id,
        "amount": amount, "kind": kind, "idempotency_key": key, "status": status,
        "two_phase": pending, "pending_id": None, "timeout_at": timeout_at, "memo": memo,
        "created_by_id": actor_id, "created_at": now, "posted_at": posted_at,
    }  # fmt: skip
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            before, after = _split_body(fields)
            params: list[Any] = [before, after, city_id, city_id, debit_id, credit_id, amount, kind, key,
                      status, pending, timeout_at, memo, actor_id, now, posted_at]  # fmt: skip
            cursor.execute(PG_APPEND, params)
            row = cursor.fetchone()
            if row is None:
                _ensure_chain(cursor, city_id)
                cursor.execute(PG_APPEND, params)
                row = cursor.fetchone()
            transfer_id, seq, prev_hash, digest = row
        else:
            head = _next_seq(cursor, city_id)
            if head is None:
                _ensure_chain(cursor, city_id)
                head = _next_seq(cursor, city_id)
            seq, prev_hash = int(head[0]), head[1]
            digest = ledger_journal.transfer_hash(prev_hash, replace(fields, seq=seq))
            adapt = connection.ops.adapt_datetimefield_value
            row_values = {**values, "seq": seq, "prev_hash": prev_hash, "hash": digest}
            cursor.execute(
                f"INSERT INTO {TRANSFER} ({', '.join(TRANSFER_COLUMNS)}) "  # noqa: S608
                f"VALUES ({', '.join(['%s'] * len(TRANSFER_COLUMNS))}) RETURNING id",
                [
                    adapt(row_values[c]) if c in ("timeout_at", "created_at", "posted_at")
                    else row_values[c]
                    for c in TRANSFER_COLUMNS
                ],
            )  # fmt: skip
            transfer_id = cursor.fetchone()[0]
            cursor.execute(
                f"UPDATE {CHAIN} SET head_hash = %s, prev_hash = %s WHERE city_id = %s",  # noqa: S608
                [digest, prev_hash, city_id],
            )
    transfer = Transfer(id=transfer_id, seq=seq, prev_hash=prev_hash, hash=digest, **values)
    transfer._state.adding = False
    transfer._state.db = connection.alias
    return transfer
