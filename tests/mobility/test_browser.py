from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kyoso.mobility.models import Stop
from tests.mobility.factories import FacilityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_stop_page_shows_departures_and_waiting_time(page, city, tiny_feed):
    FacilityFactory(city=city)
    stop = Stop.objects.get(feed=tiny_feed, stop_id="S3")
    page.goto(f"{page.base_url}/{city.slug}/mobility/")
    page.fill("#id_q", "病院")
    page.locator("form[role=search] button[type=submit]").click()
    page.get_by_role("link", name="病院前").click()
    page.wait_for_url(f"**/stops/{stop.pk}/")
    assert page.get_by_role("heading", name="病院前").is_visible()
    assert page.locator("#departures table").is_visible()
    assert page.get_by_text("いまの情報はありません").is_visible()


def test_sign_mode_refreshes_itself(page, city, tiny_feed):
    stop = Stop.objects.get(feed=tiny_feed, stop_id="駅")
    page.goto(f"{page.base_url}/{city.slug}/mobility/stops/{stop.pk}/sign/")
    assert page.locator("meta[http-equiv=refresh]").get_attribute("content") == "30"
    assert page.get_by_role("heading", name="中央駅").is_visible()
    size = page.eval_on_selector("body", "el => parseFloat(getComputedStyle(el).fontSize)")
    assert size >= 32  # large text for screens read from a distance


def test_journey_search(page, city, tiny_feed):
    page.goto(f"{page.base_url}/{city.slug}/mobility/journey/")
    page.fill("#id_origin", "中央駅")
    page.fill("#id_destination", "病院前")
    page.fill("#id_date", (timezone.localdate() + timedelta(days=30)).isoformat())
    page.fill("#id_time", "07:30")
    page.locator("main form button[type=submit]").click()
    results = page.locator("#journey-results")
    results.wait_for()
    assert "08:00" in results.inner_text() and "08:20" in results.inner_text()
