"""Property-based check of voice's API against its OpenAPI schema, in a real city: no 5xx."""

from __future__ import annotations

import zlib

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.voice.factories import (
    ConversationFactory,
    ProposalFactory,
    StatementFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_voice_api_has_no_server_errors(city, citizen):
    from kyoso.core.services import api_token_create
    from kyoso.wsgi import application

    _token, key = api_token_create(user=citizen, name="schemathesis")
    proposal = ProposalFactory(city=city)
    conversation = ConversationFactory(city=city)
    StatementFactory(conversation=conversation)
    workshop = WorkshopFactory(city=city)
    ids = {
        "proposal_id": proposal.pk,
        "conversation_id": conversation.pk,
        "workshop_id": workshop.pk,
    }
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    failures: list[str] = []
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if "/voice/" not in operation.path:
            continue
        checked += 1

        @settings(
            max_examples=15,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
        @given(case=operation.as_strategy())
        def check(case):  # type: ignore[no-untyped-def]
            # Half the cases use the real city and objects, so the handlers run past the lookups.
            if case.path_parameters and zlib.crc32(repr(case.body).encode()) % 2 == 0:
                case.path_parameters["city_slug"] = city.slug
                for name, value in ids.items():
                    if name in case.path_parameters:
                        case.path_parameters[name] = value
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {key}"}
            response = case.call()
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.body!r} -> {response.status_code}"
                )

        check()
    assert checked >= 15  # every voice operation was exercised
    assert failures == []
