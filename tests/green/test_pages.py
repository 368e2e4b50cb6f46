from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from kyoso.green import services
from kyoso.green.models import Consortium

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_business_pages(company, business, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    c = _client(business)
    site = company.sites.get()
    for m in (4, 5, 6):
        services.activity_record(
            actor=business,
            company=company,
            inp=services.ActivityInput(
                site.pk,
                date(2025, m, 1),
                "electricity",
                Decimal(50000),
                "kWh",
                "A0269",
                "メニューM(残差)",
            ),
        )
    base = f"/hitachi/green/companies/{company.pk}/"
    assert c.get("/hitachi/green/").status_code == 200
    with django_assert_max_num_queries(40):
        r = c.get(base)
    assert r.status_code == 200 and "67.8" in r.content.decode()
    assert "スコープ1" in r.content.decode()  # plain Japanese first
    for path in ("sites/", "bills/", "plan/", "report/"):
        assert c.get(base + path).status_code == 200, path
    r = c.get(base + "export.csv")
    assert r.status_code == 200 and "メニューM(残差)" in b"".join(r.streaming_content).decode(
        "utf-8-sig"
    )
    r = c.post(
        base + "bills/",
        {"site": site.pk, "month": "2025-07", "category": "diesel", "quantity": "1", "unit": "kWh"},
    )
    assert r.status_code == 200 and "kL" in r.content.decode()


def test_consortium_page_for_staff_only(city, staff, business, company) -> None:  # type: ignore[no-untyped-def]
    Consortium.objects.create(city=city, name="c").members.add(company)
    assert _client(staff).get("/hitachi/green/consortium/").status_code == 200
    assert _client(business).get("/hitachi/green/consortium/").status_code == 403
    r = _client(staff).post("/hitachi/green/consortium/", {"fiscal_year": 2013, "t_co2": "2108000"})
    assert r.status_code == 302
    assert _client(staff).get("/hitachi/green/staff/factors/").status_code == 200
    assert _client(business).get("/hitachi/green/staff/factors/").status_code == 403


def test_company_sets_its_own_target(company, business) -> None:  # type: ignore[no-untyped-def]
    c = _client(business)
    site = company.sites.get()
    services.activity_record(
        actor=business,
        company=company,
        inp=services.ActivityInput(site.pk, date(2025, 4, 1), "electricity", Decimal(50000), "kWh"),
    )
    url = f"/hitachi/green/companies/{company.pk}/plan/"
    r = c.post(url, {"base_year": 2025, "target_year": 2030, "percent": "30"})
    assert r.status_code == 302
    company.refresh_from_db()
    assert (company.target_base_year, company.target_year, company.target_percent) == (
        2025,
        2030,
        30,
    )
    r = c.post(url, {"base_year": 2030, "target_year": 2025, "percent": "30"})
    assert r.status_code == 200 and company.target_year == 2030
