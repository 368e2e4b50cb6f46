"""Property-based checks of the whole API against its own OpenAPI schema: no 5xx anywhere, with
data that fits the schema (positive) and data that does not (negative: wrong types, missing
fields, values out of range), which must be refused with a 4xx."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode

pytestmark = pytest.mark.django_db(transaction=True)


def _schema():  # type: ignore[no-untyped-def]
    from kyoso.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def api_key(city, citizen):  # type: ignore[no-untyped-def]
    from kyoso.core import services

    _token, key = services.api_token_create(user=citizen, name="schemathesis")
    return key


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_errors_anywhere_in_the_api(api_key, mode):
    schema = _schema()
    failures: list[str] = []
    cases = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=10,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def check(case):  # type: ignore[no-untyped-def]
            nonlocal cases
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {api_key}"}
            response = case.call()
            cases += 1
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}")

        try:
            check()
        except Unsatisfiable:
            continue  # nothing in this operation can be made invalid (no parameters, no body)
    assert cases > 500
    assert failures == []
