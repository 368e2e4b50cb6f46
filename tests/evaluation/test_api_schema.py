"""Property-based checks of the vision and evaluation API as city staff: no 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.second_step import authenticator
from tests.vision.factories import KpiFactory, MeasureFactory, ThemeFactory, add_actuals

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff_key(city, staff):  # type: ignore[no-untyped-def]
    from kyoso.core import services

    theme = ThemeFactory(city=city, code="green")
    kpi = KpiFactory(city=city, theme=theme, code="co2")
    add_actuals(kpi, {2016: 1, 2017: 2, 2018: 3})
    MeasureFactory(city=city, theme=theme)
    authenticator(staff)  # staff keys work only once the account has two-step sign-in
    _token, key = services.api_token_create(user=staff, name="schemathesis")
    return key


def test_no_server_errors_in_vision_and_evaluation(staff_key):
    from kyoso.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith(("/api/v1/vision/", "/api/v1/evaluation/")):
            continue

        @settings(
            max_examples=8,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
        @given(case=operation.as_strategy())
        def check(case):  # type: ignore[no-untyped-def]
            if case.path_parameters and "city_slug" in case.path_parameters:
                case.path_parameters["city_slug"] = "hitachi"
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {staff_key}"}
            response = case.call()
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}")

        check()
    assert failures == []
