"""Maps in a real browser: the offline base map, one point at street level, picking a place."""

from __future__ import annotations

import pytest

from kyoso.core.models import District
from tests.core.factories import PASSWORD, MembershipFactory
from tests.core.maps_city import make_map_city
from tests.second_step import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def map_city(tmp_path):  # type: ignore[no-untyped-def]
    from kyoso.mobility.selectors import forget_timetables

    forget_timetables()
    return make_map_city(tmp_path)


def _watch(page, base_url: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Return the list that collects every request leaving the test server."""
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if not (r.url.startswith(base_url) or r.url.startswith("data:"))
            else None
        ),
    )
    return outside


def _citizen(page, city, base_url: str):  # type: ignore[no-untyped-def]
    user = MembershipFactory(city=city, role="citizen").user
    page.set_default_timeout(60000)
    page.set_default_navigation_timeout(60000)
    browser_sign_in(page, user, PASSWORD, base_url=base_url)
    return user


def test_base_map_is_drawn_offline(browser, live_server, map_city):  # type: ignore[no-untyped-def]
    assert live_server.url.startswith("http://127.0.0.1") or live_server.url.startswith(
        "http://localhost"
    )
    context = browser.new_context(locale="ja-JP", viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.set_default_timeout(60000)
    outside = _watch(page, live_server.url)
    page.goto(live_server.url + "/hitachi/")
    page.locator("#district-map[data-base-features]").wait_for(state="attached")
    assert page.locator("#district-map .base-district").count() == 23
    assert page.locator("#district-map .base-route").count() >= 2
    assert page.locator("#district-map .base-station").count() >= 1
    assert page.locator("#district-map .base-facility").count() == 3
    assert page.locator("#district-map .map-label-district", has_text="河原子").count() == 1
    # At street level the names of stops and facilities are written on the map (the page's
    # own district layer may still fit the view once it loads, so the view is set until it holds).
    page.wait_for_function(
        """() => {
            const el = document.getElementById('district-map'), map = el._kyosoMap;
            if (map.getZoom() !== 16) map.setView([36.5438, 140.651], 16, {animate: false});
            return el.dataset.zoomLevel === 'near';
        }""",
        polling=500,
    )
    page.locator("#district-map .map-label-facility", has_text="河原子交流センター").wait_for()
    assert page.locator("#district-map .leaflet-tile").count() == 0
    context.close()
    assert outside == []


def test_a_single_point_opens_at_street_level_with_a_pin(page, live_server, map_city):  # type: ignore[no-untyped-def]
    from kyoso.voice.services import proposal_create, report_create
    from tests.voice.factories import ServiceTypeFactory

    user = MembershipFactory(city=map_city, role="citizen").user
    proposal = proposal_create(
        city=map_city,
        author=user,
        title="河原子海岸にベンチを",
        body="海を見て休めるように",
        lat=36.5440,
        lon=140.6540,
    )
    ServiceTypeFactory(city=map_city, code="streetlight")
    report = report_create(
        city=map_city,
        service_code="streetlight",
        description="街灯が消えています",
        lat=36.5450,
        lon=140.6500,
    )
    outside = _watch(page, live_server.url)
    for path, map_id in (
        (f"/hitachi/voice/proposals/{proposal.pk}/", "proposal-map"),
        (f"/hitachi/voice/reports/{report.pk}/", "report-map"),
    ):
        page.goto(live_server.url + path)
        pin = page.locator(f"#{map_id} .map-pin")
        pin.wait_for()
        assert pin.is_visible()
        zoom = page.evaluate(f"document.getElementById('{map_id}')._kyosoMap.getZoom()")
        assert 15 <= zoom <= 18
        zoom_in = page.locator(f"#{map_id} .leaflet-control-zoom-in")
        assert "leaflet-disabled" not in (zoom_in.get_attribute("class") or "")
    assert outside == []


def test_picking_a_place_by_keyboard(page, live_server, map_city):  # type: ignore[no-untyped-def]
    from kyoso.voice.models import Report
    from tests.voice.factories import ServiceTypeFactory

    ServiceTypeFactory(city=map_city, code="streetlight", name_ja="街灯の故障")
    _citizen(page, map_city, live_server.url)
    page.goto(live_server.url + "/hitachi/voice/reports/new/")
    page.select_option("#id_service_code", "streetlight")
    page.fill("#id_description", "街灯が消えています")
    page.locator("#place-search").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "pick-map"
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    where = page.locator("#pick-where")
    where.get_by_text("学区 で よろしいですか").wait_for()
    lat, lon = float(page.input_value("#pick_lat")), float(page.input_value("#pick_lon"))
    # The pin stands at the cross: the map comes to rest with its centre on the picked point.
    page.wait_for_function(
        """([lat, lon]) => {
            const c = document.getElementById('pick-map')._kyosoMap.getCenter();
            return Math.abs(c.lat - lat) < 1e-5 && Math.abs(c.lng - lon) < 1e-5;
        }""",
        arg=[lat, lon],
    )
    assert page.locator("#pick-map .map-pin").count() == 1
    assert lon > map_city.center_lon  # the arrows moved the map east before Enter
    said = where.inner_text()
    page.get_by_role("button", name="送信する").click()
    page.wait_for_url("**/reports/*/")
    report = Report.objects.get()
    assert report.lat == pytest.approx(lat, abs=1e-6)
    assert report.district is not None and said.startswith(report.district.name_ja + " 学区")


def test_typing_kawarago_picks_its_district(page, live_server, map_city):  # type: ignore[no-untyped-def]
    from kyoso.voice.models import Report
    from tests.voice.factories import ServiceTypeFactory

    ServiceTypeFactory(city=map_city, code="streetlight", name_ja="街灯の故障")
    _citizen(page, map_city, live_server.url)
    outside = _watch(page, live_server.url)
    page.goto(live_server.url + "/hitachi/voice/reports/new/")
    page.select_option("#id_service_code", "streetlight")
    page.fill("#id_description", "河原子町の街灯が消えています")
    box = page.get_by_role("combobox", name="場所の名前や住所で探す")
    box.press_sequentially("河原子")
    options = page.locator("#place-search-options [role=option]")
    options.first.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    texts = options.all_inner_texts()
    assert "河原子" in texts[0] and "学区" in texts[0]
    assert any("河原子町" in t and "町名" in t for t in texts)
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "place-search-option-0"
    box.press("Enter")  # chooses, and does not send the form
    page.locator("#pick-where").get_by_text("河原子 学区 で よろしいですか").wait_for()
    assert box.get_attribute("aria-expanded") == "false"
    assert page.url.endswith("/reports/new/")
    # An address is found by its town.
    box.fill("")
    box.press_sequentially("河原子町2丁目3-4")
    town = page.locator("#place-search-options [role=option]", has_text="河原子町")
    town.wait_for()
    town.click()
    page.locator("#pick-where").get_by_text("河原子 学区 で よろしいですか").wait_for()
    page.get_by_role("button", name="送信する").click()
    page.wait_for_url("**/reports/*/")
    report = Report.objects.get()
    assert report.district == District.objects.get(city=map_city, code="kawarago")
    assert outside == []
