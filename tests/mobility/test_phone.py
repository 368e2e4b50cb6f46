"""A rider on a 360 × 800 phone: the next buses on the first screen, in normal and large text."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from kyoso.mobility.models import RealtimeTripUpdate, Stop
from kyoso.mobility.services import feed_import
from tests.mobility.factories import TINY, write_feed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_HEADSIGN = "日立おさかなセンター・河原子海岸"


def _all_day_feed(folder: Path) -> Path:
    """The tiny network with a bus every 10 minutes round the clock (pages show 'now')."""
    trips = [TINY["trips.txt"][0]]
    times = [TINY["stop_times.txt"][0]]
    for k in range(0, 28 * 6):
        trip = f"D{k:03d}"
        trips.append(["R1", "ALL", trip, LONG_HEADSIGN, "1"])
        for seq, (stop, offset) in enumerate((("駅_1", 0), ("S2", 10), ("S3", 20)), start=1):
            m = k * 10 + offset
            hhmmss = f"{m // 60:02d}:{m % 60:02d}:00"
            times.append([trip, hhmmss, hhmmss, stop, str(seq)])
    stops = [TINY["stops.txt"][0] + ["platform_code"]] + [
        [*row, "3" if row[0] == "駅_1" else ""] for row in TINY["stops.txt"][1:]
    ]
    return write_feed(folder, {"trips.txt": trips, "stop_times.txt": times, "stops.txt": stops})


@pytest.fixture
def busy_stop(city, tmp_path: Path) -> Stop:  # type: ignore[no-untyped-def]
    city.is_demo = True  # the demo notice takes its room at the top of every page too
    city.save()
    result = feed_import(city=city, source=_all_day_feed(tmp_path / "all-day"), actor=None)
    assert result.ok, result.errors
    now = timezone.now()
    RealtimeTripUpdate.objects.bulk_create(
        RealtimeTripUpdate(
            city=city, trip_id=f"D{k:03d}", delay=12 * 60, timestamp=now,
            expires_at=now + timedelta(hours=1),
        )
        for k in range(0, 28 * 6)
    )  # fmt: skip
    return Stop.objects.get(feed=result.feed, stop_id="駅")


def _first_screen(page, url: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    page.goto(url)
    cards = page.locator("#departures .departure")
    assert cards.count() >= 3
    return page.evaluate(
        """() => {
          const cards = [...document.querySelectorAll('#departures .departure')].slice(0, 3);
          const px = (el, p) => parseFloat(getComputedStyle(el)[p]);
          const lines = (el) => Math.round(el.getBoundingClientRect().height / px(el, 'lineHeight'));
          return {
            header: document.querySelector('.site-header').getBoundingClientRect().height,
            third: cards[2].getBoundingClientRect().bottom,
            width: document.documentElement.scrollWidth,
            destLines: Math.max(...cards.map(c => lines(c.querySelector('.dep-dest')))),
            tagLines: Math.max(...cards.map(c => lines(c.querySelector('.tag')))),
            destWidth: Math.min(...cards.map(c => c.querySelector('.dep-dest').getBoundingClientRect().width)),
          };
        }"""
    )


@pytest.mark.parametrize("large", [False, True], ids=["normal-text", "large-text"])
def test_the_next_three_departures_are_on_the_first_screen(browser, live_server, busy_stop, large):
    context = browser.new_context(locale="ja-JP", viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.set_default_timeout(60000)
    url = f"{live_server.url}/hitachi/mobility/stops/{busy_stop.pk}/"
    page.goto(url)
    menu = page.get_by_role("button", name="メニュー")
    nav = page.get_by_role("navigation", name="メイン")
    assert menu.get_attribute("aria-expanded") == "false" and not nav.is_visible()
    if large:
        menu.click()
        assert menu.get_attribute("aria-expanded") == "true" and nav.is_visible()
        page.get_by_role("button", name="大きな文字: オフ").click()
        page.wait_for_load_state()
        assert page.locator("html.text-large").count() == 1
    seen = _first_screen(page, url)
    assert seen["header"] < 100  # one row: the city's name and the menu button
    assert seen["third"] <= 800, seen  # three departures before any scrolling
    assert seen["width"] <= 360  # nothing pushes the page sideways
    assert seen["destWidth"] > 120  # the destination has room: never one character per line
    assert seen["destLines"] <= 2 and seen["tagLines"] == 1, seen
    first = page.locator("#departures .departure").first.inner_text()
    assert LONG_HEADSIGN in first and "12分遅れ" in first and "3番のりば" in first
    context.close()


@pytest.fixture
def demo_places(city, tmp_path: Path):  # type: ignore[no-untyped-def]
    from kyoso.mobility.demo import FACILITIES
    from kyoso.mobility.demo_feed import write_demo_feed
    from tests.mobility.factories import FacilityFactory

    result = feed_import(city=city, source=write_demo_feed(tmp_path / "demo"), actor=None)
    assert result.ok, result.errors
    for code, ja, en, kind, stop_ids, *_rest in FACILITIES:
        FacilityFactory(city=city, code=code, name_ja=ja, name_en=en, kind=kind, stop_ids=stop_ids)
    return result.feed


def test_place_search_suggests_as_you_type_and_asks_did_you_mean(browser, live_server, demo_places):
    context = browser.new_context(locale="ja-JP", viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.set_default_timeout(60000)
    page.goto(f"{live_server.url}/hitachi/mobility/journey/")
    page.fill("#id_origin", "日立駅")
    box = page.get_by_role("combobox", name="到着（バス停・駅・施設・地区）")
    box.press_sequentially("ひたち医")
    option = page.get_by_role("option", name="ひたち医療センター")
    option.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == option.get_attribute("id")
    box.press("Enter")  # takes the suggestion; does not submit the form
    assert box.input_value() == "ひたち医療センター"
    assert box.get_attribute("aria-expanded") == "false"
    page.locator("main form button[type=submit]").click()
    page.locator("#journey-results").wait_for()
    assert "日立駅 から 多賀駅前 まで" in page.locator("#results-h").inner_text()

    for typed, stop in (("市役所", "日立駅中央口"), ("日立総合病院前", "日立総合病院")):
        page.fill("#id_destination", typed)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        assert f"から {stop} まで" in page.locator("#results-h").inner_text()

    page.fill("#id_destination", "病院")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#journey-results").count() == 0  # not silently one hospital
    choices = page.get_by_role("region", name="こちらのことですか")
    assert choices.get_by_role("link", name="日立総合病院").is_visible()
    choices.get_by_role("link", name="ひたち医療センター").click()
    page.locator("#journey-results").wait_for()
    assert "多賀駅前" in page.locator("#results-h").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
