"""Who may write in a city: its participation rule, enforced in every service (issue 9 §3)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kyoso.core.errors import PermissionDeniedError
from kyoso.core.models import City, Membership, User
from tests.commons.factories import GroupFactory
from tests.core.factories import MembershipFactory, UserFactory
from tests.voice.factories import ConversationFactory, ProposalFactory, StatementFactory

pytestmark = pytest.mark.django_db


def _propose(city: City, user: User) -> Any:
    from kyoso.voice.services import proposal_create

    return proposal_create(city=city, author=user, title="ベンチを置いて", body="駅前に")


def _support(city: City, user: User) -> Any:
    from kyoso.voice.services import proposal_support

    return proposal_support(city=city, proposal=ProposalFactory(city=city), user=user)


def _comment(city: City, user: User) -> Any:
    from kyoso.voice.services import comment_create

    return comment_create(
        city=city, author=user, body="賛成です", proposal=ProposalFactory(city=city)
    )


def _statement(city: City, user: User) -> Any:
    from kyoso.voice.services import statement_add

    conversation = ConversationFactory(city=city)
    return statement_add(city=city, conversation=conversation, user=user, text="バスを増やす")


def _vote(city: City, user: User) -> Any:
    from kyoso.voice.services import vote_cast

    statement = StatementFactory(conversation=ConversationFactory(city=city))
    return vote_cast(
        city=city,
        conversation=statement.conversation,
        user=user,
        statement=statement,
        value=1,
    )


def _join(city: City, user: User) -> Any:
    from kyoso.commons.services import group_join

    return group_join(city=city, user=user, group=GroupFactory(city=city))


def _consent(city: City, user: User) -> Any:
    from kyoso.core.services import consent_grant

    return consent_grant(city=city, user=user, purpose="points.rewards")


def _ledger_account(city: City, user: User) -> Any:
    from kyoso.commons.services import account_open

    return account_open(city=city, user=user)


WRITES: dict[str, Callable[[City, User], Any]] = {
    "proposal": _propose,
    "support": _support,
    "comment": _comment,
    "statement": _statement,
    "conversation vote": _vote,
    "group join": _join,
    "consent": _consent,
    "ledger account": _ledger_account,
}


@pytest.mark.parametrize("write", list(WRITES), ids=list(WRITES))
def test_an_account_with_no_role_in_the_city_cannot_write_there(city, other_city, write):
    outsider = MembershipFactory(city=other_city, role="citizen").user
    with pytest.raises(PermissionDeniedError):
        WRITES[write](city, outsider)
    with pytest.raises(PermissionDeniedError):
        WRITES[write](city, UserFactory())  # registered nowhere


@pytest.mark.parametrize("write", list(WRITES), ids=list(WRITES))
def test_a_registered_citizen_can_write(city, write):
    WRITES[write](city, MembershipFactory(city=city, role="citizen").user)


@pytest.mark.parametrize("write", list(WRITES)[:6], ids=list(WRITES)[:6])
def test_a_residents_only_city_refuses_unverified_citizens(city, write):
    city.rules = {**city.rules, "participation": "residents"}
    city.save(update_fields=["rules"])
    unverified = MembershipFactory(city=city, role="citizen", verified_resident=False).user
    with pytest.raises(PermissionDeniedError):
        WRITES[write](city, unverified)
    verified = MembershipFactory(city=city, role="citizen", verified_resident=True).user
    WRITES[write](city, verified)


def test_staff_cannot_enter_a_proposal_for_a_citizen_of_another_city(city, other_city, staff):
    """Hitachi staff typing a paper proposal (代理入力) only for people of their own city."""
    from kyoso.voice.services import proposal_create

    takahagi_citizen = MembershipFactory(city=other_city, role="citizen").user
    with pytest.raises(PermissionDeniedError):
        proposal_create(
            city=city, author=takahagi_citizen, title="代理", body="紙で", entered_by=staff
        )
    own = MembershipFactory(city=city, role="citizen").user
    proposal = proposal_create(city=city, author=own, title="代理", body="紙で", entered_by=staff)
    assert proposal.entered_by == staff
    assert Membership.objects.filter(city=city, user=takahagi_citizen).count() == 0
