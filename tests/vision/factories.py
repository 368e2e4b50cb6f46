from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from kyoso.vision.models import Kpi, KpiActual, Measure, MeasureKpiLink, Theme, Vision
from tests.core.factories import CityFactory


class VisionFactory(DjangoModelFactory):
    class Meta:
        model = Vision

    city = factory.SubFactory(CityFactory)
    title_ja = "海と山のまち"
    title_en = "A city by the sea"
    future_image_ja = "2050年、誰もが移動に困らないまちです。"
    future_image_en = "In 2050 nobody is stuck without a car."


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme

    city = factory.SubFactory(CityFactory)
    code = factory.Sequence(lambda n: f"theme-{n}")
    name_ja = factory.Sequence(lambda n: f"テーマ{n}")
    name_en = factory.Sequence(lambda n: f"Theme {n}")
    target_state_ja = "めざす姿の説明です。"


class KpiFactory(DjangoModelFactory):
    class Meta:
        model = Kpi

    city = factory.SubFactory(CityFactory)
    theme = factory.SubFactory(ThemeFactory, city=factory.SelfAttribute("..city"))
    code = factory.Sequence(lambda n: f"kpi-{n}")
    name_ja = factory.Sequence(lambda n: f"指標{n}")
    name_en = factory.Sequence(lambda n: f"Indicator {n}")
    unit = "人"
    direction = "up"
    baseline_year = 2015
    baseline_value = Decimal("100")
    target_year = 2030
    target_value = Decimal("250")


class MeasureFactory(DjangoModelFactory):
    class Meta:
        model = Measure

    city = factory.SubFactory(CityFactory)
    theme = factory.SubFactory(ThemeFactory, city=factory.SelfAttribute("..city"))
    title_ja = factory.Sequence(lambda n: f"施策{n}")
    title_en = factory.Sequence(lambda n: f"Measure {n}")
    status = "running"


def add_actuals(kpi: Kpi, values: dict[int, float]) -> None:
    KpiActual.objects.bulk_create(
        KpiActual(city=kpi.city, kpi=kpi, year=y, value=Decimal(str(v)), source="manual")
        for y, v in values.items()
    )


def link(measure: Measure, kpi: Kpi, change: float) -> MeasureKpiLink:
    return MeasureKpiLink.objects.create(
        city=measure.city, measure=measure, kpi=kpi, expected_change=Decimal(str(change))
    )
