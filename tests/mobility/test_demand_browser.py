"""A citizen books a demand ride on a phone and sees the pickup time and the vehicle on the map."""

from __future__ import annotations

import pytest

from kyoso.mobility.models import RideRequest, RideStatus
from tests.core.factories import PASSWORD
from tests.mobility.demand_fixtures import demand_zone, tomorrow
from tests.second_step import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_books_a_demand_ride_on_a_phone(
    browser, live_server, city, citizen, operator_user
):  # type: ignore[no-untyped-def]
    demand_zone(city, operator_user)
    context = browser.new_context(locale="ja-JP", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(60000)
    browser_sign_in(page, citizen, PASSWORD, base_url=live_server.url)
    page.goto(f"{live_server.url}/{city.slug}/mobility/demand/")
    assert page.get_by_role("heading", name="デマンド交通", exact=True).is_visible()
    page.locator("#id_origin").select_option(label="坂下集会所")
    page.locator("#id_destination").select_option(label="みなみ診療所")
    page.locator("#id_date").fill(tomorrow().isoformat())
    page.locator("#id_time").fill("10:00")
    page.get_by_role("button", name="この内容で予約する").click()
    page.wait_for_url("**/demand/rides/*/")
    ride = RideRequest.objects.get(rider=citizen)
    assert ride.status == RideStatus.SCHEDULED
    pickup = page.locator("#pickup-time").inner_text()
    assert "お迎え" in pickup and ride.planned_pickup is not None
    assert page.locator("#ride-vehicle").inner_text().startswith("みなみ号1")
    # The vehicle is drawn on the map as the badge 「車」 beside the pickup 「乗」 and destination 「降」.
    page.locator("#ride-map .map-symbol", has_text="車").wait_for()
    assert page.locator("#ride-map .map-symbol").count() == 3
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    context.close()
