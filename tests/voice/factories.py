from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from kyoso.core.services.themes import theme_resolve
from kyoso.voice.models import (
    Conversation,
    Proposal,
    Report,
    ServiceAttribute,
    ServiceType,
    Statement,
    Workshop,
)
from tests.core.factories import CityFactory, UserFactory


class ProposalFactory(DjangoModelFactory):
    class Meta:
        model = Proposal

    city = factory.SubFactory(CityFactory)
    title = factory.Sequence(lambda n: f"提案{n} バスを増やしてほしい")
    body = "病院へ行くバスの本数が少ないので増やしてください。"
    theme = factory.LazyAttribute(lambda o: theme_resolve(city=o.city, code="transport"))
    author = factory.SubFactory(UserFactory)
    public_name = "市民"


class ServiceTypeFactory(DjangoModelFactory):
    class Meta:
        model = ServiceType
        django_get_or_create = ("city", "code")

    city = factory.SubFactory(CityFactory)
    code = "pothole"
    name_ja = "道路の穴"
    name_en = "Pothole"


class ServiceAttributeFactory(DjangoModelFactory):
    class Meta:
        model = ServiceAttribute

    city = factory.SelfAttribute("service.city")
    service = factory.SubFactory(ServiceTypeFactory)
    code = "SIZE"
    datatype = "singlevaluelist"
    required = True
    description = "Size"
    values = factory.LazyFunction(
        lambda: [{"key": "small", "name": "Small"}, {"key": "large", "name": "Large"}]
    )


class ReportFactory(DjangoModelFactory):
    class Meta:
        model = Report

    city = factory.SubFactory(CityFactory)
    service = factory.SubFactory(ServiceTypeFactory, city=factory.SelfAttribute("..city"))
    token = factory.Sequence(lambda n: f"tok{n:06d}")
    description = "穴があります"
    lat = 36.59
    lon = 140.65
    requested_at = factory.LazyFunction(timezone.now)


class ConversationFactory(DjangoModelFactory):
    class Meta:
        model = Conversation

    city = factory.SubFactory(CityFactory)
    title = "交通について"
    question = "どう思いますか？"
    moderation = "permissive"


class StatementFactory(DjangoModelFactory):
    class Meta:
        model = Statement

    city = factory.SelfAttribute("conversation.city")
    conversation = factory.SubFactory(ConversationFactory)
    text = factory.Sequence(lambda n: f"意見{n}")
    is_seed = True
    status = "accepted"


class WorkshopFactory(DjangoModelFactory):
    class Meta:
        model = Workshop

    city = factory.SubFactory(CityFactory)
    title = "ワークショップ"
    place = "交流センター"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7, hours=2))
    capacity = 2
