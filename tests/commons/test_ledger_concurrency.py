"""The ledger's quality bars on PostgreSQL: 32 racing clients, and a process killed mid-batch.

SQLite serialises every writer with one database lock, so races cannot happen there; these
tests skip on SQLite and run in the PostgreSQL pass (``DATABASE_URL=postgres://…``).
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import OperationalError, connection, connections
from django.db.models import Sum

from kyoso.commons.models import AccountBalance, AccountKind, LedgerAccount, Transfer
from kyoso.commons.selectors.ledger import ledger_verify
from kyoso.commons.services import ledger
from kyoso.core.errors import DomainError
from tests.commons.ledger_fixtures import economy

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time, so nothing can race")


def _shared_request(key: str, ids: list[int]) -> tuple[int, int, int]:
    """Return (debit, credit, amount) fixed by the key, so every racer sends the same request."""
    digest = hashlib.sha256(key.encode()).digest()
    debit = ids[digest[0] % len(ids)]
    credit = ids[(digest[0] + 1 + digest[1] % (len(ids) - 1)) % len(ids)]
    return debit, credit, 1 + digest[2]


def test_32_clients_with_retries_neither_lose_nor_create_points(city):
    city.rules = {"points.daily_limit": 10**9}
    city.save()
    eco = economy(city, people=40, funds=2000)
    ids = [a.pk for a in eco.people]
    accounts = {a.pk: a for a in eco.people}
    total_before = sum(AccountBalance.objects.get(account=a).balance for a in eco.people)
    results: dict[str, set[int]] = {}
    refused: set[str] = set()
    errors: list[BaseException] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        rng = random.Random(n)
        try:
            for op in range(25):
                if rng.random() < 0.3:
                    key = f"shared-{op % 8}"  # the same request sent by many clients at once
                    debit, credit, amount = _shared_request(key, ids)
                else:
                    key = f"client-{n}-{op}"
                    debit, credit = rng.sample(ids, 2)
                    amount = rng.randint(1, 600)
                sends = 2 if rng.random() < 0.3 else 1  # a lost response makes the client resend
                for _send in range(sends):
                    for attempt in range(10):
                        try:
                            t = ledger.transfer_create(
                                city=city, debit=accounts[debit], credit=accounts[credit],
                                amount=amount, idempotency_key=key, kind="gift",
                            )  # fmt: skip
                        except DomainError:
                            with lock:
                                refused.add(key)
                            break
                        except OperationalError:
                            time.sleep(0.01 * (attempt + 1))
                            continue
                        with lock:
                            results.setdefault(key, set()).add(t.pk)
                        break
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    # Every key was applied once: each client that got an answer got the same transfer.
    assert all(len(pks) == 1 for pks in results.values())
    applied = Transfer.objects.filter(city=city, idempotency_key__in=list(results))
    assert applied.count() == len(results)
    assert {t.idempotency_key: {t.pk} for t in applied} == results
    # A refused request wrote nothing (it may still have succeeded on another client's send).
    assert not Transfer.objects.filter(idempotency_key__in=list(refused - set(results))).exists()
    # Nothing lost or created, nobody below zero, and the journal agrees with the balances.
    people = AccountBalance.objects.filter(account__kind=AccountKind.CITIZEN, city=city)
    assert sum(b.balance for b in people) == total_before
    assert all(b.balance >= 0 and b.available >= 0 for b in people)
    totals = AccountBalance.objects.filter(city=city).aggregate(
        c=Sum("credits_posted"), d=Sum("debits_posted")
    )
    assert totals["c"] - totals["d"] == 0
    expected = {pk: AccountBalance.objects.get(account_id=pk).balance for pk in ids}
    replay = dict.fromkeys(ids, 2000)
    for t in applied:
        replay[t.debit_account_id] -= t.amount
        replay[t.credit_account_id] += t.amount
    assert replay == expected
    report = ledger_verify(city)
    assert report.ok, report.problems
    assert len(results) > 400  # most of the 800 requests went through


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


BATCH_SCRIPT = """
import os, sys, django
django.setup()
from kyoso.commons.models import LedgerAccount
from kyoso.commons.services import ledger
from kyoso.core.models import City
city = City.objects.get(slug=sys.argv[1])
a, b = (LedgerAccount.objects.get(pk=int(x)) for x in sys.argv[2:4])
mode = sys.argv[4]
if mode == "one-by-one":
    for n in range(100000):
        src, dst = (a, b) if n % 2 == 0 else (b, a)
        ledger.transfer_create(city=city, debit=src, credit=dst, amount=1 + n % 7,
                               idempotency_key=f"kill-{n}", kind="gift")
        if n == 20:
            print("started", flush=True)
else:
    rows = [ledger.TransferRow(a.pk if n % 2 == 0 else b.pk, b.pk if n % 2 == 0 else a.pk,
                               1, f"batch-{n}", "gift") for n in range(60000)]
    print("started", flush=True)
    ledger.transfers_import(city=city, rows=rows)
    print("done", flush=True)
"""


def _run_and_kill(city, a: LedgerAccount, b: LedgerAccount, mode: str, delay: float) -> str:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kyoso.settings",
        "DATABASE_URL": _database_url(),
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
    }
    proc = subprocess.Popen(
        [sys.executable, "-c", BATCH_SCRIPT, city.slug, str(a.pk), str(b.pk), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "started", proc.stderr.read() if proc.stderr else ""
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    rest, _err = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    # Let the server notice the dead connection and roll its open transaction back.
    time.sleep(0.5)
    return rest


def test_killed_mid_batch_leaves_only_whole_transfers(city):
    eco = economy(city, people=2, funds=5000)
    a, b = eco.people
    _run_and_kill(city, a, b, "one-by-one", delay=1.0)
    done = Transfer.objects.filter(city=city, idempotency_key__startswith="kill-").count()
    assert done > 20  # it was killed in the middle of the batch, not before it
    report = ledger_verify(city)
    assert report.ok, report.problems
    bal_a = AccountBalance.objects.get(account=a).balance
    bal_b = AccountBalance.objects.get(account=b).balance
    assert bal_a + bal_b == 10000


def test_killed_during_one_transaction_batch_applies_nothing(city):
    eco = economy(city, people=2, funds=5000)
    a, b = eco.people
    before = Transfer.objects.filter(city=city).count()
    rest = _run_and_kill(city, a, b, "batch", delay=0.3)
    assert "done" not in rest  # killed inside the batch's transaction
    assert Transfer.objects.filter(city=city).count() == before
    assert ledger_verify(city).ok


def test_same_key_retries_racing_the_first_attempt_get_its_transfer(city):
    """Issue 9 §5: a retry that waits behind the first attempt must not answer "insufficient".

    Each round spends an account's whole balance under one key from 12 threads at once: the
    first to lock the balances books it, and every other one — which then finds the funds gone
    — must return that same transfer instead of refusing.
    """
    eco = economy(city, people=12, funds=500)
    ledger.journal_seal(city=city)
    barrier = threading.Barrier(12)
    for round_ in range(6):
        payer, payee = eco.people[round_], eco.people[round_ + 6]
        answers: list[object] = []
        lock = threading.Lock()

        def send(payer=payer, payee=payee, answers=answers, lock=lock, round_=round_) -> None:
            try:
                barrier.wait()
                t = ledger.transfer_create(
                    city=city, debit=payer, credit=payee, amount=500,
                    idempotency_key=f"retry-{round_}", kind="gift",
                )  # fmt: skip
                result: object = t.pk
            except BaseException as exc:  # recorded for the assertion
                result = exc
            finally:
                connections.close_all()
            with lock:
                answers.append(result)

        threads = [threading.Thread(target=send) for _ in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        booked = Transfer.objects.get(city=city, idempotency_key=f"retry-{round_}")
        assert answers == [booked.pk] * 12, answers
        assert AccountBalance.objects.get(account=payer).balance == 0
    assert ledger_verify(city).ok
