"""The hot path of the points ledger in plain SQL: the same locks and checks, less Python.

A transfer locks both balance rows in account-id order, checks them, writes them and inserts
its journal entry *unsealed* (no ``seq`` and no hash yet) — nothing else. No row is shared by
all the transfers of a city, so transfers of unrelated accounts run in parallel; the entry's
id comes from the table's sequence, which never blocks. The sealer (``journal_seal``) later
numbers committed entries and extends the city's hash chain over them in batches, the way a
Certificate Transparency log sequences entries and then signs a new tree head.

On PostgreSQL the balance update and the insert are one statement (a data-modifying CTE), so a
transfer is two statements and the commit. SQLite (3.35+, for RETURNING) runs them apart.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import connection

from kyoso.commons.models import AccountBalance, LedgerChain, Transfer, TransferStatus

BALANCE = AccountBalance._meta.db_table
CHAIN = LedgerChain._meta.db_table
TRANSFER = Transfer._meta.db_table
TRANSFER_COLUMNS = (
    "city_id", "debit_account_id", "credit_account_id", "amount", "kind", "idempotency_key",
    "status", "two_phase", "pending_id", "timeout_at", "memo", "created_by_id", "created_at",
    "posted_at", "prev_hash", "hash",
)  # fmt: skip
BALANCE_COLUMNS = (
    "debits_posted", "credits_posted", "debits_pending", "credits_pending", "day_debits",
)  # fmt: skip

SELECT_BALANCES = (
    "SELECT account_id, debits_posted, credits_posted, debits_pending, credits_pending, day, "  # noqa: S608
    f"day_debits FROM {BALANCE} WHERE account_id IN (%s, %s) ORDER BY account_id"
)
UPDATE_BALANCES = (
    f"UPDATE {BALANCE} SET "  # noqa: S608
    + ", ".join(f"{c} = CASE WHEN account_id = %s THEN %s ELSE %s END" for c in BALANCE_COLUMNS)
    + ", day = CASE WHEN account_id = %s THEN %s ELSE day END WHERE account_id IN (%s, %s)"
)
INSERT_TRANSFER = (
    f"INSERT INTO {TRANSFER} ({', '.join(TRANSFER_COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join(['%s'] * len(TRANSFER_COLUMNS))}) RETURNING id"
)
# PostgreSQL: the balance UPDATE runs as a data-modifying CTE of the INSERT (one round trip).
PG_UPDATE_AND_INSERT = f"WITH balances AS ({UPDATE_BALANCES} RETURNING 1) {INSERT_TRANSFER}"


def key_used(city_id: int, key: str) -> int | None:
    """Return the id of the journal entry made under this request key, if any."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {TRANSFER} WHERE city_id = %s AND idempotency_key = %s",  # noqa: S608
            [city_id, key],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


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


def _balance_params(debit: AccountBalance, credit: AccountBalance) -> list[Any]:
    params: list[Any] = []
    for c in BALANCE_COLUMNS:
        params += [debit.account_id, getattr(debit, c), getattr(credit, c)]
    day = connection.ops.adapt_datefield_value(debit.day)
    return [*params, debit.account_id, day, debit.account_id, credit.account_id]


def save_balances(debit: AccountBalance, credit: AccountBalance) -> None:
    """Write both balance rows in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(UPDATE_BALANCES, _balance_params(debit, credit))


def _transfer_params(values: dict[str, Any]) -> list[Any]:
    adapt = connection.ops.adapt_datetimefield_value
    return [
        adapt(values[c]) if c in ("timeout_at", "created_at", "posted_at") else values[c]
        for c in TRANSFER_COLUMNS
    ]


def save_and_append(
    *,
    debit: AccountBalance,
    credit: AccountBalance,
    city_id: int,
    debit_id: int,
    credit_id: int,
    amount: int,
    kind: str,
    key: str,
    memo: str,
    now: datetime,
    status: str,
    two_phase: bool = False,
    pending_id: int | None = None,
    timeout_at: datetime | None = None,
    actor_id: int | None = None,
) -> Transfer:
    """Write both balance rows and insert the unsealed journal entry; return the entry.

    A second entry under the same request key fails here with ``IntegrityError`` (the unique
    key), and the balance update of the same statement is undone with it.
    """
    values: dict[str, Any] = {
        "city_id": city_id, "debit_account_id": debit_id, "credit_account_id": credit_id,
        "amount": amount, "kind": kind, "idempotency_key": key, "status": status,
        "two_phase": two_phase, "pending_id": pending_id, "timeout_at": timeout_at,
        "memo": memo, "created_by_id": actor_id, "created_at": now,
        "posted_at": now if status == TransferStatus.POSTED else None,
        "prev_hash": "", "hash": "",
    }  # fmt: skip
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                PG_UPDATE_AND_INSERT, _balance_params(debit, credit) + _transfer_params(values)
            )
        else:
            cursor.execute(UPDATE_BALANCES, _balance_params(debit, credit))
            cursor.execute(INSERT_TRANSFER, _transfer_params(values))
        transfer_id = cursor.fetchone()[0]
    transfer = Transfer(id=transfer_id, seq=None, **values)
    transfer._state.adding = False
    transfer._state.db = connection.alias
    return transfer
