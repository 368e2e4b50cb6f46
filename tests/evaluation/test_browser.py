"""The policy loop in a real browser: staff create a KPI and a measure, run a verification,
record a decision; a citizen reads the result on the public pages."""

from __future__ import annotations

import pytest

from tests.core.factories import PASSWORD
from tests.evaluation.factories import did_rows
from tests.second_step import browser_sign_in
from tests.vision.factories import ThemeFactory, VisionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, user) -> None:  # type: ignore[no-untyped-def]
    # The first request imports the numeric libraries; give a loaded machine time for it.
    page.set_default_timeout(90000)
    browser_sign_in(page, user, PASSWORD)


def test_staff_runs_the_loop_and_a_citizen_sees_it(
    page, browser, live_server, city, staff, citizen
):
    VisionFactory(city=city)
    theme = ThemeFactory(city=city, code="health", name_ja="デジタル医療・介護")
    _login(page, staff)

    page.goto(page.base_url + "/hitachi/vision/staff/kpis/new/")
    page.select_option("select[name=theme]", str(theme.pk))
    page.fill("input[name=code]", "elderly-online")
    page.fill("input[name=name_ja]", "オンラインを使う高齢者の割合")
    page.fill("input[name=unit]", "%")
    page.fill("input[name=baseline_year]", "2016")
    page.fill("input[name=baseline_value]", "12")
    page.fill("input[name=target_year]", "2031")
    page.fill("input[name=target_value]", "60")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/staff/kpis/elderly-online/actuals/")

    page.goto(page.base_url + "/hitachi/vision/staff/measures/new/")
    page.select_option("select[name=theme]", str(theme.pk))
    page.fill("input[name=title_ja]", "高齢者のスマホ教室")
    page.select_option("select[name=status]", "running")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/staff/measures/*/")

    page.goto(page.base_url + "/hitachi/evaluation/staff/verifications/new/")
    page.select_option("select[name=measure]", label="高齢者のスマホ教室")
    page.select_option("select[name=kpi]", label="オンラインを使う高齢者の割合")
    page.fill("input[name=title]", "教室のあった地区との比較")
    page.select_option("select[name=method]", "did")
    page.fill("input[name=treatment_time]", "2020")
    page.fill("input[name=treated]", "u0, u1, u2, u3")
    body = "unit,time,outcome\n" + "".join(
        f"{r['unit']},{r['time']},{r['outcome']:.3f}\n" for r in did_rows()
    )
    page.set_input_files(
        "input[name=panel_file]",
        files=[{"name": "panel.csv", "mimeType": "text/csv", "buffer": body.encode()}],
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/evaluation/verifications/*/")
    page.locator("form[action$='/run/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#verification-chart").count() == 1
    assert page.locator(".tag.status-ok").count() >= 1

    page.goto(page.base_url + "/hitachi/evaluation/staff/portfolio/")
    row = page.locator("article.portfolio-row").filter(has_text="高齢者のスマホ教室")
    row.locator("summary").click()
    row.locator("textarea[name=reasons]").fill(
        "教室のあった地区で利用がはっきり増えたため拡大します。"
    )
    row.locator("select[name=decision]").select_option("scale")
    row.locator("button[type=submit]").click()
    page.wait_for_load_state()

    context = browser.new_context(locale="ja-JP")
    citizen_page = context.new_page()
    citizen_page.base_url = live_server.url
    _login(citizen_page, citizen)
    citizen_page.goto(live_server.url + "/hitachi/evaluation/")
    assert "教室のあった地区で利用がはっきり増えたため拡大します。" in citizen_page.content()
    citizen_page.get_by_role("link", name="教室のあった地区との比較").click()
    citizen_page.wait_for_load_state()
    assert citizen_page.locator("#verification-chart").count() == 1
    context.close()


def test_vision_page_on_a_phone_and_printing(browser, live_server, city):
    VisionFactory(city=city)
    ThemeFactory(city=city)
    context = browser.new_context(locale="ja-JP", viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.set_default_timeout(90000)
    page.goto(live_server.url + "/hitachi/vision/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380
    page.goto(live_server.url + "/hitachi/vision/print/")
    page.emulate_media(media="print")
    assert page.locator(".no-print").is_hidden()
    context.close()
