"""Staff, clinic, moderator and admin accounts must use two-step sign-in; citizens may."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from kyoso.core.access import needs_second_step
from kyoso.core.demo import DEMO_TOTP_KEY, demo_totp_code
from kyoso.core.models import ApiToken
from kyoso.core.services import api_token_authenticate, api_token_create
from tests.core.factories import PASSWORD, MembershipFactory, UserFactory
from tests.second_step import authenticator, sign_in_code

pytestmark = pytest.mark.django_db


def _password_only(client: Client, user, next_url: str = "/hitachi/") -> str:  # type: ignore[no-untyped-def]
    response = client.post(
        reverse("core:login"), {"username": user.email, "password": PASSWORD, "next": next_url}
    )
    assert response.status_code == 302
    return response["Location"]


@pytest.mark.parametrize("role", ["staff", "admin", "clinic", "moderator"])
def test_privileged_roles_need_it_and_citizens_do_not(city, role):  # type: ignore[no-untyped-def]
    assert needs_second_step(MembershipFactory(city=city, role=role).user)
    assert not needs_second_step(MembershipFactory(city=city, role="citizen").user)
    assert not needs_second_step(MembershipFactory(city=city, role="operator").user)
    assert needs_second_step(UserFactory(is_superuser=True, is_staff=True))


def test_staff_without_an_authenticator_is_sent_to_set_one_up_and_then_goes_on(city, staff):  # type: ignore[no-untyped-def]
    client = Client()
    _password_only(client, staff)
    staff_page = reverse("core:staff_home", args=[city.slug])
    response = client.get(staff_page)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('core:two_factor_setup')}?next=%2Fhitachi%2Fstaff%2F"
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert "must use two-step sign-in" in page.content.decode()
    # The city's own pages stay closed too, not only the staff ones.
    assert client.get(f"/{city.slug}/").status_code == 302

    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    done = client.post(
        reverse("core:two_factor_setup"), {"token": sign_in_code(device), "next": staff_page}
    )
    assert done.status_code == 302 and done["Location"] == staff_page
    assert client.get(staff_page).status_code == 200


def test_a_citizen_without_an_authenticator_goes_anywhere(city, citizen):  # type: ignore[no-untyped-def]
    client = Client()
    _password_only(client, citizen)
    assert client.get(reverse("core:my_page", args=[city.slug])).status_code == 200


def test_staff_with_an_authenticator_must_type_its_code(city, staff):  # type: ignore[no-untyped-def]
    device = authenticator(staff)
    client = Client()
    assert _password_only(client, staff) == reverse("core:two_factor_verify")
    # Only the pending marker is in the session: the city is still closed.
    assert client.get(reverse("core:staff_home", args=[city.slug])).status_code == 302
    done = client.post(reverse("core:two_factor_verify"), {"token": sign_in_code(device)})
    assert done.status_code == 302 and done["Location"] == "/hitachi/"
    assert client.get(reverse("core:staff_home", args=[city.slug])).status_code == 200


def test_a_session_that_skipped_the_code_is_signed_out(city, staff):  # type: ignore[no-untyped-def]
    """A session from before the rule (password only, authenticator set up since)."""
    client = Client()
    _password_only(client, staff)
    authenticator(staff)
    response = client.get(reverse("core:staff_home", args=[city.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login") + "?next=")
    assert "_auth_user_id" not in client.session


def test_password_alone_cannot_add_a_second_authenticator(city, staff):  # type: ignore[no-untyped-def]
    client = Client()
    _password_only(client, staff)  # signed in before the authenticator existed
    authenticator(staff)
    response = client.get(reverse("core:two_factor_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_the_api_answers_403_to_a_session_without_the_second_step(city, staff):  # type: ignore[no-untyped-def]
    client = Client()
    _password_only(client, staff)
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    assert response.json()["detail"][0]["code"] == "second_step_required"


def test_staff_tokens_work_only_once_the_account_has_an_authenticator(city, staff):  # type: ignore[no-untyped-def]
    token, key = api_token_create(user=staff, name="script")
    assert api_token_authenticate(key) is None
    authenticator(staff)
    assert api_token_authenticate(key) == staff
    assert ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).exists()


def test_next_never_leaves_the_site(city, staff):  # type: ignore[no-untyped-def]
    client = Client()
    _password_only(client, staff)
    client.get(reverse("core:two_factor_setup"))
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    done = client.post(
        reverse("core:two_factor_setup"),
        {"token": sign_in_code(device), "next": "https://evil.example/"},
    )
    assert done["Location"] == reverse("core:home")


def test_the_demo_code_is_what_the_demo_authenticator_accepts(db):  # type: ignore[no-untyped-def]
    user = UserFactory()
    device = TOTPDevice.objects.create(user=user, name="demo", key=DEMO_TOTP_KEY, confirmed=True)
    assert device.verify_token(demo_totp_code())


def test_the_demo_verify_page_shows_a_code_that_works_even_twice_in_a_row(city, settings):  # type: ignore[no-untyped-def]
    demo_staff = MembershipFactory(city=city, role="staff", user__email="staff@hitachi.example")
    TOTPDevice.objects.create(
        user=demo_staff.user, name="Kyoso demo", key=DEMO_TOTP_KEY, confirmed=True
    )
    verify = reverse("core:two_factor_verify")
    for _sign_in in range(2):  # a code works once: the second sign-in is shown the next one
        client = Client()
        _password_only(client, demo_staff.user)
        page = client.get(verify, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        shown = re.search(r"the code now is (\d{6})", page)
        assert shown is not None, page
        done = client.post(verify, {"token": shown.group(1)})
        assert done.status_code == 302
    settings.PRODUCTION = True
    client = Client()
    _password_only(client, demo_staff.user)
    assert "Demo account" not in client.get(verify, HTTP_ACCEPT_LANGUAGE="en").content.decode()
