"""An online visit end to end in two real browsers with fake cameras: the patient agrees, the
doctor checks identity, and the two peers connect through Kyoso's signalling."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from kyoso.health import services
from kyoso.health.models import Appointment
from kyoso.health.records.clinic_calendar import TOKYO, holiday_name
from tests.core.factories import PASSWORD
from tests.second_step import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAKE_MEDIA = [
    "--no-sandbox",
    "--disable-background-networking",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]


def _next_open_day():  # type: ignore[no-untyped-def]
    day = timezone.localdate() + timedelta(days=1)
    while holiday_name(day):
        day += timedelta(days=1)
    return day


def test_patient_and_doctor_connect_after_agreement_and_identity_check(
    live_server, city, citizen, doctor, hospital
):  # type: ignore[no-untyped-def]
    schedule = services.schedule_save(
        city=city, actor=doctor, provider=hospital, department="内科", mode="online",
        hours={d: ["09:00-12:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
        open_on_holidays=True,
    )  # fmt: skip
    appointment = services.appointment_book(
        city=city, actor=citizen, patient=citizen, schedule=schedule,
        start=datetime.combine(_next_open_day(), time(9, 0), tzinfo=TOKYO),
    )  # fmt: skip
    room = f"{live_server.url}/{city.slug}/health/visits/{appointment.fhir_id}/"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(Path("/usr/bin/chromium")), args=FAKE_MEDIA)
        try:
            pages = {}
            for who, user in (("patient", citizen), ("doctor", doctor)):
                context = browser.new_context(locale="ja-JP", permissions=["camera", "microphone"])
                page = context.new_page()
                page.set_default_timeout(60000)
                browser_sign_in(page, user, PASSWORD, base_url=live_server.url)
                page.goto(room)
                pages[who] = page
            # No call before both steps: the room is not on the page yet.
            assert pages["patient"].locator("#visit-room").count() == 0
            pages["patient"].get_by_role("button", name="オンライン診療に同意します").click()
            pages["doctor"].goto(room)
            pages["doctor"].get_by_role("button", name="本人確認済み").click()
            pages["patient"].goto(room)
            for page in pages.values():
                page.locator("#visit-room[data-state=connected]").wait_for(timeout=120000)
                assert page.locator("#call-status").inner_text() == "接続しました"
            # Real media arrived from the other side (the fake camera's frames).
            pages["doctor"].wait_for_function(
                "document.getElementById('remote-video').videoWidth > 0", timeout=30000
            )
            pages["patient"].get_by_role("button", name="通話を終える").click()
            pages["doctor"].locator("#visit-room[data-state=ended]").wait_for(timeout=60000)
        finally:
            browser.close()
    appointment = Appointment.objects.get(pk=appointment.pk)
    assert appointment.patient_agreed_at is not None and appointment.identity_checked_at
