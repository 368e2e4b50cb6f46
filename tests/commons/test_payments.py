from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kyoso.commons.models import AccountBalance, PaymentRequest
from kyoso.commons.selectors.ledger import account_of, ledger_verify
from kyoso.commons.services import payments, rewards
from kyoso.core.errors import ConflictError, DomainError, PermissionDeniedError

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_citizen(city, staff, citizen):
    from tests.commons.factories import RewardRuleFactory

    rewards.points_issue(city=city, actor=staff, amount=5000, key="fund")
    rewards.rewards_opt_in(city=city, user=citizen)
    offer = rewards.reward_offer(city=city, rule=RewardRuleFactory(city=city, points=500),
                                 user=citizen, actor=staff)  # fmt: skip
    rewards.reward_accept(city=city, user=citizen, offer_id=offer.pk)
    return citizen


def _bal(account) -> int:
    return AccountBalance.objects.get(account=account).balance


def test_pay_a_shop_once(city, business, paid_citizen):
    request = payments.payment_request_create(city=city, user=business, amount=120, memo="パン")
    paid = payments.payment_request_pay(city=city, user=paid_citizen, code=request.code)
    again = payments.payment_request_pay(city=city, user=paid_citizen, code=request.code)
    assert paid.transfer_id == again.transfer_id
    assert _bal(account_of(city=city, user=paid_citizen)) == 380
    assert _bal(request.merchant) == 120
    assert ledger_verify(city).ok


def test_cannot_pay_without_points_or_after_expiry(city, business, citizen, paid_citizen, staff):
    request = payments.payment_request_create(city=city, user=business, amount=501)
    with pytest.raises(DomainError):
        payments.payment_request_pay(city=city, user=paid_citizen, code=request.code)
    assert PaymentRequest.objects.get(pk=request.pk).status == "open"
    PaymentRequest.objects.filter(pk=request.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(ConflictError):
        payments.payment_request_pay(city=city, user=paid_citizen, code=request.code)


def test_only_businesses_ask_and_staff_pay_out(city, business, citizen, paid_citizen, staff):
    with pytest.raises(PermissionDeniedError):
        payments.payment_request_create(city=city, user=citizen, amount=10)
    request = payments.payment_request_create(city=city, user=business, amount=200)
    payments.payment_request_pay(city=city, user=paid_citizen, code=request.code)
    with pytest.raises(PermissionDeniedError):
        payments.merchant_payout(city=city, actor=business, merchant_id=request.merchant_id,
                                 amount=200, idempotency_key="p1")  # fmt: skip
    payments.merchant_payout(city=city, actor=staff, merchant_id=request.merchant_id,
                             amount=200, idempotency_key="p1")  # fmt: skip
    assert _bal(request.merchant) == 0
    assert ledger_verify(city).ok


def test_another_city_cannot_see_the_request(city, other_city, business, paid_citizen):
    request = payments.payment_request_create(city=city, user=business, amount=10)
    with pytest.raises(DomainError):
        payments.payment_request_pay(city=other_city, user=paid_citizen, code=request.code)
