"""Property-based checks of the whole API against its own OpenAPI schema: no 5xx anywhere."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

pytestmark = pytest.mark.django_db(transaction=True)


def _schema():  # type: ignore[no-untyped-def]
    from kyoso.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def api_key(city, citizen):  # type: ignore[no-untyped-def]
    from kyoso.core import services

    _token, key = services.api_token_create(user=citizen, name="schemathesis")
    return key


def test_no_server_errors_anywhere_in_the_api(api_key):
    schema = _schema()
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=10,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
        @given(case=operation.as_strategy())
        def check(case):  # type: ignore[no-untyped-def]
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {api_key}"}
            response = case.call()
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}")

        check()
    assert failures == []
