"""The community-points ledger: accounts, an append-only journal of transfers, balances.

Balances are derived data kept beside each account in the same transaction as the transfer
that changes them; ``kyoso ledger verify`` recomputes them from the journal and walks the hash
chain (``commons.algorithms.ledger_journal``) so that any edit, removal or reordering is detected.
A transfer commits unsealed; the sealer (``services.ledger_seal``) numbers it and chains it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from kyoso.commons.algorithms import ledger_journal
from kyoso.commons.models.groups import Group
from kyoso.core.models import City


class AccountKind(models.TextChoices):
    CITIZEN = "citizen", _("citizen")
    MERCHANT = "merchant", _("shop")
    GROUP = "group", _("activity group")
    TREASURY = "treasury", _("city treasury")
    ISSUER = "issuer", _("issuer")


SYSTEM_KINDS = (AccountKind.TREASURY, AccountKind.ISSUER)


class LedgerAccount(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=AccountKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    group = models.ForeignKey(
        Group, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["city", "owner", "kind"],
                condition=models.Q(owner__isnull=False),
                name="ledger_account_one_per_owner_kind",
            ),
            models.UniqueConstraint(
                fields=["city", "group"],
                condition=models.Q(group__isnull=False),
                name="ledger_account_one_per_group",
            ),
            models.UniqueConstraint(
                fields=["city", "kind"],
                condition=models.Q(kind__in=["treasury", "issuer"]),
                name="ledger_account_one_system_account",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def may_go_negative(self) -> bool:
        return self.kind == AccountKind.ISSUER


class AccountBalance(models.Model):
    """Derived totals of one account, updated under a row lock with every transfer."""

    account = models.OneToOneField(
        LedgerAccount, on_delete=models.CASCADE, primary_key=True, related_name="balance"
    )
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    debits_posted = models.BigIntegerField(default=0)
    credits_posted = models.BigIntegerField(default=0)
    debits_pending = models.BigIntegerField(default=0)
    credits_pending = models.BigIntegerField(default=0)
    # Spending of the current local day, for the per-day limit.
    day = models.DateField(null=True, blank=True)
    day_debits = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.account_id}: {self.balance}"

    @property
    def balance(self) -> int:
        return self.credits_posted - self.debits_posted

    @property
    def available(self) -> int:
        return self.credits_posted - self.debits_posted - self.debits_pending


class TransferKind(models.TextChoices):
    ISSUE = "issue", _("issue")
    REWARD = "reward", _("reward")
    PAYMENT = "payment", _("payment")
    PAYOUT = "payout", _("pay-out to shop")
    EXPIRY = "expiry", _("expiry")
    GIFT = "gift", _("gift")
    GRANT = "grant", _("grant to a group")
    REFUND = "refund", _("refund")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    POSTED = "posted", _("posted")
    VOIDED = "voided", _("voided")


class TransferQuerySet(models.QuerySet["Transfer"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the points journal is append-only")


class Transfer(models.Model):
    """One journal entry: debits one account and credits another.

    A two-phase transfer is a *hold* (``two_phase``) resolved later by a second entry that
    points to it (``pending``) with status posted or voided; the hold's own ``status`` and
    ``posted_at`` are derived from that entry. Everything else is immutable and hashed.
    """

    # Removing a whole city (a tenant) removes its journal; nothing else deletes entries.
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    # Position in the city's hash chain, given by the sealer; NULL while the entry is unsealed.
    seq = models.BigIntegerField(null=True, blank=True)
    debit_account = models.ForeignKey(LedgerAccount, on_delete=models.RESTRICT, related_name="+")
    credit_account = models.ForeignKey(LedgerAccount, on_delete=models.RESTRICT, related_name="+")
    amount = models.BigIntegerField(_("points"))
    kind = models.CharField(_("kind"), max_length=10, choices=TransferKind.choices)
    idempotency_key = models.CharField(max_length=100)
    status = models.CharField(_("status"), max_length=8, choices=TransferStatus.choices)
    two_phase = models.BooleanField(default=False)
    pending = models.ForeignKey(
        "self", on_delete=models.RESTRICT, null=True, blank=True, related_name="resolutions"
    )
    timeout_at = models.DateTimeField(null=True, blank=True)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    posted_at = models.DateTimeField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)
    # When the database wrote the entry (its own clock: ``created_at`` may be back-dated), so
    # ``ledger verify`` can tell how long an unsealed entry has waited for the sealer.
    recorded_at = models.DateTimeField(db_default=Now(), editable=False)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        # Ids follow commit order for entries that share an account (see services.ledger_seal).
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["city", "seq"], name="transfer_seq_per_city"),
            models.UniqueConstraint(
                fields=["city", "idempotency_key"], name="transfer_idempotency_key_per_city"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="transfer_amount_gt_0"),
            models.CheckConstraint(
                condition=~models.Q(debit_account=models.F("credit_account")),
                name="transfer_distinct_accounts",
            ),
        ]
        indexes = [
            models.Index(fields=["debit_account", "created_at"]),
            models.Index(fields=["credit_account", "created_at"]),
            models.Index(fields=["city", "kind", "created_at"]),
            models.Index(
                fields=["city", "id"],
                condition=models.Q(seq__isnull=True),
                name="transfer_unsealed",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq or '-'} {self.kind} {self.amount}"

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("the points journal is append-only")

    @property
    def action(self) -> str:
        if self.two_phase:
            return ledger_journal.ACTION_HOLD
        if self.pending_id is not None:
            return (
                ledger_journal.ACTION_POST
                if self.status == TransferStatus.POSTED
                else ledger_journal.ACTION_VOID
            )
        return ledger_journal.ACTION_TRANSFER


class LedgerChain(models.Model):
    """The head of a city's sealed journal: the last seq and hash, locked only by the sealer."""

    city = models.OneToOneField(City, on_delete=models.CASCADE, primary_key=True, related_name="+")
    seq = models.BigIntegerField(default=0)
    head_hash = models.CharField(max_length=64)
    # The hash before the last append, so one UPDATE … RETURNING gives both ends of the link.
    prev_hash = models.CharField(max_length=64, blank=True)
    sealed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.city_id}#{self.seq}"


class PaymentStatus(models.TextChoices):
    OPEN = "open", _("waiting for payment")
    PAID = "paid", _("paid")
    CANCELLED = "cancelled", _("cancelled")


class PaymentRequest(models.Model):
    """A shop asks for points; the citizen scans the QR code and confirms on the phone."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=32)
    merchant = models.ForeignKey(LedgerAccount, on_delete=models.RESTRICT, related_name="+")
    amount = models.PositiveIntegerField(_("points"))
    memo = models.CharField(_("what for"), max_length=120, blank=True)
    status = models.CharField(
        max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    transfer = models.OneToOneField(
        Transfer, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_gt_0"),
            models.UniqueConstraint(fields=["city", "code"], name="payment_code_per_city"),
        ]

    def __str__(self) -> str:
        return f"{self.merchant} {self.amount}"
