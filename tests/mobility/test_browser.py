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
    assert page.locator("#departures").is_visible()  # cards: see test_phone.py
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


def test_cross_operator_journey_with_its_fare_on_a_phone(page, city, tmp_path):
    from kyoso.mobility.demo_feed import write_demo_feed
    from kyoso.mobility.services import feed_import
    from tests.mobility.feed_surgery import split_folder_by_route

    demo = write_demo_feed(tmp_path / "demo")
    jr_dir, bus_dir = split_folder_by_route(demo, tmp_path / "split", 2, by_agency=True)
    for folder, name in ((jr_dir, "JR常磐線"), (bus_dir, "日立市内バス")):
        assert feed_import(city=city, source=folder, actor=None, operator_name=name).ok
    day = timezone.localdate() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.base_url}/{city.slug}/mobility/journey/")
    page.fill("#id_origin", "日立駅")
    page.fill("#id_destination", "おさかなセンター")
    page.fill("#id_date", day.isoformat())
    page.fill("#id_time", "09:00")
    page.locator("main form button[type=submit]").click()
    first = page.locator("#journey-results li.journey").first
    first.wait_for()
    text = first.inner_text()
    # The train, a walk, then the BRT; the demo fares are JR 150 and bus 200 yen a ride.
    assert "JR常磐線" in text and "日立市内バス" in text
    rides_jr, rides_bus = text.count("JR常磐線"), text.count("日立市内バス")
    assert f"{150 * rides_jr + 200 * rides_bus}円" in text
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing forces sideways scrolling on a phone
