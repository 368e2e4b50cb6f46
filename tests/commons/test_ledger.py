from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from kyoso.commons.models import AccountBalance, AccountKind, LedgerChain, Transfer
from kyoso.commons.selectors.ledger import ledger_verify, lots_of
from kyoso.commons.services import ledger
from kyoso.core.errors import ConflictError, DomainError, NotFoundError
from tests.commons.ledger_fixtures import economy

pytestmark = pytest.mark.django_db


def _balance(account) -> int:
    return AccountBalance.objects.get(account=account).balance


def test_transfer_moves_points_and_chains(city):
    eco = economy(city)
    a, b = eco.people[0], eco.people[1]
    t = ledger.transfer_create(
        city=city, debit=a, credit=b, amount=250, idempotency_key="k1", kind="gift"
    )
    assert (_balance(a), _balance(b)) == (750, 1250)
    assert t.seq is None  # committed, waiting for the sealer
    assert ledger.journal_seal(city=city) == 1
    t.refresh_from_db()
    assert t.seq == LedgerChain.objects.get(city=city).seq
    assert t.prev_hash == Transfer.objects.get(city=city, seq=t.seq - 1).hash
    assert ledger_verify(city).ok


def test_idempotency_key_pays_once(city):
    eco = economy(city)
    a, b = eco.people[:2]
    first = ledger.transfer_create(
        city=city, debit=a, credit=b, amount=100, idempotency_key="same", kind="gift"
    )
    again = ledger.transfer_create(
        city=city, debit=a, credit=b, amount=100, idempotency_key="same", kind="gift"
    )
    assert again.pk == first.pk
    assert _balance(a) == 900
    with pytest.raises(ConflictError):
        ledger.transfer_create(
            city=city, debit=a, credit=b, amount=101, idempotency_key="same", kind="gift"
        )


def test_no_account_below_zero_except_issuer(city):
    eco = economy(city)
    a, b = eco.people[:2]
    with pytest.raises(DomainError) as exc:
        ledger.transfer_create(
            city=city, debit=a, credit=b, amount=1001, idempotency_key="x", kind="gift"
        )
    assert exc.value.code == "insufficient_points"
    assert _balance(a) == 1000
    assert not Transfer.objects.filter(idempotency_key="x").exists()
    assert _balance(eco.issuer) < 0
    assert ledger_verify(city).ok


@pytest.mark.parametrize("amount", [0, -5, 1.5, True])
def test_amount_must_be_positive_integer(city, amount):
    eco = economy(city, people=2)
    with pytest.raises(DomainError) as exc:
        ledger.transfer_create(
            city=city, debit=eco.people[0], credit=eco.people[1], amount=amount,
            idempotency_key="bad", kind="gift",
        )  # fmt: skip
    assert exc.value.field == "amount"


def test_accounts_of_another_city_are_refused(city, other_city):
    eco = economy(city, people=1)
    other = economy(other_city, people=1)
    with pytest.raises(NotFoundError):
        ledger.transfer_create(
            city=city, debit=eco.people[0], credit=other.people[0], amount=1,
            idempotency_key="cross", kind="gift",
        )  # fmt: skip
    assert ledger_verify(city).ok and ledger_verify(other_city).ok


def test_daily_limit_and_account_limit(city):
    city.rules = {"points.daily_limit": 300, "points.account_limit": 1500}
    city.save()
    eco = economy(city)
    a, b = eco.people[:2]
    ledger.transfer_create(
        city=city, debit=a, credit=b, amount=200, idempotency_key="d1", kind="gift"
    )
    with pytest.raises(DomainError) as exc:
        ledger.transfer_create(
            city=city, debit=a, credit=b, amount=101, idempotency_key="d2", kind="gift"
        )
    assert exc.value.code == "daily_limit"
    with pytest.raises(DomainError) as exc:
        ledger.transfer_create(
            city=city, debit=eco.treasury, credit=b, amount=400, idempotency_key="d3", kind="reward"
        )
    assert exc.value.code == "account_limit"


def test_two_phase_post_and_void(city):
    eco = economy(city)
    a, b = eco.people[:2]
    hold = ledger.transfer_create(
        city=city, debit=a, credit=b, amount=300, idempotency_key="h1", kind="payment",
        pending=True, timeout=timedelta(minutes=5),
    )  # fmt: skip
    bal = AccountBalance.objects.get(account=a)
    assert (bal.balance, bal.available) == (1000, 700)
    # Reserved points cannot be spent twice.
    with pytest.raises(DomainError):
        ledger.transfer_create(
            city=city, debit=a, credit=b, amount=701, idempotency_key="h2", kind="gift"
        )
    posted = ledger.transfer_post(city=city, transfer_id=hold.pk)
    assert posted.pending_id == hold.pk
    assert ledger.transfer_post(city=city, transfer_id=hold.pk).pk == posted.pk  # idempotent
    with pytest.raises(ConflictError):
        ledger.transfer_void(city=city, transfer_id=hold.pk)
    assert (_balance(a), _balance(b)) == (700, 1300)
    hold2 = ledger.transfer_create(
        city=city, debit=a, credit=b, amount=100, idempotency_key="h3", kind="payment",
        pending=True, timeout=timedelta(minutes=5),
    )  # fmt: skip
    ledger.transfer_void(city=city, transfer_id=hold2.pk)
    hold2.refresh_from_db()
    assert hold2.status == "voided"
    assert AccountBalance.objects.get(account=a).available == 700
    assert ledger_verify(city).ok


def test_timed_out_hold_is_voided(city):
    eco = economy(city)
    a, b = eco.people[:2]
    hold = ledger.transfer_create(
        city=city, debit=a, credit=b, amount=300, idempotency_key="t1", kind="payment",
        pending=True, timeout=timedelta(seconds=30),
    )  # fmt: skip
    assert (
        ledger.transfers_void_timed_out(city=city, now=timezone.now() + timedelta(minutes=1)) == 1
    )
    hold.refresh_from_db()
    assert hold.status == "voided"
    with pytest.raises(ConflictError):
        ledger.transfer_post(city=city, transfer_id=hold.pk)
    assert _balance(a) == 1000
    assert ledger_verify(city).ok


def test_expiry_is_fifo_and_by_transfer(city, monkeypatch):
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() - timedelta(days=100))
    eco = economy(city, people=2)
    a, b = eco.people
    ledger.transfer_create(
        city=city, debit=a, credit=b, amount=400, idempotency_key="s", kind="gift"
    )
    monkeypatch.setattr(timezone, "now", real_now)
    ledger.transfer_create(
        city=city, debit=eco.treasury, credit=a, amount=50, idempotency_key="new", kind="reward"
    )
    assert [lot.remaining for lot in lots_of(a, city=city)] == [600, 50]
    made = ledger.points_expire(city=city)
    # a spent 400 of its old 1000 first (FIFO): 600 expire, the fresh 50 stay.
    assert sorted((t.debit_account_id, t.amount) for t in made) == [(a.pk, 600), (b.pk, 1400)]
    assert all(t.kind == "expiry" and t.credit_account_id == eco.treasury.pk for t in made)
    assert (_balance(a), _balance(b)) == (50, 0)
    assert ledger.points_expire(city=city) == []  # a second run finds nothing more
    assert ledger_verify(city).ok


def test_expiry_days_is_a_city_rule(city):
    city.rules = {"points.expiry_days": 1}
    city.save()
    eco = economy(city, people=1)
    later = timezone.now() + timedelta(days=2)
    made = ledger.points_expire(city=city, now=later)
    assert sum(t.amount for t in made) == 1000
    assert made[0].credit_account_id == eco.treasury.pk
    assert ledger_verify(city).ok


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_verify_detects_edited_amount(city):
    eco = economy(city)
    t = ledger.transfer_create(
        city=city, debit=eco.people[0], credit=eco.people[1], amount=5, idempotency_key="e",
        kind="gift",
    )  # fmt: skip
    ledger.journal_seal(city=city)
    _sql("UPDATE commons_transfer SET amount = 500 WHERE id = %s", [t.pk])
    report = ledger_verify(city)
    assert not report.ok
    assert any(p.startswith("altered") for p in report.problems)


def test_unsealed_entries_are_checked_by_the_balances(city):
    eco = economy(city)
    a, b = eco.people[:2]
    t = ledger.transfer_create(
        city=city, debit=a, credit=b, amount=5, idempotency_key="u1", kind="gift"
    )
    gone = ledger.transfer_create(
        city=city, debit=b, credit=a, amount=7, idempotency_key="u2", kind="gift"
    )
    report = ledger_verify(city)
    assert report.ok, report.problems
    assert (report.sealed, report.unsealed) == (4, 2)
    assert report.oldest_unsealed_seconds is not None
    assert report.oldest_unsealed_seconds < report.seal_bound_seconds
    _sql("UPDATE commons_transfer SET amount = 500 WHERE id = %s", [t.pk])
    _sql("DELETE FROM commons_transfer WHERE id = %s", [gone.pk])
    problems = ledger_verify(city).problems
    assert any(p.startswith("balance") for p in problems)


def test_an_entry_unsealed_past_the_bound_fails_verify(city, settings):
    eco = economy(city)
    ledger.transfer_create(
        city=city, debit=eco.people[0], credit=eco.people[1], amount=5, idempotency_key="late",
        kind="gift",
    )  # fmt: skip
    settings.LEDGER_SEAL_BOUND = 60
    old = timezone.now() - timedelta(minutes=5)
    Transfer.objects.filter(idempotency_key="late").update(recorded_at=old)
    problems = ledger_verify(city).problems
    assert any(p.startswith("unsealed: 1 transfers") for p in problems), problems
    assert ledger.journal_seal(city=city) == 1
    assert ledger_verify(city).ok


def test_sealing_chains_holds_and_their_resolutions_in_one_batch(city):
    eco = economy(city)
    a, b = eco.people[:2]
    hold = ledger.transfer_create(
        city=city, debit=a, credit=b, amount=30, idempotency_key="sh", kind="payment",
        pending=True, timeout=timedelta(minutes=5),
    )  # fmt: skip
    posted = ledger.transfer_post(city=city, transfer_id=hold.pk)
    assert ledger_verify(city).ok
    assert ledger.journal_seal(city=city) == 2
    hold.refresh_from_db()
    posted.refresh_from_db()
    assert (hold.seq, posted.seq) == (5, 6)
    assert posted.prev_hash == hold.hash
    report = ledger_verify(city)
    assert report.ok, report.problems
    assert (report.sealed, report.unsealed) == (6, 0)
    # Changing the hold the resolution points to after sealing breaks the chain.
    _sql("UPDATE commons_transfer SET pending_id = NULL WHERE id = %s", [posted.pk])
    assert not ledger_verify(city).ok


def test_verify_detects_edited_balance(city):
    eco = economy(city)
    _sql(
        "UPDATE commons_accountbalance SET credits_posted = credits_posted + 1 WHERE account_id = %s",
        [eco.people[0].pk],
    )
    report = ledger_verify(city)
    assert any(p.startswith("balance") for p in report.problems)
    assert any(p.startswith("conservation") for p in report.problems)


def test_verify_detects_removed_transfer(city):
    economy(city)
    middle = Transfer.objects.get(city=city, seq=2)
    _sql("DELETE FROM commons_transfer WHERE id = %s", [middle.pk])
    kinds = {p.split(":")[0] for p in ledger_verify(city).problems}
    assert {"sequence", "broken_link", "balance"} <= kinds


def test_verify_detects_reordering(city):
    economy(city)
    one, two = Transfer.objects.get(city=city, seq=2), Transfer.objects.get(city=city, seq=3)
    _sql("UPDATE commons_transfer SET seq = -1 WHERE id = %s", [one.pk])
    _sql("UPDATE commons_transfer SET seq = 2 WHERE id = %s", [two.pk])
    _sql("UPDATE commons_transfer SET seq = 3 WHERE id = %s", [one.pk])
    kinds = {p.split(":")[0] for p in ledger_verify(city).problems}
    assert "broken_link" in kinds or "altered" in kinds


def test_verify_detects_truncated_tail(city):
    economy(city)
    last = Transfer.objects.filter(city=city).order_by("-seq").first()
    _sql("DELETE FROM commons_transfer WHERE id = %s", [last.pk])
    _sql(
        "UPDATE commons_accountbalance SET credits_posted = credits_posted - %s WHERE account_id = %s",
        [last.amount, last.credit_account_id],
    )
    _sql(
        "UPDATE commons_accountbalance SET debits_posted = debits_posted - %s WHERE account_id = %s",
        [last.amount, last.debit_account_id],
    )
    problems = ledger_verify(city).problems
    assert any(p.startswith("head") for p in problems)


def test_journal_is_append_only(city):
    economy(city)
    with pytest.raises(PermissionError):
        Transfer.objects.filter(city=city).delete()
    with pytest.raises(PermissionError):
        Transfer.objects.filter(city=city).first().delete()


def test_batched_import_is_all_or_nothing(city):
    eco = economy(city, people=3)
    a, b, c = eco.people
    rows = [
        ledger.TransferRow(a.pk, b.pk, 10, "imp-1", "gift"),
        ledger.TransferRow(b.pk, c.pk, 20, "imp-2", "gift"),
    ]
    made = ledger.transfers_import(city=city, rows=rows)
    assert len(made) == 2
    assert ledger.transfers_import(city=city, rows=rows) == []  # re-sent batch: nothing twice
    before = Transfer.objects.filter(city=city).count()
    with pytest.raises(DomainError):
        ledger.transfers_import(
            city=city,
            rows=[
                ledger.TransferRow(a.pk, b.pk, 10, "imp-3", "gift"),
                ledger.TransferRow(c.pk, a.pk, 999_999, "imp-4", "gift"),
            ],
        )
    assert Transfer.objects.filter(city=city).count() == before
    assert ledger_verify(city).ok


def test_ledger_verify_command(city, capsys):
    economy(city)
    ledger.transfer_create(
        city=city, debit=ledger.system_account(city=city, kind="treasury"),
        credit=ledger.system_account(city=city, kind="issuer"), amount=1,
        idempotency_key="cmd", kind="refund",
    )  # fmt: skip
    call_command("ledger", "verify", "--city", city.slug)
    out = capsys.readouterr().out
    assert "OK" in out and "1 waiting for the sealer" in out
    call_command("ledger", "seal", "--city", city.slug)
    assert "1 transfers sealed" in capsys.readouterr().out
    _sql("UPDATE commons_transfer SET memo = 'x' WHERE seq = 1 AND city_id = %s", [city.pk])
    with pytest.raises(CommandError):
        call_command("ledger", "verify")


def test_system_accounts_are_unique(city):
    assert ledger.system_account(city=city, kind=AccountKind.TREASURY).pk == (
        ledger.system_account(city=city, kind=AccountKind.TREASURY).pk
    )
