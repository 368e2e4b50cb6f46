"""The 算定・報告・公表制度 layout, completeness and intensity, hand-worked from the official lists."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from kyoso.green import selectors, services

pytestmark = pytest.mark.django_db

TOKYO_GAS_A = (
    "東京ガスネットワーク株式会社の供給区域（東京地区等）及び特定ガス導管事業の供給地点 メニューA"
)


def test_shk_layout_completeness_and_intensity(company, business) -> None:  # type: ignore[no-untyped-def]
    site = company.sites.get()
    m = date(2025, 6, 1)
    for inp in [
        # TEPCO EP メニューM(残差): basic = adjusted = 0.000452 → 45.2 t
        services.ActivityInput(
            site.pk, m, "electricity", Decimal(100), "MWh", "A0269", "メニューM(残差)"
        ),
        # 軽油 2.62 t/kL → 26.2 t
        services.ActivityInput(site.pk, m, "diesel", Decimal(10), "kL"),
        # 東京ガス メニューA: basic 2.09, adjusted 0.00 → 41.8 t basic, 0 adjusted
        services.ActivityInput(site.pk, m, "city_gas", Decimal(20), "千m3", "A0020", TOKYO_GAS_A),
        # 非化石証書 10 MWh × 全国平均係数 0.000423 × 補正率 1.0 = 4.23 t deducted
        services.ActivityInput(site.pk, m, "non_fossil", Decimal(10), "MWh"),
        # J-クレジット 5 t deducted
        services.ActivityInput(site.pk, m, "j_credit", Decimal(5), "t"),
        # R-410A 2 kg × GWP (677 + 3170) / 2 = 3.847 t-CO2e, another gas
        services.ActivityInput(site.pk, m, "refrigerant", Decimal(2), "kg", detail="R-410A"),
    ]:
        services.activity_record(actor=business, company=company, inp=inp)
    shk = selectors.shk_report(company, 2025)
    assert shk["energy_co2_basic"] == pytest.approx(45.2 + 26.2 + 41.8)
    assert shk["deductions"] == pytest.approx(4.23 + 5)
    assert shk["energy_co2_adjusted"] == pytest.approx(45.2 + 26.2 + 0 - 4.23 - 5)
    assert shk["other_gases"] == pytest.approx(3.847)

    inv = selectors.company_years(company)[2025]
    assert inv.months_with_data == 1
    assert len(inv.months_missing) == 11 and date(2025, 4, 1) in inv.months_missing
    # The gas list is R7年度供給実績, for FY2026: FY2025's gas line uses it provisionally.
    assert inv.provisional_rows == 1
    # Intensity of the market-based total: Scope 1 (26.2 + 0 + 3.847) + Scope 2 45.2 − 4.23 − 5
    market = 26.2 + 3.847 + 45.2 - 4.23 - 5
    assert inv.market_total == pytest.approx(market)
    company.employees, company.sales_million_yen = 40, Decimal(800)
    got = selectors.intensity(company, inv)
    assert got["per_million_yen"] == pytest.approx(market / 800)
    assert got["per_employee"] == pytest.approx(market / 40)

    c = Client()
    c.force_login(business)
    page = c.get(f"/hitachi/green/companies/{company.pk}/report/?fy=2025").content.decode()
    assert "算定・報告・公表制度の報告に使う数値" in page
    assert "113.2 t-CO2" in page and "62.2 t-CO2" in page
    services.company_set_target(
        actor=business,
        company=company,
        base_year=2013,
        target_year=2030,
        percent=Decimal(38),
        specified_emitter=True,
    )
    page = c.get(f"/hitachi/green/companies/{company.pk}/report/?fy=2025").content.decode()
    assert "参考" not in page.split("算定・報告・公表制度の報告に使う数値")[1].split("</table>")[0]
