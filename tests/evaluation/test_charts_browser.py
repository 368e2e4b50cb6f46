"""The vendored ECharts (Kyoso's smaller build, core/static/vendor/echarts/build) draws every chart kind."""

from __future__ import annotations

import pytest

from kyoso.evaluation.models import Verification
from tests.evaluation.test_pages import portfolio_data  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_kpi_verification_and_portfolio_charts_are_drawn(page, city, staff, portfolio_data):  # noqa: F811
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    kpi = portfolio_data.kpis.first()
    verification = Verification.objects.filter(status="done").first()
    for path in (
        f"/hitachi/evaluation/kpis/{kpi.code}/",
        f"/hitachi/evaluation/verifications/{verification.pk}/",
    ):
        page.goto(page.base_url + path)
        assert page.locator(".chart").count() >= 1
        # A line drawn as SVG paths: the build has the charts, components and renderer used.
        page.wait_for_function("document.querySelectorAll('.chart svg path').length > 5")
    assert errors == []
