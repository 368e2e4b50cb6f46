from __future__ import annotations

from datetime import date

import pytest

from kyoso.core.models import Role
from kyoso.vision import selectors, services
from kyoso.vision.models import PerspectiveRating
from tests.core.factories import MembershipFactory
from tests.vision.factories import KpiFactory, MeasureFactory, ThemeFactory, link

pytestmark = pytest.mark.django_db


def test_roadmap_shows_gaps(city):
    theme = ThemeFactory(city=city, target_year=2031)
    sub = ThemeFactory(city=city, parent=theme)
    orphan = KpiFactory(city=city, theme=theme, code="orphan")
    short = KpiFactory(city=city, theme=sub, code="short", baseline_value=100, target_value=200)
    m = MeasureFactory(city=city, theme=sub, start_date=date(2022, 4, 1))
    link(m, short, 40)
    stopped = MeasureFactory(city=city, theme=sub, status="stopped")
    link(stopped, orphan, 1000)
    roadmap = selectors.roadmap_of(city, theme, today=date(2026, 1, 1))
    gaps = {g.kpi.code: g for g in roadmap.gaps}
    assert gaps["orphan"].no_measure  # a stopped measure does not count
    assert gaps["short"].share_percent == 40 and gaps["short"].short
    assert {g.kpi.code for g in roadmap.warnings} == {"orphan", "short"}
    assert roadmap.first_year == 2022 and roadmap.last_year == 2031
    bar = next(b for b in roadmap.bars if b.measure == m)
    assert bar.start == 2022 and bar.left_percent == 0


def test_roadmap_without_gaps(city):
    theme = ThemeFactory(city=city)
    kpi = KpiFactory(city=city, theme=theme, baseline_value=0, target_value=10)
    link(MeasureFactory(city=city, theme=theme), kpi, 6)
    link(MeasureFactory(city=city, theme=theme), kpi, 5)
    assert selectors.roadmap_of(city, theme).warnings == []


def test_perspectives_diverge_by_role(city, citizen, business):
    m = MeasureFactory(city=city)
    services.perspective_rate(city=city, user=citizen, measure=m, axis="economics", score=5)
    services.perspective_rate(city=city, user=business, measure=m, axis="economics", score=1)
    services.perspective_rate(city=city, user=citizen, measure=m, axis="fairness", score=4)
    summary = {a.axis: a for a in selectors.perspective_summary(m)}
    assert summary["economics"].diverges and summary["economics"].mean == 3
    assert summary["economics"].by_role[str(Role.BUSINESS.label)] == (1.0, 1)
    assert not summary["fairness"].diverges
    assert summary["convenience"].mean is None
    assert PerspectiveRating.objects.filter(role="business").count() == 1


def test_endorsement_breakdown_by_district_and_age(city):
    theme = ThemeFactory(city=city, parent=None)
    district = city.districts.first()
    users = [
        MembershipFactory(city=city, role=Role.CITIZEN, district=district).user for _ in range(3)
    ]
    for u in users:
        services.endorsement_add(city=city, user=u)
    services.endorsement_add(city=city, user=users[0], theme=theme)
    table = selectors.endorsement_breakdown(city, "district")
    assert table.rows == [(district.name_ja, [3, 1])]
    ages = selectors.endorsement_breakdown(city, "age_band")
    assert sum(sum(r[1]) for r in ages.rows) == 4
    assert selectors.endorsement_counts_by_theme(city) == {None: 3, theme.pk: 1}


def test_selectors_are_scoped_by_city(city, other_city):
    KpiFactory(city=other_city, code="x")
    MeasureFactory(city=other_city)
    assert not selectors.kpis_of(city).exists()
    assert not selectors.measures_of(city).exists()
