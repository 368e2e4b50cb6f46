from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from kyoso.green.models import Company, Site


class CompanyFactory(DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"テスト工業{n}株式会社")
    jsic = "24"
    employees = 40
    sales_million_yen = Decimal(800)

    @factory.post_generation
    def managers(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted:
            self.managers.add(*extracted)


class SiteFactory(DjangoModelFactory):
    class Meta:
        model = Site

    company = factory.SubFactory(CompanyFactory)
    city = factory.LazyAttribute(lambda s: s.company.city)
    name = factory.Sequence(lambda n: f"工場{n}")
