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
