"""Who may vote: the city's voting rule, a decision's or round's electorate, and staff verifying
residents (issue 9, "Tenancy and roles that hold": eligibility for decisions and budgets)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kyoso.commons.models import PbBallot
from kyoso.commons.services import budgeting, decisions, groups
from kyoso.core.errors import DomainError, NotFoundError, PermissionDeniedError
from kyoso.core.models import AuditEvent, Membership, User
from kyoso.core.services import city_rule_set, membership_verify_resident, system_actor
from tests.commons.election_fixtures import Committee
from tests.core.factories import MembershipFactory

pytestmark = pytest.mark.django_db
PROJECTS = [("a", "公園", 400), ("b", "図書館", 500)]


def _decision(city, staff, electorate="residents", group=None, actor=None):
    actor = actor or staff
    d = decisions.decision_create(
        city=city, actor=actor, title="日程", method="plurality", options=["A", "B"],
        electorate=electorate, group=group, opens_at=timezone.now() - timedelta(hours=1),
        closes_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    Committee(city, d, [actor]).ceremony()
    return d


def _round(city, staff, **kw):
    return budgeting.pb_round_create(
        city=city, actor=staff, title="市民予算", budget=1000, ballot_type="approval",
        rule="mes", opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=1), projects=PROJECTS, **kw,
    )  # fmt: skip


def _votes(city, decision, pb, user) -> list[str]:
    """Return which of the two votes the person could cast."""
    done = []
    try:
        decisions.ballot_cast(city=city, decision=decision, user=user, ballot={"choice": "A"})
        done.append("decision")
    except PermissionDeniedError:
        pass
    try:
        budgeting.pb_ballot_cast(city=city, pb=pb, user=user, choices={"a": 1})
        done.append("budget")
    except PermissionDeniedError:
        pass
    return done


def test_staff_verify_a_resident_and_the_change_is_audited(city, other_city, staff, citizen):
    for nobody in (citizen, MembershipFactory(city=other_city, role="staff").user):
        with pytest.raises(PermissionDeniedError):
            membership_verify_resident(city=city, actor=nobody, user=citizen)
    with pytest.raises(NotFoundError):  # a person with no resident membership here
        membership_verify_resident(city=city, actor=staff, user=MembershipFactory().user)
    m = membership_verify_resident(city=city, actor=staff, user=citizen, note="マイナンバーカード")
    assert m.verified_resident and Membership.objects.get(pk=m.pk).verified_resident
    event = AuditEvent.objects.get(action="membership.verify_resident")
    assert event.actor == staff and event.city == city
    assert event.details == {"user": citizen.pk, "verified": True, "note": "マイナンバーカード"}
    membership_verify_resident(city=city, actor=staff, user=citizen, verified=False)
    assert not Membership.objects.get(pk=m.pk).verified_resident
    assert AuditEvent.objects.filter(action="membership.verify_resident").count() == 2


def test_the_city_rule_of_verified_residents_holds_in_every_vote(city, staff, citizen):
    decision, pb = _decision(city, staff), _round(city, staff)
    for nobody in (citizen, None):
        with pytest.raises(PermissionDeniedError):
            city_rule_set(city=city, actor=nobody, key="voting", value="verified")  # type: ignore[arg-type]
    with pytest.raises(DomainError):
        city_rule_set(city=city, actor=staff, key="voting", value="everyone")
    city_rule_set(city=city, actor=staff, key="voting", value="verified")
    decision.city.refresh_from_db()
    assert city.rule("voting", "registered") == "verified"
    assert AuditEvent.objects.get(action="city.rule_set").details["after"] == "verified"
    assert _votes(city, decision, pb, citizen) == []
    assert not PbBallot.objects.exists()
    membership_verify_resident(city=city, actor=staff, user=citizen)
    assert _votes(city, decision, pb, citizen) == ["decision", "budget"]


def test_a_decision_or_round_may_ask_for_verified_residents(city, staff, citizen):
    decision = _decision(city, staff, electorate="verified")
    pb = _round(city, staff, electorate="verified")
    with pytest.raises(DomainError):
        _round(city, staff, electorate="members")
    assert _votes(city, decision, pb, citizen) == []
    membership_verify_resident(city=city, actor=system_actor(), user=citizen)
    assert _votes(city, decision, pb, citizen) == ["decision", "budget"]
    registered = MembershipFactory(city=city).user  # the default rule: registered residents
    assert _votes(city, _decision(city, staff), _round(city, staff), registered) == [
        "decision",
        "budget",
    ]


def test_an_unconfirmed_or_outside_account_does_not_vote(city, other_city, staff):
    decision, pb = _decision(city, staff), _round(city, staff)
    unconfirmed = MembershipFactory(city=city).user
    User.objects.filter(pk=unconfirmed.pk).update(email_confirmed_at=None)
    unconfirmed.refresh_from_db()
    outsider = MembershipFactory(city=other_city).user
    business = MembershipFactory(city=city, role="business").user  # not a resident
    for person in (unconfirmed, outsider, business):
        assert _votes(city, decision, pb, person) == []


def test_a_members_vote_follows_the_city_rule_too(city, staff):
    founder = MembershipFactory(city=city).user
    group = groups.group_create(city=city, user=founder, name="会", purpose="目的", theme="green")
    members_vote = _decision(city, staff, electorate="members", group=group, actor=founder)
    city_rule_set(city=city, actor=staff, key="voting", value="verified")
    members_vote.city.refresh_from_db()
    with pytest.raises(PermissionDeniedError):
        decisions.ballot_cast(
            city=city, decision=members_vote, user=founder, ballot={"choice": "A"}
        )
    membership_verify_resident(city=city, actor=staff, user=founder)
    decisions.ballot_cast(city=city, decision=members_vote, user=founder, ballot={"choice": "A"})
