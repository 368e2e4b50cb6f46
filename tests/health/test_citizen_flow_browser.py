"""The whole citizen flow of the health theme, in real browsers and only through the pages:
a citizen imports a clinic's FHIR Bundles, shares 検査 with a hospital for 30 days, the hospital's
doctor sees the lab results and nothing else, the citizen sees that look on her page, books an
online visit, and both join the video room (fake cameras)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kyoso.health import services
from kyoso.health.models import Appointment, ShareGrant
from kyoso.health.records.clinic_calendar import TOKYO
from tests.core.factories import PASSWORD
from tests.second_step import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JP_CORE = "health/jp-clinical-core"
REFERRAL = f"{JP_CORE}/Bundle-Bundle-CLINS-Referral-Example-01.json"
LABS = f"{JP_CORE}/Bundle-Bundle-CLINS-Observations-Example-01.json"
FAKE_MEDIA = [
    "--no-sandbox",
    "--disable-background-networking",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]
EVERY_DAY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def test_citizen_imports_shares_lab_results_and_meets_the_doctor_online(
    live_server, shared_data, city, citizen, doctor, hospital
):  # type: ignore[no-untyped-def]
    services.schedule_save(
        city=city, actor=doctor, provider=hospital, department="内科", mode="online",
        hours={d: ["00:00-23:30"] for d in EVERY_DAY}, open_on_holidays=True,
    )  # fmt: skip
    base = f"{live_server.url}/{city.slug}/health"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FAKE_MEDIA)
        try:
            phone = browser.new_context(
                locale="ja-JP",
                viewport={"width": 360, "height": 800},
                permissions=["camera", "microphone"],
            )
            me = phone.new_page()
            me.set_default_timeout(60000)
            browser_sign_in(me, citizen, PASSWORD, base_url=live_server.url)

            # 1. Import two Bundles a clinic gave her: conditions, allergies and lab results.
            for bundle in (REFERRAL, LABS):
                me.goto(f"{base}/import/")
                me.locator("input[type=file]").set_input_files(str(shared_data / bundle))
                with me.expect_navigation():
                    me.get_by_role("button", name="取り込む").click()
                me.locator("#import-result").wait_for()

            # 2. Share only 検査 with the hospital, for treatment, for 30 days.
            me.goto(f"{base}/share/")
            me.get_by_label("診療所・病院・介護事業所").select_option(label="日立総合病院")
            me.get_by_label("検査", exact=True).check()
            me.get_by_label("共有する日数").fill("30")
            with me.expect_navigation():
                me.get_by_role("button", name="共有する").click()
            grant = ShareGrant.objects.get(patient=citizen)
            assert grant.items == ["lab"]
            assert grant.ends_at.date() == (timezone.now() + timedelta(days=30)).date()

            # 3. The doctor finds her among the people who share and sees only lab results.
            desk = browser.new_context(locale="ja-JP", permissions=["camera", "microphone"])
            dr = desk.new_page()
            dr.set_default_timeout(60000)
            browser_sign_in(dr, doctor, PASSWORD, base_url=live_server.url)
            dr.goto(f"{base}/clinic/")
            dr.locator("#shared-people").get_by_role("link", name=str(citizen)).click()
            record = dr.locator("main").inner_text()
            for lab in ("アルブミン", "カリウム", "eGFR"):
                assert lab in record, f"the shared lab result {lab} is missing"
            for private in ("狭心症", "左前腕骨折", "さば", "キーウイ", "ヨードうがい液"):
                assert private not in record, f"{private} was not shared but the doctor sees it"

            # 4. She sees who looked, at what, on her own page.
            me.goto(f"{base}/")
            looked = me.locator("#accesses").inner_text()
            assert "日立総合病院" in looked and "検査" in looked

            # 5. She books the first free online slot and both join the video room.
            me.goto(f"{base}/booking/")
            me.get_by_role("link", name="日立総合病院 内科").click()
            with me.expect_navigation():
                me.locator("button.slot").first.click()
            appointment = Appointment.objects.get(patient=citizen, status="booked")
            room = f"{base}/visits/{appointment.fhir_id}/"
            me.goto(f"{base}/")
            me.get_by_role("link", name="ビデオ診療室を開く").click()
            me.get_by_role("button", name="オンライン診療に同意します").click()
            dr.goto(f"{base}/clinic/?day={appointment.start.astimezone(TOKYO).date():%Y-%m-%d}")
            dr.get_by_role("link", name="ビデオ診療室").first.click()
            dr.get_by_role("button", name="本人確認済み").click()
            me.goto(room)
            for page in (me, dr):
                page.locator("#visit-room[data-state=connected]").wait_for(timeout=120000)
            dr.wait_for_function(
                "document.getElementById('remote-video').videoWidth > 0", timeout=30000
            )
            overflow = me.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"the video room scrolls sideways by {overflow}px on a phone"
            dr.get_by_role("button", name="通話を終える").click()
            me.locator("#visit-room[data-state=ended]").wait_for(timeout=60000)
        finally:
            browser.close()
