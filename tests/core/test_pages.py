from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from kyoso.core.models import AuditEvent, Notification, User
from tests.core.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_city_home_is_in_japanese_by_default(client, city):
    response = client.get("/hitachi/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ja"' in html
    assert "日立市" in html and "人口" in html


def test_language_switch_to_english_persists(client, city):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/hitachi/"})
    assert response.status_code == 302
    html = client.get("/hitachi/").content.decode()
    assert '<html lang="en"' in html and "Population" in html


def test_large_text_switch_sets_a_cookie_and_the_page_class(client, city):
    client.post("/prefs/text-size/", {"size": "large", "next": "/hitachi/"})
    assert 'class="text-large"' in client.get("/hitachi/").content.decode()
    response = client.post("/prefs/text-size/", {"size": "large", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_large_text_is_saved_on_the_account(client, city, citizen):
    client.force_login(citizen)
    client.post("/prefs/text-size/", {"size": "large", "next": "/hitachi/"})
    citizen.refresh_from_db()
    assert citizen.large_text


def test_unknown_city_is_404(client, city):
    assert client.get("/nowhere/").status_code == 404


def test_sign_up_page_creates_an_account_and_signs_in(client, city):
    response = client.post(
        "/hitachi/signup/",
        {"email": "new@example.jp", "password": "kawarago-beach-2026", "display_name": "はな"},
    )
    assert response.status_code == 302 and response["Location"] == "/hitachi/me/"
    assert client.get("/hitachi/me/").status_code == 200


def test_sign_up_errors_are_shown_next_to_the_field(client, city):
    html = client.post("/hitachi/signup/", {"email": "x", "password": "1"}).content.decode()
    assert 'class="field has-error"' in html
    assert not User.objects.filter(email="x").exists()


def test_login_by_email_and_growing_delay_after_repeated_wrong_passwords(city, citizen):
    browser = Client()
    for _ in range(4):
        response = browser.post(
            "/accounts/login/", {"username": citizen.email, "password": "wrong"}
        )
    response = browser.post("/accounts/login/", {"username": citizen.email, "password": PASSWORD})
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert "_auth_user_id" not in browser.session
    fresh = Client()
    response = fresh.post(
        "/accounts/login/",
        {"username": citizen.email.upper(), "password": PASSWORD},
        REMOTE_ADDR="10.0.0.9",
    )
    assert response.status_code == 302


def test_my_page_needs_login_and_shows_notices(client, city, citizen):
    assert client.get("/hitachi/me/").status_code == 302
    Notification.objects.create(city=city, user=citizen, kind="t", title="提案に返答がありました")
    client.force_login(citizen)
    html = client.get("/hitachi/me/").content.decode()
    assert "提案に返答がありました" in html


def test_password_reset_mail_goes_through_the_task_queue(client, city, citizen):
    client.post("/accounts/password-reset/", {"email": citizen.email})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body)
    assert link
    response = client.get(link.group(1), follow=True)
    assert response.status_code == 200


def test_staff_lists_export_csv_and_citizens_cannot_see_them(client, city, citizen, staff):
    client.force_login(citizen)
    assert client.get("/hitachi/staff/members/").status_code == 403
    client.force_login(staff)
    response = client.get("/hitachi/staff/members/?format=csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff") and citizen.email in body


def test_staff_of_one_city_cannot_open_staff_pages_of_another(client, city, other_city, staff):
    client.force_login(staff)
    assert client.get("/takahagi/staff/audit/").status_code == 403


def test_audit_page_query_count_does_not_grow_with_records(
    client, city, staff, django_assert_max_num_queries
):
    for n in range(30):
        AuditEvent.objects.create(city=city, actor=staff, action=f"test.{n}", object_type="x")
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        assert client.get("/hitachi/staff/audit/").status_code == 200


def test_two_factor_login_asks_for_the_code(client, city, staff, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    response = client.post("/accounts/login/", {"username": staff.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/verify/"
    assert "_auth_user_id" not in client.session
    client.post(
        "/accounts/2fa/verify/", {"token": "000000" if totp(device.bin_key) != 0 else "111111"}
    )
    assert "_auth_user_id" not in client.session
    code = f"{totp(device.bin_key):06d}"
    response = client.post("/accounts/2fa/verify/", {"token": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_two_factor_setup_shows_a_qr_code(client, city, staff):
    client.force_login(staff)
    html = client.get("/accounts/2fa/").content.decode()
    assert "<svg" in html


def test_a_city_admin_cannot_read_another_citys_members(client, city, other_city):
    """admin of 日立市 is not admin of 高萩市, nor is a platform superuser (issue 9 §3)."""
    from kyoso.core.models import Role
    from tests.core.factories import MembershipFactory, UserFactory

    admin = MembershipFactory(city=city, role=Role.ADMIN).user
    MembershipFactory(city=other_city, role=Role.CITIZEN, user__email="t@takahagi.example")
    client.force_login(admin)
    url = reverse("core:staff_members", args=[other_city.slug])
    assert client.get(url + "?format=csv").status_code == 403
    assert client.get(reverse("core:staff_members", args=[city.slug])).status_code == 200
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(url + "?format=csv").status_code == 403


def test_staff_reading_members_is_recorded_and_shown_to_the_citizen(client, city, staff, citizen):
    """Every read of personal data by staff is recorded; the citizen sees it (issue 9 §4)."""
    from kyoso.core.models import PersonalDataAccess

    client.force_login(staff)
    assert client.get(reverse("core:staff_members", args=[city.slug])).status_code == 200
    seen = PersonalDataAccess.objects.get(city=city, subject=citizen)
    assert (seen.actor == staff and "members list" in seen.what) or "会員" in seen.what
    client.get(reverse("core:staff_members", args=[city.slug]) + "?format=csv")
    assert PersonalDataAccess.objects.filter(city=city, subject=citizen).count() == 2
    assert (
        AuditEvent.objects.filter(city=city, actor=staff, action="personal_data.read").count() == 2
    )
    # Staff do not record reading their own row.
    assert not PersonalDataAccess.objects.filter(subject=staff).exists()
    client.force_login(citizen)
    page = client.get(reverse("core:my_page", args=[city.slug])).content.decode()
    assert "accesses-h" in page and page.count("<li>") >= 2
    with pytest.raises(PermissionError):
        PersonalDataAccess.objects.filter(subject=citizen).update(what="nothing")


def test_reading_the_audit_log_is_recorded_for_the_people_it_names(client, city, staff, citizen):
    from kyoso.core.models import PersonalDataAccess
    from kyoso.core.services import audit_record

    audit_record(city=city, actor=citizen, action="consent.grant", object_type="x")
    client.force_login(staff)
    assert client.get(reverse("core:staff_audit", args=[city.slug])).status_code == 200
    assert PersonalDataAccess.objects.filter(city=city, subject=citizen, actor=staff).exists()
