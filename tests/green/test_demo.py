from __future__ import annotations

import random

import pytest

from kyoso.green import demo, selectors
from kyoso.green.models import Activity, Company, Consortium, FactorList

pytestmark = pytest.mark.django_db


def test_demo_companies_are_labelled_consented_and_idempotent(city) -> None:  # type: ignore[no-untyped-def]
    demo.load(city, random.Random("1-green"))
    companies = Company.objects.filter(city=city)
    assert companies.count() == len(demo.COMPANIES) == 30
    assert all(c.is_demo for c in companies)
    assert FactorList.objects.filter(city=city).count() == 5  # the packaged official lists
    consortium = Consortium.objects.get(city=city)
    assert consortium.theme is not None and consortium.theme.code == "green"
    months = set(Activity.objects.filter(city=city).values_list("month", flat=True))
    assert len(months) == 36  # FY2023–FY2025
    d = selectors.dashboard(city)
    assert d.members == 30 and 20 <= d.consenting < 30 and d.years == [2023, 2024, 2025]
    first = sorted(Activity.objects.filter(city=city).values_list("quantity", flat=True))[:50]
    demo.load(city, random.Random("1-green"))  # a second run adds nothing
    assert Company.objects.filter(city=city).count() == 30
    assert (
        sorted(Activity.objects.filter(city=city).values_list("quantity", flat=True))[:50] == first
    )
    # the business demo company has at least five consenting peers to compare with
    sukegawa = companies.get(name="助川精機株式会社")
    assert selectors.peer_benchmark(sukegawa, 2025) is not None
