from __future__ import annotations

import pytest

from kyoso.core.services import api_token_create
from kyoso.voice import services
from kyoso.voice.models import Proposal
from tests.second_step import authenticator
from tests.voice.factories import (
    ConversationFactory,
    ProposalFactory,
    StatementFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db


def bearer(user):  # type: ignore[no-untyped-def]
    authenticator(user)  # staff keys work only once the account has two-step sign-in
    _t, key = api_token_create(user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_list_and_get_proposals_public(client, city, other_city):
    p = ProposalFactory(city=city)
    ProposalFactory(city=other_city)
    data = client.get(f"/api/v1/voice/{city.slug}/proposals").json()
    assert [d["id"] for d in data] == [p.pk]
    assert client.get(f"/api/v1/voice/{city.slug}/proposals/{p.pk}").json()["title"] == p.title
    assert client.get(f"/api/v1/voice/{other_city.slug}/proposals/{p.pk}").status_code == 404
    assert client.get(f"/api/v1/voice/{city.slug}/proposals/{2**60}").status_code == 422


def test_create_support_respond(client, city, citizen, staff):
    response = client.post(
        f"/api/v1/voice/{city.slug}/proposals",
        {"title": "API提案", "body": "本文", "theme_code": "green"},
        content_type="application/json",
        **bearer(citizen),
    )
    assert response.status_code == 201, response.content
    pid = response.json()["id"]
    assert (
        client.post(
            f"/api/v1/voice/{city.slug}/proposals/{pid}/support", **bearer(citizen)
        ).status_code
        == 400
    )
    assert (
        client.post(f"/api/v1/voice/{city.slug}/proposals/{pid}/support", **bearer(staff)).json()[
            "support_count"
        ]
        == 1
    )
    denied = client.post(
        f"/api/v1/voice/{city.slug}/proposals/{pid}/responses",
        {"status": "accepted", "text": ""},
        content_type="application/json",
        **bearer(citizen),
    )
    assert denied.status_code == 403
    declined = client.post(
        f"/api/v1/voice/{city.slug}/proposals/{pid}/responses",
        {"status": "declined", "text": ""},
        content_type="application/json",
        **bearer(staff),
    )
    assert declined.status_code == 400 and declined.json()["detail"][0]["field"] == "text"
    assert Proposal.objects.get().status == "open"


def test_create_needs_auth_and_valid_input(client, city, citizen):
    assert (
        client.post(
            f"/api/v1/voice/{city.slug}/proposals",
            {"title": "t", "body": "b"},
            content_type="application/json",
        ).status_code
        == 401
    )
    bad = client.post(
        f"/api/v1/voice/{city.slug}/proposals",
        {"title": "", "body": "b"},
        content_type="application/json",
        **bearer(citizen),
    )
    assert bad.status_code == 422
    bad_district = client.post(
        f"/api/v1/voice/{city.slug}/proposals",
        {"title": "t", "body": "b", "district": "nowhere"},
        content_type="application/json",
        **bearer(citizen),
    )
    assert bad_district.status_code == 404


def test_comments_api(client, city, citizen):
    p = ProposalFactory(city=city)
    created = client.post(
        f"/api/v1/voice/{city.slug}/proposals/{p.pk}/comments",
        {"body": "賛成"},
        content_type="application/json",
        **bearer(citizen),
    )
    assert created.status_code == 201
    reply = client.post(
        f"/api/v1/voice/{city.slug}/proposals/{p.pk}/comments",
        {"body": "私も", "parent": created.json()["id"]},
        content_type="application/json",
        **bearer(citizen),
    )
    assert reply.json()["parent_id"] == created.json()["id"]
    assert len(client.get(f"/api/v1/voice/{city.slug}/proposals/{p.pk}/comments").json()) == 2


def test_conversation_vote_and_map_api(client, city, citizen, staff):
    conversation = ConversationFactory(city=city)
    s = StatementFactory(conversation=conversation)
    assert (
        client.get(f"/api/v1/voice/{city.slug}/conversations/{conversation.pk}/map").status_code
        == 404
    )
    vote = client.post(
        f"/api/v1/voice/{city.slug}/conversations/{conversation.pk}/votes",
        {"statement": s.pk, "value": 1},
        content_type="application/json",
        **bearer(citizen),
    )
    assert vote.status_code == 200 and vote.json()["value"] == 1
    bad = client.post(
        f"/api/v1/voice/{city.slug}/conversations/{conversation.pk}/votes",
        {"statement": s.pk, "value": 3},
        content_type="application/json",
        **bearer(citizen),
    )
    assert bad.status_code == 422
    statements = client.get(
        f"/api/v1/voice/{city.slug}/conversations/{conversation.pk}/statements"
    ).json()
    assert [x["id"] for x in statements] == [s.pk]
    added = client.post(
        f"/api/v1/voice/{city.slug}/conversations/{conversation.pk}/statements",
        {"text": "新しい"},
        content_type="application/json",
        **bearer(citizen),
    )
    assert added.status_code == 201


def test_workshops_api(client, city, citizen, staff):
    w = WorkshopFactory(city=city)
    services.idea_record(city=city, workshop=w, actor=staff, text="アイデア")
    assert [x["id"] for x in client.get(f"/api/v1/voice/{city.slug}/workshops").json()] == [w.pk]
    assert (
        client.get(f"/api/v1/voice/{city.slug}/workshops/{w.pk}/ideas").json()[0]["text"]
        == "アイデア"
    )
    assert client.post(
        f"/api/v1/voice/{city.slug}/workshops/{w.pk}/register", **bearer(citizen)
    ).json() == {"registered": True}
    again = client.post(f"/api/v1/voice/{city.slug}/workshops/{w.pk}/register", **bearer(citizen))
    assert again.status_code == 409
