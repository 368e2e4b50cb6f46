"""A self-made account takes part only once its address is confirmed; sign-ups are throttled."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from kyoso.core import services
from kyoso.core.access import may_take_part
from kyoso.core.errors import DomainError, PermissionDeniedError
from kyoso.core.models import AuditEvent, User
from kyoso.voice.services import proposal_create

pytestmark = pytest.mark.django_db(transaction=True)  # the mail is queued on commit

PASSWORD = "kawarago-beach-2026"


def _sign_up(client: Client, email: str, address: str = "203.0.113.7"):  # type: ignore[no-untyped-def]
    return client.post(
        "/hitachi/signup/",
        {"email": email, "password": PASSWORD, "display_name": "はな"},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _link(message) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r"https?://\S+/accounts/confirm/(\S+)/", message.body)
    assert found, message.body
    return f"/accounts/confirm/{found.group(1)}/"


def test_a_new_account_cannot_take_part_until_it_opens_the_mailed_link(city):
    client = Client()
    assert _sign_up(client, "hana@example.jp").status_code == 302
    user = User.objects.get(email="hana@example.jp")
    assert user.email_confirmed_at is None and not may_take_part(user, city)
    with pytest.raises(PermissionDeniedError, match="Confirm your e-mail address"):
        proposal_create(city=city, author=user, title="ベンチがほしい", body="公園に")
    page = client.get("/hitachi/me/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Please confirm your e-mail address" in page

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hana@example.jp"]
    link = _link(mail.outbox[0])
    assert mail.outbox[0].body.count("http://testserver/accounts/confirm/") == 1
    # Opening the link (as a mail scanner would) confirms nothing; pressing the button does.
    assert client.get(link).status_code == 200
    assert User.objects.get(pk=user.pk).email_confirmed_at is None
    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == "/hitachi/me/"
    user.refresh_from_db()
    assert user.email_confirmed_at is not None and may_take_part(user, city)
    proposal_create(city=city, author=user, title="ベンチがほしい", body="公園に")
    assert AuditEvent.objects.filter(action="account.email_confirmed").count() == 1
    client.post(link)  # twice is harmless
    assert AuditEvent.objects.filter(action="account.email_confirmed").count() == 1


def test_a_forged_or_foreign_token_confirms_nothing(city):
    user = services.user_sign_up(city=city, email="a@example.jp", password=PASSWORD)
    token = services.email_confirmation_token(city=city, user=user)
    with pytest.raises(DomainError):
        services.email_confirm(token=token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    # The account's address changed after the mail was sent: the old link no longer works.
    User.objects.filter(pk=user.pk).update(email="b@example.jp")
    with pytest.raises(DomainError):
        services.email_confirm(token=token)
    assert Client().post(f"/accounts/confirm/{token}/").status_code == 400


def test_accounts_made_by_the_city_or_the_demo_count_at_once(city, citizen):
    assert citizen.email_confirmed_at is not None and may_take_part(citizen, city)


def test_resend_sends_at_most_one_mail_a_minute(city):
    client = Client()
    _sign_up(client, "hana@example.jp")
    for _ in range(3):
        client.post("/hitachi/me/confirm/resend/")
    assert len(mail.outbox) == 2  # the sign-up mail and one resend


def test_one_address_makes_at_most_five_accounts_an_hour(city, settings):
    settings.KYOSO_SIGNUPS_PER_ADDRESS_HOUR = 5
    for n in range(5):
        assert _sign_up(Client(), f"p{n}@example.jp").status_code == 302
    refused = _sign_up(Client(), "p5@example.jp")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "try again in" in refused.content.decode()
    assert not User.objects.filter(email="p5@example.jp").exists()
    # Another address is not held up by the first.
    assert _sign_up(Client(), "q@example.jp", address="198.51.100.9").status_code == 302
