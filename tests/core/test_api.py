from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client

from kyoso.core import services
from kyoso.core.errors import DomainError
from tests.errors import raises

pytestmark = pytest.mark.django_db


def test_cities_and_district_geojson_are_public(client, city):
    assert client.get("/api/v1/cities").json()[0]["slug"] == "hitachi"
    geo = client.get("/api/v1/cities/hitachi/districts.geojson").json()
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 3
    assert client.get("/api/v1/cities/nowhere").status_code == 404


def test_me_needs_a_session_or_a_token(client, city, citizen):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["detail"][0]["code"] == "unauthenticated"
    _token, key = services.api_token_create(user=citizen, name="script")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json()["memberships"] == [
        {"city": "hitachi", "role": "citizen", "district": None}
    ]


def test_session_writes_need_the_csrf_token(city, citizen):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(citizen)
    response = browser.post(
        "/api/v1/cities/hitachi/me/consents",
        {"purpose": "points.rewards"},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)


def test_consent_through_the_api_with_a_token(client, city, citizen):
    _token, key = services.api_token_create(user=citizen, name="app")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    response = client.post(
        "/api/v1/cities/hitachi/me/consents",
        {"purpose": "points.rewards"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 201
    assert client.get("/api/v1/cities/hitachi/me/consents", **auth).json()[0]["revoked_at"] is None
    response = client.delete("/api/v1/cities/hitachi/me/consents?purpose=points.rewards", **auth)
    assert response.json() == {"revoked": 1}


def test_bad_input_is_a_422_naming_the_field(client, city, citizen):
    _token, key = services.api_token_create(user=citizen, name="app")
    response = client.post(
        "/api/v1/cities/hitachi/me/consents",
        {"purpose": "Not Allowed!"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "purpose"


def test_openapi_schema_is_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Kyoso API"
    assert "/api/v1/cities" in schema["paths"]


def test_nul_characters_are_refused_before_any_app_sees_them(client, city, citizen):
    _token, key = services.api_token_create(user=citizen, name="app")
    response = client.post(
        "/api/v1/cities/hitachi/me/consents",
        '{"purpose": "points.rewards", "scope": "a\\u0000b"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 400
    assert client.get("/api/v1/cities/hitachi%00").status_code in (400, 404)
    assert client.get("/api/v1/cities?x=%00").status_code == 400


def test_nul_in_a_form_gets_a_japanese_page_with_a_way_back(client, city, citizen):
    client.force_login(citizen)
    form = f"/{city.slug}/voice/proposals/new/"
    response = client.post(
        form,
        urlencode({"title": "バス\x00停", "body": "本文"}),  # how a browser sends a form
        content_type="application/x-www-form-urlencoded",
        HTTP_REFERER=f"http://testserver{form}",
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "NUL 文字" in page and f'href="http://testserver{form}"' in page
    # A form with a photo (multipart) reaches the form, which names the field and the fault.
    response = client.post(form, {"title": "バス\x00停", "body": "本文"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200 and "NUL 文字" in response.content.decode()
    assert "何か文字を入力してください" not in response.content.decode()


def test_tokens_expire_are_scoped_and_end_with_a_new_password(client, city, citizen):
    from datetime import timedelta

    from django.utils import timezone

    from kyoso.core.models import ApiToken

    def me(key: str) -> int:
        return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code

    def consent(key: str) -> int:
        return client.post(
            "/api/v1/cities/hitachi/me/consents",
            {"purpose": "points.rewards"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        ).status_code

    _reader, read_key = services.api_token_create(user=citizen, name="dashboard", scope="read")
    assert me(read_key) == 200 and consent(read_key) == 401  # read-only cannot write
    writer, write_key = services.api_token_create(user=citizen, name="app", days=30)
    assert consent(write_key) == 201
    assert writer.expires_at is not None
    assert timedelta(days=29) < writer.expires_at - timezone.now() <= timedelta(days=30)
    ApiToken.objects.filter(pk=writer.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert me(write_key) == 401  # expired
    citizen.set_password("a-new-password-2026")
    citizen.save()
    assert me(read_key) == 401  # a new password ends every earlier token
    with raises(DomainError, field="days"):
        services.api_token_create(user=citizen, name="forever", days=3650)


def test_making_a_token_needs_the_second_step_where_it_is_set_up(client, city, citizen):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=citizen, name="phone", confirmed=True)
    client.force_login(citizen)  # password only: the session did not pass the second step
    response = client.post("/api/v1/me/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
