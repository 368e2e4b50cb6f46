"""Paying with points: a shop's payment request (QR code), the citizen's confirmation, pay-outs."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.commons.models import (
    AccountKind,
    LedgerAccount,
    PaymentRequest,
    PaymentStatus,
    Transfer,
    TransferKind,
)
from kyoso.commons.services.ledger import account_open, system_account, transfer_create
from kyoso.core.access import require_role
from kyoso.core.errors import ConflictError, DomainError, NotFoundError
from kyoso.core.models import City, Role, User
from kyoso.core.services import audit_record, notification_send

PAYMENT_REQUEST_MINUTES = 15


def merchant_account_open(*, city: City, user: User) -> LedgerAccount:
    """Return the shop account of a business in the city."""
    require_role(user, city, Role.BUSINESS)
    return account_open(city=city, user=user, kind=AccountKind.MERCHANT)


@transaction.atomic
def payment_request_create(
    *, city: City, user: User, amount: int, memo: str = ""
) -> PaymentRequest:
    """Return a new payment request a shop shows as a QR code."""
    merchant = merchant_account_open(city=city, user=user)
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= 1_000_000:
        raise DomainError(
            _("Give a whole number of points between 1 and 1,000,000."), field="amount"
        )
    return PaymentRequest.objects.create(
        city=city,
        code=secrets.token_urlsafe(16),
        merchant=merchant,
        amount=amount,
        memo=memo.replace("\x00", "").strip()[:120],
        created_by=user,
        expires_at=timezone.now() + timedelta(minutes=PAYMENT_REQUEST_MINUTES),
    )


@transaction.atomic
def payment_request_pay(*, city: City, user: User, code: str) -> PaymentRequest:
    """Return the request after the citizen paid it; paying twice is impossible."""
    request = (
        PaymentRequest.objects.select_for_update()
        .select_related("merchant")
        .filter(city=city, code=code)
        .first()
    )
    if request is None:
        raise NotFoundError(_("No such payment request."), field="code")
    if request.status == PaymentStatus.PAID:
        if request.payer_id == user.pk:
            return request
        raise ConflictError(_("This request has already been paid."), field="code")
    if request.status != PaymentStatus.OPEN:
        raise ConflictError(_("This request was cancelled."), field="code")
    if request.expires_at <= timezone.now():
        raise ConflictError(
            _("This request has expired. Ask the shop for a new one."), field="code"
        )
    if request.merchant.owner_id == user.pk:
        raise DomainError(_("A shop cannot pay its own request."), field="code")
    transfer = transfer_create(
        city=city,
        debit=account_open(city=city, user=user),
        credit=request.merchant,
        amount=request.amount,
        idempotency_key=f"pay:{request.code}",
        kind=TransferKind.PAYMENT,
        memo=request.memo or request.merchant.name,
        actor=user,
    )
    request.status, request.payer, request.transfer = PaymentStatus.PAID, user, transfer
    request.save(update_fields=["status", "payer", "transfer"])
    if request.created_by is not None:
        notification_send(
            city=city,
            user=request.created_by,
            kind="commons.payment",
            title=_("Paid: %(amount)s points") % {"amount": request.amount},
            url=reverse("commons:payment_receipt", kwargs={"city_slug": city.slug, "code": code}),
        )
    return request


@transaction.atomic
def payment_request_cancel(*, city: City, user: User, code: str) -> PaymentRequest:
    request = PaymentRequest.objects.select_for_update().filter(city=city, code=code).first()
    if request is None or request.created_by_id != user.pk:
        raise NotFoundError(_("No such payment request."), field="code")
    if request.status == PaymentStatus.OPEN:
        request.status = PaymentStatus.CANCELLED
        request.save(update_fields=["status"])
    return request


@transaction.atomic
def merchant_payout(
    *, city: City, actor: User, merchant_id: int, amount: int, idempotency_key: str
) -> Transfer:
    """Return the transfer redeeming a shop's points to the treasury (the city pays in yen)."""
    require_role(actor, city, Role.STAFF)
    merchant = LedgerAccount.objects.filter(
        city=city, pk=merchant_id, kind=AccountKind.MERCHANT
    ).first()
    if merchant is None:
        raise NotFoundError(_("No such shop."), field="merchant")
    transfer = transfer_create(
        city=city,
        debit=merchant,
        credit=system_account(city=city, kind=AccountKind.TREASURY),
        amount=amount,
        idempotency_key=idempotency_key,
        kind=TransferKind.PAYOUT,
        memo=_("Pay-out to %(shop)s") % {"shop": merchant.name},
        actor=actor,
    )
    audit_record(city=city, actor=actor, action="commons.points.payout", obj=transfer,
                 details={"merchant": merchant.pk, "amount": amount})  # fmt: skip
    return transfer
