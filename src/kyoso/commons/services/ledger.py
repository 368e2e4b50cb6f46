"""Writes of the points ledger: accounts, transfers (one- and two-phase), expiry, imports.

Every transfer locks the balance rows of both accounts in id order (so two transfers never wait
on each other in a cycle), checks funds and limits, updates the balances and inserts its
journal entry — one transaction that touches only those two accounts. The entry is committed
unsealed; ``ledger_seal`` numbers it and extends the city's hash chain after the commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.commons.algorithms import ledger_journal
from kyoso.commons.models import (
    AccountBalance,
    AccountKind,
    Group,
    LedgerAccount,
    Transfer,
    TransferKind,
    TransferStatus,
)
from kyoso.commons.services import ledger_seal, ledger_sql
from kyoso.commons.services.ledger_seal import journal_seal
from kyoso.core.access import require_participant
from kyoso.core.errors import ConflictError, DomainError, NotFoundError
from kyoso.core.models import City, User

DEFAULT_DAILY_LIMIT = 30_000
DEFAULT_ACCOUNT_LIMIT = 100_000
DEFAULT_EXPIRY_DAYS = 90
MAX_AMOUNT = 10_000_000_000
# Limits protect people's accounts; system movements (expiry, pay-outs) are never blocked.
LIMITED_KINDS = (AccountKind.CITIZEN, AccountKind.GROUP)
UNLIMITED_TRANSFERS = (TransferKind.EXPIRY,)


# --- accounts -----------------------------------------------------------------------------


def _account_create(
    *, city: City, kind: str, name: str, owner: User | None = None, group: Group | None = None
) -> LedgerAccount:
    lookup: dict[str, object] = {"city": city, "kind": kind}
    if owner is not None:
        lookup["owner"] = owner
    if group is not None:
        lookup["group"] = group
    account = LedgerAccount.objects.filter(**lookup).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            account = LedgerAccount.objects.create(
                city=city, kind=kind, name=name[:120], owner=owner, group=group
            )
            AccountBalance.objects.create(account=account, city=city)
    except IntegrityError:
        # Opened at the same moment by another request; that one is the account.
        return LedgerAccount.objects.get(**lookup)
    return account


def account_open(*, city: City, user: User, kind: str = AccountKind.CITIZEN) -> LedgerAccount:
    """Return the person's citizen or shop account in the city, opening it if needed."""
    if kind not in (AccountKind.CITIZEN, AccountKind.MERCHANT):
        raise DomainError(_("Unknown kind of account."), field="kind")
    require_participant(user, city)
    name = str(user) if kind == AccountKind.CITIZEN else (_("Shop: %(name)s") % {"name": user})
    return _account_create(city=city, kind=kind, name=name, owner=user)


def group_account_open(*, city: City, group: Group) -> LedgerAccount:
    """Return the activity group's account, opening it if needed."""
    if group.city_id != city.pk:
        raise NotFoundError(_("No such group."), field="group")
    return _account_create(city=city, kind=AccountKind.GROUP, name=group.name, group=group)


def system_account(*, city: City, kind: str) -> LedgerAccount:
    """Return the city's treasury or issuer account, opening it if needed."""
    names: dict[str, str] = {
        AccountKind.TREASURY: _("City treasury"),
        AccountKind.ISSUER: _("Points issuer"),
    }
    if kind not in names:
        raise DomainError(_("Unknown kind of account."), field="kind")
    return _account_create(city=city, kind=kind, name=names[kind])


# --- transfers ----------------------------------------------------------------------------


def _same_request(t: Transfer, debit: LedgerAccount, credit: LedgerAccount, amount: int) -> bool:
    return (t.debit_account_id, t.credit_account_id, t.amount) == (debit.pk, credit.pk, amount)


def _replay_of(
    city: City, key: str, debit: LedgerAccount, credit: LedgerAccount, amount: int
) -> Transfer | None:
    original = Transfer.objects.filter(city=city, idempotency_key=key).first()
    if original is None:
        return None
    if not _same_request(original, debit, credit, amount):
        raise ConflictError(
            _("This request key was already used for a different transfer."),
            field="idempotency_key",
        )
    return original


def _lock_balances(accounts: Iterable[int]) -> dict[int, AccountBalance]:
    ids = sorted(set(accounts))
    rows = (
        AccountBalance.objects.select_for_update().filter(account_id__in=ids).order_by("account_id")
    )
    return {b.account_id: b for b in rows}


def _check_limits(
    *,
    city: City,
    debit: LedgerAccount,
    credit: LedgerAccount,
    amount: int,
    kind: str,
    debit_bal: AccountBalance,
    credit_bal: AccountBalance,
    today: object,
) -> None:
    if not debit.may_go_negative and amount > debit_bal.available:
        raise DomainError(
            _("Not enough points: %(available)s available.") % {"available": debit_bal.available},
            field="amount",
            code="insufficient_points",
        )
    if kind in UNLIMITED_TRANSFERS:
        return
    if debit.kind in LIMITED_KINDS:
        spent = debit_bal.day_debits if debit_bal.day == today else 0
        limit = int(city.rule("points.daily_limit", DEFAULT_DAILY_LIMIT))
        if spent + amount > limit:
            raise DomainError(
                _("This would pass the daily limit of %(limit)s points.") % {"limit": limit},
                field="amount",
                code="daily_limit",
            )
    if credit.kind == AccountKind.CITIZEN:
        cap = int(city.rule("points.account_limit", DEFAULT_ACCOUNT_LIMIT))
        if credit_bal.balance + credit_bal.credits_pending + amount > cap:
            raise DomainError(
                _("The receiving account may hold at most %(cap)s points.") % {"cap": cap},
                field="amount",
                code="account_limit",
            )


def _validate(
    *, city: City, debit: LedgerAccount, credit: LedgerAccount, amount: int, key: str, kind: str
) -> None:
    if debit.city_id != city.pk or credit.city_id != city.pk:
        raise NotFoundError(_("No such account in this city."), field="account")
    if debit.pk == credit.pk:
        raise DomainError(_("An account cannot pay itself."), field="credit")
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_AMOUNT:
        raise DomainError(_("Give a whole number of points above zero."), field="amount")
    if not key or len(key) > 100 or "\x00" in key:
        raise DomainError(
            _("A request key of 1 to 100 characters is needed."), field="idempotency_key"
        )
    if kind not in TransferKind.values:
        raise DomainError(_("Unknown kind of transfer."), field="kind")


def transfer_create(
    *,
    city: City,
    debit: LedgerAccount,
    credit: LedgerAccount,
    amount: int,
    idempotency_key: str,
    kind: str,
    memo: str = "",
    pending: bool = False,
    timeout: timedelta | None = None,
    actor: User | None = None,
    at: datetime | None = None,
) -> Transfer:
    """Return the transfer made under this key: new, or the original when the key was used.

    A retried request (same key) never pays twice, also when the retries race each other: the
    unique key decides, and the loser returns the winner's transfer. ``at`` back-dates the
    entry when historic records are loaded (the demo); the journal order is still ``seq``.
    """
    _validate(city=city, debit=debit, credit=credit, amount=amount, key=idempotency_key, kind=kind)
    memo = memo.replace("\x00", "")
    if pending and (timeout is None or timeout <= timedelta(0)):
        raise DomainError(_("A pending transfer needs a timeout."), field="timeout")
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    try:
        with transaction.atomic():
            now = at or timezone.now()
            balances = ledger_sql.lock_balances(city.pk, debit.pk, credit.pk)
            if len(balances) != 2:
                raise NotFoundError(_("No such account in this city."), field="account")
            debit_bal, credit_bal = balances[debit.pk], balances[credit.pk]
            today = timezone.localdate(now)
            _check_limits(
                city=city,
                debit=debit,
                credit=credit,
                amount=amount,
                kind=kind,
                debit_bal=debit_bal,
                credit_bal=credit_bal,
                today=today,
            )
            if pending:
                debit_bal.debits_pending += amount
                credit_bal.credits_pending += amount
            else:
                debit_bal.debits_posted += amount
                credit_bal.credits_posted += amount
            if debit_bal.day != today:
                debit_bal.day, debit_bal.day_debits = today, 0
            debit_bal.day_debits += amount
            transfer = ledger_sql.save_and_append(
                debit=debit_bal,
                credit=credit_bal,
                city_id=city.pk,
                debit_id=debit.pk,
                credit_id=credit.pk,
                amount=amount,
                kind=kind,
                key=idempotency_key,
                memo=memo[:200],
                now=now,
                status=TransferStatus.PENDING if pending else TransferStatus.POSTED,
                two_phase=pending,
                timeout_at=now + timeout if pending and timeout else None,
                actor_id=actor_id,
            )
            ledger_seal.seal_soon(city.pk, now=at is not None)
            return transfer
    except (IntegrityError, DomainError):
        # A request under a used key is a retry: answer what the first one got. The balance
        # locks order a retry after the first attempt (both touch the same accounts), so a
        # retry that waited finds the booked transfer here — also when the first one spent
        # the funds the retry's checks then missed — never "insufficient points".
        original = _replay_of(city, idempotency_key, debit, credit, amount)
        if original is None:
            raise
        return original


def _resolve(*, city: City, transfer_id: int, post: bool, actor: User | None) -> Transfer:
    action_key = "post" if post else "void"
    with transaction.atomic():
        hold = (
            Transfer.objects.select_for_update()
            .filter(city=city, pk=transfer_id, two_phase=True)
            .first()
        )
        if hold is None:
            raise NotFoundError(_("No such pending transfer."), field="transfer")
        wanted = TransferStatus.POSTED if post else TransferStatus.VOIDED
        if hold.status != TransferStatus.PENDING:
            resolution = hold.resolutions.get()
            if hold.status == wanted:
                return resolution
            raise ConflictError(
                _("This transfer was already %(status)s.") % {"status": hold.get_status_display()},
                field="transfer",
            )
        now = timezone.now()
        if post and hold.timeout_at is not None and hold.timeout_at <= now:
            post, wanted, action_key = False, TransferStatus.VOIDED, "void"
        balances = _lock_balances((hold.debit_account_id, hold.credit_account_id))
        d, c = balances[hold.debit_account_id], balances[hold.credit_account_id]
        d.debits_pending -= hold.amount
        c.credits_pending -= hold.amount
        if post:
            d.debits_posted += hold.amount
            c.credits_posted += hold.amount
        resolution = ledger_sql.save_and_append(
            debit=d,
            credit=c,
            city_id=city.pk,
            debit_id=hold.debit_account_id,
            credit_id=hold.credit_account_id,
            amount=hold.amount,
            kind=hold.kind,
            key=f"{hold.idempotency_key[:94]}:{action_key}",
            memo=hold.memo,
            now=now,
            status=wanted,
            pending_id=hold.pk,
            actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
        )
        hold.status = wanted
        hold.posted_at = now if post else None
        hold.save(update_fields=["status", "posted_at"])
        ledger_seal.seal_soon(city.pk)
    return resolution


def transfer_post(*, city: City, transfer_id: int, actor: User | None = None) -> Transfer:
    """Return the entry that posts a pending transfer (a hold past its timeout is voided)."""
    resolution = _resolve(city=city, transfer_id=transfer_id, post=True, actor=actor)
    if resolution.status != TransferStatus.POSTED:
        raise ConflictError(_("The pending transfer timed out and was voided."), field="transfer")
    return resolution


def transfer_void(*, city: City, transfer_id: int, actor: User | None = None) -> Transfer:
    """Return the entry that voids a pending transfer, releasing the reserved points."""
    return _resolve(city=city, transfer_id=transfer_id, post=False, actor=actor)


def transfers_void_timed_out(*, city: City, now: datetime | None = None) -> int:
    """Return how many pending transfers past their timeout were voided."""
    now = now or timezone.now()
    ids = list(
        Transfer.objects.filter(
            city=city, two_phase=True, status=TransferStatus.PENDING, timeout_at__lte=now
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        transfer_void(city=city, transfer_id=pk)
    return len(ids)


# --- expiry -------------------------------------------------------------------------------


def points_expire(*, city: City, now: datetime | None = None) -> list[Transfer]:
    """Return the expiry transfers that moved unspent points older than the period back.

    Lots are spent first-in first-out, so an account's expired points are its credits from
    before the cutoff minus everything it has debited (or reserved) so far. They go back to the
    treasury by a transfer; no balance is ever edited.
    """
    now = now or timezone.now()
    days = int(city.rule("points.expiry_days", DEFAULT_EXPIRY_DAYS))
    cutoff = now - timedelta(days=days)
    old_credits = dict(
        Transfer.objects.filter(
            city=city,
            credit_account__kind__in=LIMITED_KINDS,
            created_at__lt=cutoff,
            two_phase=False,
            status=TransferStatus.POSTED,
        )
        .values("credit_account")
        .annotate(total=Sum("amount"))
        .values_list("credit_account", "total")
    )
    if not old_credits:
        return []
    treasury = system_account(city=city, kind=AccountKind.TREASURY)
    accounts = LedgerAccount.objects.in_bulk(list(old_credits))
    spent = {
        b.account_id: b.debits_posted + b.debits_pending
        for b in AccountBalance.objects.filter(account_id__in=list(old_credits))
    }
    made = []
    stamp = timezone.localdate(now).isoformat()
    for account_id, total in sorted(old_credits.items()):
        amount = ledger_journal.expirable(int(total), spent.get(account_id, 0))
        if amount <= 0:
            continue
        made.append(
            transfer_create(
                city=city,
                debit=accounts[account_id],
                credit=treasury,
                amount=amount,
                idempotency_key=f"expiry:{account_id}:{stamp}",
                kind=TransferKind.EXPIRY,
                memo=_("Points older than %(days)s days expired") % {"days": days},
            )
        )
    return made


# --- batched import -----------------------------------------------------------------------


@dataclass(frozen=True)
class TransferRow:
    debit_id: int
    credit_id: int
    amount: int
    key: str
    kind: str
    memo: str = ""


def transfers_import(
    *, city: City, rows: Sequence[TransferRow], actor: User | None = None
) -> list[Transfer]:
    """Return the transfers of a batch applied in one transaction: all of them or none.

    Rows whose key was already used are skipped (the batch can be re-sent after a failure).
    """
    if not rows:
        return []
    accounts = LedgerAccount.objects.filter(city=city).in_bulk(
        {r.debit_id for r in rows} | {r.credit_id for r in rows}
    )
    for n, r in enumerate(rows):
        if r.debit_id not in accounts or r.credit_id not in accounts:
            raise NotFoundError(
                _("Row %(n)s: no such account in this city.") % {"n": n + 1}, field="account"
            )
        _validate(city=city, debit=accounts[r.debit_id], credit=accounts[r.credit_id],
                  amount=r.amount, key=r.key, kind=r.kind)  # fmt: skip
    with transaction.atomic():
        used = set(
            Transfer.objects.filter(
                city=city, idempotency_key__in=[r.key for r in rows]
            ).values_list("idempotency_key", flat=True)
        )
        todo = [r for r in rows if r.key not in used]
        balances = _lock_balances(set(accounts))
        now = timezone.now()
        today = timezone.localdate(now)
        made: list[Transfer] = []
        seen: set[str] = set()
        for n, r in enumerate(todo):
            if r.key in seen:
                continue
            seen.add(r.key)
            d, c = balances[r.debit_id], balances[r.credit_id]
            try:
                _check_limits(city=city, debit=accounts[r.debit_id], credit=accounts[r.credit_id],
                              amount=r.amount, kind=r.kind, debit_bal=d, credit_bal=c, today=today)  # fmt: skip
            except DomainError as exc:
                raise DomainError(f"{n + 1}: {exc.message}", field="rows", code=exc.code) from exc
            d.debits_posted += r.amount
            c.credits_posted += r.amount
            if d.day != today:
                d.day, d.day_debits = today, 0
            d.day_debits += r.amount
            made.append(Transfer(
                city=city, seq=None, debit_account_id=r.debit_id,
                credit_account_id=r.credit_id, amount=r.amount, kind=r.kind,
                idempotency_key=r.key, status=TransferStatus.POSTED, memo=r.memo[:200],
                created_by=actor, created_at=now, posted_at=now, prev_hash="", hash="",
            ))  # fmt: skip
        Transfer.objects.bulk_create(made, batch_size=1000)
        touched = {t.debit_account_id for t in made} | {t.credit_account_id for t in made}
        # One prepared UPDATE per touched account (pipelined by the driver); Django's
        # bulk_update builds CASE expressions that grow with the batch and are far slower.
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {AccountBalance._meta.db_table} SET debits_posted = %s, "  # noqa: S608
                "credits_posted = %s, day = %s, day_debits = %s WHERE account_id = %s",
                [
                    (b.debits_posted, b.credits_posted, b.day, b.day_debits, b.account_id)
                    for b in (balances[pk] for pk in sorted(touched))
                ],
            )
    # The batch is sealed at once (outside its transaction when there is no outer one).
    journal_seal(city=city)
    return made
