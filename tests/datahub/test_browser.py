"""Browser test: a citizen on a phone searches the open-data catalogue and downloads a CSV."""

from __future__ import annotations

import csv
import io

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_and_download_on_a_phone(browser, live_server, city, reports_dataset, kpi_dataset):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        locale="ja-JP", viewport={"width": 360, "height": 740}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(60000)  # the shared machine can be slow; not a timed assertion
    try:
        page.goto(f"{live_server.url}/{city.slug}/")
        page.get_by_role("contentinfo").get_by_role("link", name="オープンデータ").click()
        page.wait_for_url("**/datahub/data/")
        page.get_by_label("データセットを検索").fill("通報")
        page.get_by_role("button", name="検索").click()
        page.get_by_text("1 件のデータセット").wait_for()
        assert page.get_by_role("link", name="KPI の実績値").count() == 0
        page.get_by_role("link", name="地区別・種類別の通報件数").click()
        page.get_by_role("heading", name="地区別・種類別の通報件数").wait_for()
        width = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert width <= 0, f"the dataset page is {width} px wider than a 360 px phone"
        with page.expect_download() as info:
            page.get_by_role("link", name="通報件数 (CSV)").click()
        download = info.value
        assert download.suggested_filename.endswith(".csv")
        with open(download.path(), encoding="utf-8-sig") as f:
            rows = list(csv.reader(io.StringIO(f.read())))
        assert rows[0] == ["year", "district", "category", "reports"]
        assert len(rows) == 5 and {r[3] for r in rows[1:]} == {""}
    finally:
        context.close()
