from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from kyoso.commons.models import Decision, Group, PbProject, PbRound, RewardRule
from tests.core.factories import CityFactory, UserFactory


class GroupFactory(DjangoModelFactory):
    class Meta:
        model = Group

    city = factory.SubFactory(CityFactory)
    name = factory.Sequence(lambda n: f"グループ{n}")
    purpose = "公園をきれいにします。"
    theme = "green"
    created_by = factory.SubFactory(UserFactory)


class RewardRuleFactory(DjangoModelFactory):
    class Meta:
        model = RewardRule

    city = factory.SubFactory(CityFactory)
    code = factory.Sequence(lambda n: f"rule-{n}")
    name = factory.Sequence(lambda n: f"公園の清掃 {n}")
    reason = "みんなの公園を守るためです。"
    points = 100
    theme = "green"


class DecisionFactory(DjangoModelFactory):
    class Meta:
        model = Decision

    city = factory.SubFactory(CityFactory)
    title = factory.Sequence(lambda n: f"決定 {n}")
    electorate = "residents"
    method = "plurality"
    options = factory.LazyFunction(lambda: ["A", "B", "C"])
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=6))
    board_id = factory.Sequence(lambda n: f"test-board-{n}")


class PbRoundFactory(DjangoModelFactory):
    class Meta:
        model = PbRound

    city = factory.SubFactory(CityFactory)
    title = factory.Sequence(lambda n: f"市民参加型予算 {n}")
    budget = 1000
    ballot_type = "approval"
    rule = "mes"
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=6))


class PbProjectFactory(DjangoModelFactory):
    class Meta:
        model = PbProject

    city = factory.SubFactory(CityFactory)
    round = factory.SubFactory(PbRoundFactory)
    code = factory.Sequence(lambda n: f"p{n}")
    title = factory.Sequence(lambda n: f"事業 {n}")
    cost = 300
