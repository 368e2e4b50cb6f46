from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(business) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(business)
    return c


def test_company_site_activity_inventory_plan(api: Client, city, factors) -> None:  # type: ignore[no-untyped-def]
    r = api.post(
        "/api/v1/green/hitachi/companies",
        {"name": "多賀プレス", "jsic": "24", "sales_million_yen": "500", "employees": 20},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = api.post(
        f"/api/v1/green/hitachi/companies/{pk}/sites",
        {"name": "本社工場", "roof_area_m2": 600},
        content_type="application/json",
    )
    assert r.status_code == 201
    site = r.json()["id"]
    for month in ("2025-04-01", "2025-05-01"):
        r = api.post(
            f"/api/v1/green/hitachi/companies/{pk}/activities",
            {
                "site_id": site,
                "month": month,
                "category": "electricity",
                "quantity": "100000",
                "unit": "kWh",
                "supplier": "A0269",
                "menu": "メニューM(残差)",
            },
            content_type="application/json",
        )
        assert r.status_code == 201 and r.json()["co2_market_t"] == "45.200000"
    csv = "月,拠点,種別,数量,単位\n2025-06,本社工場,A重油,5,kL\n".encode("cp932")
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = api.post(
        f"/api/v1/green/hitachi/companies/{pk}/activities/csv",
        {"file": SimpleUploadedFile("bills.csv", csv)},
    )
    assert r.status_code == 201 and r.json() == {"rows": 1}
    inv = api.get(f"/api/v1/green/hitachi/companies/{pk}/inventory").json()
    assert inv[0]["fiscal_year"] == 2025 and inv[0]["market_total_t"] == pytest.approx(90.4 + 13.75)
    assert inv[0]["months_with_data"] == 3
    plan = api.get(f"/api/v1/green/hitachi/companies/{pk}/plan?budget_yen=5000000").json()
    assert plan["status"] in ("optimal", "target_unreachable") and plan["measures"]
    assert any(m["key"] == "rooftop_pv" for m in plan["measures"])
    assert api.get("/api/v1/green/hitachi/factor-lists").json()[0]["attribution"]


def test_errors_name_the_field(api: Client, city, factors, company) -> None:  # type: ignore[no-untyped-def]
    site = company.sites.get().pk
    r = api.post(
        f"/api/v1/green/hitachi/companies/{company.pk}/activities",
        {
            "site_id": site,
            "month": "2025-04-01",
            "category": "diesel",
            "quantity": "1",
            "unit": "kWh",
        },
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["detail"][0]["field"] == "unit"
    r = api.post(
        f"/api/v1/green/hitachi/companies/{company.pk}/activities",
        {"site_id": site, "month": "2025-04-01", "category": "diesel", "quantity": "-1"},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "quantity"
    r = api.post(
        f"/api/v1/green/hitachi/companies/{company.pk}/activities/csv",
        {"file": __import__("io").BytesIO(b"\x00\x01")},
    )
    assert r.status_code in (400, 422)
    assert api.get("/api/v1/green/hitachi/consortium").status_code == 403


def test_others_cannot_read_a_company(city, factors, company, citizen) -> None:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(citizen)
    assert c.get(f"/api/v1/green/hitachi/companies/{company.pk}/inventory").status_code == 404


def test_consortium_invitations_and_vision_links_over_the_api(
    api: Client, city, company, business, staff
) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from kyoso.green import services
    from kyoso.green.models import Consortium
    from tests.core.factories import MembershipFactory
    from tests.vision.factories import MeasureFactory

    clerk = MembershipFactory(city=city, role="business").user
    consortium = Consortium.objects.create(city=city, name="日立市脱炭素コンソーシアム")
    services.consortium_secretariat_set(actor=staff, consortium=consortium, user=clerk)
    sec = Client()
    sec.force_login(clerk)
    assert (
        api.post(
            "/api/v1/green/hitachi/consortium/invitations",
            {"company": company.name},
            content_type="application/json",
        ).status_code
        == 403
    )  # a company manager is not the secretariat
    r = sec.post(
        "/api/v1/green/hitachi/consortium/invitations",
        {"company": company.name},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    inv = api.get(f"/api/v1/green/hitachi/companies/{company.pk}/invitations").json()
    assert [i["consortium"] for i in inv] == ["日立市脱炭素コンソーシアム"]
    r = api.post(
        f"/api/v1/green/hitachi/companies/{company.pk}/invitations/{inv[0]['id']}",
        {"accept": True, "secretariat_may_enter": True},
        content_type="application/json",
    )
    assert r.json()["accepted"] is True
    members = sec.get("/api/v1/green/hitachi/consortium/members").json()
    assert members == [
        {"id": company.pk, "name": company.name, "shares": "private", "secretariat_may_enter": True}
    ]
    assert api.get("/api/v1/green/hitachi/consortium/members").status_code == 403

    vm = MeasureFactory(city=city, title_ja="中小企業の省エネ設備更新支援")
    m = services.measure_adopt(
        actor=business,
        company=company,
        key="led",
        name="LED照明",
        capex_yen=1,
        opex_change_yen=0,
        lifetime_years=10,
        abated_t=Decimal(2),
    )
    url = f"/api/v1/green/hitachi/companies/{company.pk}/measures/{m.pk}/vision-measure"
    r = api.put(url, {"vision_measure_id": vm.pk}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["vision_measure_title"] == "中小企業の省エネ設備更新支援"
    r = api.put(url, {"vision_measure_id": vm.pk + 1000}, content_type="application/json")
    assert r.status_code == 400 and r.json()["detail"][0]["field"] == "vision_measure_id"
    listed = api.get(f"/api/v1/green/hitachi/companies/{company.pk}/measures").json()
    assert listed[0]["vision_measure_id"] == vm.pk
