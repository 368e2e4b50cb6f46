from __future__ import annotations

import pytest

from kyoso.evaluation.selectors import kpi_statuses
from kyoso.vision.selectors import kpis_of
from tests.vision.factories import KpiFactory, add_actuals

pytestmark = pytest.mark.django_db


def test_statuses(city):
    on = KpiFactory(city=city, code="on", baseline_value=100, target_value=200)
    add_actuals(on, {y: 100 + 8 * (y - 2015) for y in range(2016, 2025)})
    off = KpiFactory(city=city, code="off", baseline_value=100, target_value=200)
    add_actuals(off, {y: 100 + (y % 2) for y in range(2016, 2025)})
    KpiFactory(city=city, code="empty")
    statuses = {
        k.code: s for k, s in zip(kpis_of(city), kpi_statuses(kpis_of(city)).values(), strict=True)
    }
    assert statuses["on"].code == "on_track" and statuses["on"].projected > 200
    assert statuses["on"].interval[0] < statuses["on"].projected < statuses["on"].interval[1]
    assert statuses["off"].code == "off_track"
    assert statuses["empty"].code == "no_data" and statuses["empty"].label
    assert statuses["on"].needed_now == pytest.approx(100 + 100 * 9 / 15)
