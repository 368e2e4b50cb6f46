from __future__ import annotations

import pytest

from kyoso.commons.models import REWARDS_PURPOSE, AccountBalance, OfferStatus, RewardOffer
from kyoso.commons.selectors.ledger import account_of, ledger_verify
from kyoso.commons.services import rewards
from kyoso.core.errors import ConflictError, DomainError, PermissionDeniedError
from kyoso.core.models import AuditEvent
from kyoso.core.selectors import consent_is_active
from tests.commons.factories import RewardRuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded(city, staff):
    rewards.points_issue(city=city, actor=staff, amount=10_000, key="fund")
    return RewardRuleFactory(city=city, points=150)


def test_no_points_without_opting_in(city, staff, citizen, funded):
    with pytest.raises(DomainError) as exc:
        rewards.reward_offer(city=city, rule=funded, user=citizen, actor=staff)
    assert exc.value.code == "no_consent"
    assert not RewardOffer.objects.exists()
    assert account_of(city=city, user=citizen) is None


def test_opt_in_offer_accept_pays_once(city, staff, citizen, funded):
    rewards.rewards_opt_in(city=city, user=citizen)
    assert consent_is_active(city=city, user=citizen, purpose=REWARDS_PURPOSE)
    offer = rewards.reward_offer(city=city, rule=funded, user=citizen, actor=staff, note="公園")
    t1 = rewards.reward_accept(city=city, user=citizen, offer_id=offer.pk)
    t2 = rewards.reward_accept(city=city, user=citizen, offer_id=offer.pk)
    assert t1.pk == t2.pk
    assert AccountBalance.objects.get(account=account_of(city=city, user=citizen)).balance == 150
    actions = set(AuditEvent.objects.filter(city=city).values_list("action", flat=True))
    assert {"consent.grant", "commons.reward.offer", "commons.reward.accept"} <= actions
    assert ledger_verify(city).ok


def test_decline_a_single_reward(city, staff, citizen, funded):
    rewards.rewards_opt_in(city=city, user=citizen)
    declined = rewards.reward_offer(city=city, rule=funded, user=citizen, actor=staff)
    kept = rewards.reward_offer(city=city, rule=funded, user=citizen, actor=staff)
    rewards.reward_decline(city=city, user=citizen, offer_id=declined.pk)
    with pytest.raises(ConflictError):
        rewards.reward_accept(city=city, user=citizen, offer_id=declined.pk)
    rewards.reward_accept(city=city, user=citizen, offer_id=kept.pk)
    assert AccountBalance.objects.get(account=account_of(city=city, user=citizen)).balance == 150
    assert AuditEvent.objects.filter(action="commons.reward.decline").count() == 1


def test_leaving_stops_rewards_at_once(city, staff, citizen, funded):
    rewards.rewards_opt_in(city=city, user=citizen)
    open_offer = rewards.reward_offer(city=city, rule=funded, user=citizen, actor=staff)
    assert rewards.rewards_leave(city=city, user=citizen) == 1
    open_offer.refresh_from_db()
    assert open_offer.status == OfferStatus.CANCELLED
    with pytest.raises(ConflictError):
        rewards.reward_accept(city=city, user=citizen, offer_id=open_offer.pk)
    with pytest.raises(DomainError):
        rewards.reward_offer(city=city, rule=funded, user=citizen, actor=staff)
    assert AuditEvent.objects.filter(action="commons.rewards.leave").exists()


def test_only_staff_offer_rewards_or_issue(city, citizen, funded):
    with pytest.raises(PermissionDeniedError):
        rewards.reward_offer(city=city, rule=funded, user=citizen, actor=citizen)
    with pytest.raises(PermissionDeniedError):
        rewards.points_issue(city=city, actor=citizen, amount=5)


def test_another_citys_rule_cannot_be_used(city, other_city, staff, citizen, funded):
    rewards.rewards_opt_in(city=city, user=citizen)
    foreign = RewardRuleFactory(city=other_city)
    with pytest.raises(DomainError):
        rewards.reward_offer(city=city, rule=foreign, user=citizen, actor=staff)


def test_rule_needs_public_reason(city, staff):
    with pytest.raises(DomainError) as exc:
        rewards.reward_rule_save(city=city, actor=staff, code="x", name="清掃", reason=" ",
                                 points=10, theme="green")  # fmt: skip
    assert exc.value.field == "reason"
    rule = rewards.reward_rule_save(city=city, actor=staff, code="x", name="清掃",
                                    reason="公園のため", points=10, theme="green")  # fmt: skip
    assert AuditEvent.objects.filter(
        action="commons.reward_rule.create", object_id=str(rule.pk)
    ).exists()
