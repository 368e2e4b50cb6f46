"""What the city and the consortium see: consented aggregates, names only when named, ≥5 peers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kyoso.green import selectors, services
from kyoso.green.models import Consortium
from tests.core.factories import MembershipFactory
from tests.green.factories import CompanyFactory, SiteFactory

pytestmark = pytest.mark.django_db


def _company_with_data(city, jsic: str, kwh: int, sales: int = 100):  # type: ignore[no-untyped-def]
    owner = MembershipFactory(city=city, role="business").user
    c = CompanyFactory(city=city, managers=[owner], jsic=jsic, sales_million_yen=Decimal(sales))
    site = SiteFactory(company=c)
    services.activity_bulk_load(
        actor=owner,
        company=c,
        rows=[
            services.ActivityInput(
                site.pk,
                date(2025 if m >= 4 else 2026, m, 1),
                "electricity",
                Decimal(kwh),
                "kWh",
                "A0269",
                "メニューM(残差)",
            )
            for m in range(1, 13)
        ],
    )
    return c, owner


def test_visibility_follows_consent(city, staff, factors) -> None:  # type: ignore[no-untyped-def]
    c, owner = _company_with_data(city, "24", 1000)
    consortium = Consortium.objects.create(city=city, name="c")
    consortium.members.add(c)
    assert selectors.dashboard(city).consenting == 0
    assert selectors.industrial_co2_by_year(city) == []
    assert not selectors.can_view(staff, c)

    services.company_set_disclosure(actor=owner, company=c, level="aggregate")
    d = selectors.dashboard(city)
    assert d.consenting == 1 and d.named == []
    assert d.totals[2025] == pytest.approx(12 * 1000 * 0.000452)
    assert selectors.industrial_co2_by_year(city) == [(2025, Decimal("5.4"))]
    assert not selectors.can_view(staff, c)  # counted, but not shown by name

    services.company_set_disclosure(actor=owner, company=c, level="named")
    assert selectors.can_view(staff, c)
    assert [co for co, _t in selectors.dashboard(city).named] == [c]

    services.company_set_disclosure(actor=owner, company=c, level="private")  # revoked at once
    assert not selectors.can_view(staff, c)
    assert selectors.dashboard(city).consenting == 0


def test_five_peer_rule(city, factors) -> None:  # type: ignore[no-untyped-def]
    me, _me_owner = _company_with_data(city, "26", 2000)
    peers = [_company_with_data(city, "26", 1000 * (i + 1)) for i in range(5)]
    other_industry = _company_with_data(city, "09", 500)
    services.company_set_disclosure(
        actor=other_industry[1], company=other_industry[0], level="aggregate"
    )
    for c, owner in peers[:4]:
        services.company_set_disclosure(actor=owner, company=c, level="aggregate")
    assert selectors.peer_benchmark(me, 2025) is None  # four consenting peers: nothing shown
    services.company_set_disclosure(actor=peers[4][1], company=peers[4][0], level="aggregate")
    b = selectors.peer_benchmark(me, 2025)
    assert b is not None and b.peers == 5
    assert b.median == pytest.approx(3 * 12 * 1000 * 0.000452 / 100)
    assert b.rank_pct == 20.0  # one of five peers emits less per sales
