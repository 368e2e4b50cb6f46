from __future__ import annotations

from datetime import date

import pytest

from kyoso.commons.models import RewardOffer
from kyoso.commons.services import burden, groups, rewards
from kyoso.core.errors import DomainError, PermissionDeniedError
from tests.commons.factories import RewardRuleFactory
from tests.core.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_monthly_cap_refuses_the_request_that_passes_it(city, staff, citizen):
    city.rules = {"commons.monthly_hours_cap": 6}
    city.save()
    month = date(2026, 11, 1)
    burden.help_request_create(city=city, actor=staff, person=citizen, title="清掃",
                               theme="green", hours=4, month=month)  # fmt: skip
    with pytest.raises(DomainError) as exc:
        burden.help_request_create(city=city, actor=staff, person=citizen, title="見守り",
                                   theme="community", hours="2.5", month=month)  # fmt: skip
    assert exc.value.code == "hours_cap"
    assert burden.hours_asked(city=city, person=citizen, month=month) == 4
    # Another month is a fresh allowance; a declined request gives the hours back.
    burden.help_request_create(city=city, actor=staff, person=citizen, title="見守り",
                               theme="community", hours=6, month=date(2026, 12, 5))  # fmt: skip
    first = citizen and burden.hours_asked(city=city, person=citizen, month=date(2026, 12, 1))
    assert first == 6


def test_declining_frees_the_hours(city, staff, citizen):
    month = date(2026, 11, 1)
    r = burden.help_request_create(city=city, actor=staff, person=citizen, title="清掃",
                                   theme="green", hours=10, month=month)  # fmt: skip
    burden.help_request_respond(city=city, person=citizen, request_id=r.pk, accept=False)
    assert burden.hours_asked(city=city, person=citizen, month=month) == 0


@pytest.mark.parametrize("hours", ["0", "0.3", "25", "abc"])
def test_hours_must_be_sensible(city, staff, citizen, hours):
    with pytest.raises(DomainError):
        burden.help_request_create(city=city, actor=staff, person=citizen, title="x",
                                   theme="green", hours=hours)  # fmt: skip


def test_only_organisers_or_staff_may_ask(city, citizen):
    other = MembershipFactory(city=city).user
    with pytest.raises(PermissionDeniedError):
        burden.help_request_create(city=city, actor=other, person=citizen, title="x",
                                   theme="green", hours=1)  # fmt: skip
    group = groups.group_create(city=city, user=other, name="清掃会", purpose="公園", theme="green")
    burden.help_request_create(city=city, actor=other, person=citizen, title="x",
                               theme="green", hours=1, group=group)  # fmt: skip


def test_completion_offers_reward_only_with_consent(city, staff, citizen):
    rule = RewardRuleFactory(city=city)
    r = burden.help_request_create(city=city, actor=staff, person=citizen, title="清掃",
                                   theme="green", hours=2)  # fmt: skip
    burden.help_request_respond(city=city, person=citizen, request_id=r.pk, accept=True)
    burden.help_request_complete(city=city, actor=staff, request_id=r.pk, rule=rule)
    assert not RewardOffer.objects.exists()
    rewards.rewards_opt_in(city=city, user=citizen)
    r2 = burden.help_request_create(city=city, actor=staff, person=citizen, title="清掃",
                                    theme="green", hours=2)  # fmt: skip
    burden.help_request_respond(city=city, person=citizen, request_id=r2.pk, accept=True)
    burden.help_request_complete(city=city, actor=staff, request_id=r2.pk, rule=rule)
    assert RewardOffer.objects.get().help_request_id == r2.pk
