"""In a real browser: a business signs in, uploads three months of bills, sees its inventory and
plan; the city sees the consortium roll-up on the vision's green theme."""

from __future__ import annotations

import pytest

from kyoso.core.services import system_actor
from kyoso.green.models import Company, Consortium
from tests.core.factories import PASSWORD
from tests.second_step import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BILLS = (
    "月,拠点,種別,数量,単位,登録番号,メニュー\n"
    "2025-04,本社工場,電気,10000,kWh,A0269,メニューM(残差)\n"
    "2025-05,本社工場,電気,10000,kWh,A0269,メニューM(残差)\n"
    "2025-06,本社工場,電気,10000,kWh,A0269,メニューM(残差)\n"
)


def _sign_in(page, user) -> None:  # type: ignore[no-untyped-def]
    browser_sign_in(page, user, PASSWORD)


def test_business_uploads_bills_and_city_sees_the_rollup(
    page, browser, live_server, city, business, staff, factors, tmp_path
):  # type: ignore[no-untyped-def]
    from kyoso.vision.services import theme_create

    _sign_in(page, business)
    page.goto(page.base_url + "/hitachi/green/")
    page.get_by_label("会社名").fill("助川精機株式会社")
    page.get_by_label("業種").select_option("26")
    page.get_by_label("年間売上高（百万円）").fill("800")
    page.get_by_role("button", name="登録する").click()
    page.wait_for_url("**/sites/")
    page.get_by_label("拠点名（表計算ファイルに書く名前）").fill("本社工場")
    page.get_by_label("太陽光パネルを置ける屋根の面積（m²）").fill("600")
    page.get_by_role("button", name="追加する").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="請求書を入力").first.click()
    csv = tmp_path / "bills.csv"
    csv.write_bytes(BILLS.encode("cp932"))  # a clerk's Shift_JIS spreadsheet
    page.get_by_label("請求書の一覧表（CSV、UTF-8 またはシフトJIS）").set_input_files(str(csv))
    page.get_by_role("button", name="取り込む").click()
    assert page.get_by_text("3行を保存しました").is_visible()
    page.get_by_role("link", name="CO2を見る").click()
    page.wait_for_load_state()
    body = page.locator("main").inner_text()
    assert "13.6 t-CO2" in body  # 30,000 kWh × 0.000452 (TEPCO EP メニューM(残差))
    assert "12か月のうち3か月分" in body
    page.get_by_label("合計と名前の出ない順位づけにだけ使ってよい").check()
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="削減計画").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("table", name="御社向けの対策").is_visible()
    assert "屋根の太陽光パネル" in page.locator("main").inner_text()

    company = Company.objects.get(name="助川精機株式会社")
    Consortium.objects.create(city=city, name="日立市脱炭素コンソーシアム").members.add(company)
    from kyoso.core.services.themes import theme_catalogue_ensure

    green = next(t for t in theme_catalogue_ensure(city=city) if t.code == "green")
    theme_create(
        city=city,
        actor=system_actor(),
        code="green-business",
        name_ja="中小企業の脱炭素",
        catalogue=green,
    )
    from kyoso.green.demo import connect_vision_kpi

    connect_vision_kpi(city)

    staff_page = browser.new_context(locale="ja-JP").new_page()
    staff_page.set_default_timeout(60000)
    staff_page.base_url = live_server.url
    _sign_in(staff_page, staff)
    staff_page.goto(live_server.url + "/hitachi/green/consortium/")
    assert "13.6" in staff_page.locator("main").inner_text()
    assert "助川精機" not in staff_page.locator("main").inner_text()  # consented to totals only
    staff_page.goto(live_server.url + "/hitachi/vision/themes/green-business/")
    text = staff_page.locator("main").inner_text()
    assert "コンソーシアム参加企業のCO2排出量" in text
    staff_page.get_by_text("数字を表で見る").first.click()
    assert "13.6" in staff_page.locator("main").inner_text()
