"""A company's adopted measure linked to a city vision measure: chosen on the plan page, shown
on the vision measure's page only as far as the company consents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from kyoso.core.errors import DomainError, PermissionDeniedError
from kyoso.green import services
from kyoso.green.models import AdoptedMeasure
from tests.green.factories import CompanyFactory
from tests.vision.factories import MeasureFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def _adopt(company, user, name: str = "LED照明", t: str = "12.5") -> AdoptedMeasure:  # type: ignore[no-untyped-def]
    return services.measure_adopt(
        actor=user,
        company=company,
        key="led",
        name=name,
        capex_yen=1_000_000,
        opex_change_yen=-300_000,
        lifetime_years=15,
        abated_t=Decimal(t),
    )


def test_link_checks_city_and_manager(company, business, city, other_city, citizen) -> None:  # type: ignore[no-untyped-def]
    ours = MeasureFactory(city=city, title_ja="中小企業の省エネ設備更新支援")
    theirs = MeasureFactory(city=other_city)
    m = _adopt(company, business)
    services.measure_link_vision(actor=business, measure=m, vision_measure_id=ours.pk)
    assert AdoptedMeasure.objects.get(pk=m.pk).vision_measure_id == ours.pk
    with pytest.raises(DomainError) as exc:
        services.measure_link_vision(actor=business, measure=m, vision_measure_id=theirs.pk)
    assert exc.value.field == "vision_measure_id"
    with pytest.raises(PermissionDeniedError):
        services.measure_link_vision(actor=citizen, measure=m, vision_measure_id=ours.pk)
    services.measure_link_vision(actor=business, measure=m, vision_measure_id=None)
    assert AdoptedMeasure.objects.get(pk=m.pk).vision_measure_id is None
    with pytest.raises(DomainError):
        services.measure_adopt(
            actor=business,
            company=company,
            key="own",
            name="自社の工夫",
            capex_yen=0,
            opex_change_yen=0,
            lifetime_years=5,
            abated_t=Decimal(1),
            vision_measure_id=theirs.pk,
        )


def test_plan_page_links_and_vision_page_shows_by_consent(company, business, city) -> None:  # type: ignore[no-untyped-def]
    vision_measure = MeasureFactory(city=city, title_ja="中小企業の省エネ設備更新支援")
    site = company.sites.get()
    services.activity_record(
        actor=business,
        company=company,
        inp=services.ActivityInput(
            site.pk, date(2025, 4, 1), "electricity", Decimal(50000), "kWh", "A0269"
        ),
    )
    m = _adopt(company, business)
    c = _client(business)
    plan = f"/hitachi/green/companies/{company.pk}/plan/"
    page = c.get(plan).content.decode()
    assert "中小企業の省エネ設備更新支援" in page  # offered as a choice
    r = c.post(plan, {"measure": m.pk, "vision_measure": vision_measure.pk})
    assert r.status_code == 302
    assert AdoptedMeasure.objects.get(pk=m.pk).vision_measure_id == vision_measure.pk
    page = c.get(plan).content.decode()
    assert f'href="/hitachi/vision/measures/{vision_measure.pk}/"' in page

    # Another company, private: never counted. A third, totals only: counted without its name.
    private = CompanyFactory(city=city, managers=[business], name="非公開工業")
    counted = CompanyFactory(city=city, managers=[business], name="匿名金属")
    for other in (private, counted):
        services.measure_link_vision(
            actor=business,
            measure=_adopt(other, business, "高効率コンプレッサー", "5"),
            vision_measure_id=vision_measure.pk,
        )
    vision_page = f"/hitachi/vision/measures/{vision_measure.pk}/"
    text = Client().get(vision_page).content.decode()
    assert "取り組む企業" not in text  # nobody consented yet

    services.company_set_disclosure(actor=business, company=counted, level="aggregate")
    services.company_set_disclosure(actor=business, company=company, level="named")
    text = Client().get(vision_page).content.decode()
    assert "取り組む企業" in text
    assert "2社が対策を採用し、合わせて年17.5 t-CO2を減らします" in text
    assert "助川精機株式会社: LED照明" in text
    assert "匿名金属" not in text and "非公開工業" not in text
    assert "1社は、本人の選択により名前を出さずに数えています" in text

    services.company_set_disclosure(actor=business, company=company, level="private")
    text = Client().get(vision_page).content.decode()
    assert "助川精機" not in text  # revoked at once
