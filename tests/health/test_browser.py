"""In a real browser at a phone's width: the health pages read in Japanese and fit 360 px."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from kyoso.health import services
from tests.core.factories import PASSWORD
from tests.second_step import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "/hitachi/health/": [
        "わたしの健康",
        "測定値",
        "体重（kg）",
        "だれが何を見られるか",
        "あなたの記録を見た人",
    ],
    "/hitachi/health/vitals/new/": ["今日の測定値を入力する", "血圧・上（mmHg）", "保存"],
    "/hitachi/health/share/": ["医療機関や家族と共有する", "共有する項目", "検査", "処方"],
    "/hitachi/health/booking/": ["受診を予約する"],
}


def test_health_pages_read_in_japanese_on_a_phone(
    browser, live_server, city, citizen, doctor, hospital
):  # type: ignore[no-untyped-def]
    now = timezone.now()
    for days in range(5):
        services.vitals_record(
            city=city, actor=citizen, patient=citizen, at=now - timedelta(days=days),
            systolic=128 + days, diastolic=80, weight=61.0,
        )  # fmt: skip
    services.share_grant(
        city=city, actor=citizen, patient=citizen, items=["lab"], purpose="treatment",
        days=30, provider=hospital,
    )  # fmt: skip
    context = browser.new_context(locale="ja-JP", viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.set_default_timeout(60000)
    browser_sign_in(page, citizen, PASSWORD, base_url=live_server.url)
    shots = os.environ.get("KYOSO_SCREENSHOTS")
    try:
        for path, texts in PAGES.items():
            page.goto(live_server.url + path)
            body = page.locator("main").inner_text()
            for text in texts:
                assert text in body, f"{path}: {text!r} missing"
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"{path} scrolls sideways by {overflow}px"
            if shots:
                page.screenshot(
                    path=f"{shots}/{path.strip('/').replace('/', '_')}.png", full_page=True
                )
    finally:
        context.close()
