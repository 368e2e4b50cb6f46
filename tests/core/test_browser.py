"""The core pages in a real browser: sign up, sign in, language, text size, and accessibility."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.core.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "tests/assets/axe-core/axe.min.js"


def _axe_serious(page) -> list[str]:  # type: ignore[no-untyped-def]
    # The pages' Content-Security-Policy allows scripts from the site only, so axe-core (a test
    # tool, not shipped) is served under the site's own origin by the browser itself.
    page.route(
        "**/__test__/axe.min.js",
        lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"),
    )
    page.add_script_tag(url="/__test__/axe.min.js")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: {v['nodes'][0]['target']})"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_sign_up_then_sign_out_and_in_again(page, city):
    page.goto(page.base_url + "/hitachi/signup/")
    page.get_by_label("メールアドレス").fill("hana@example.jp")
    page.get_by_label("パスワード").fill("kawarago-beach-2026")
    page.get_by_label("ほかの人に表示する名前").fill("はな")
    page.get_by_role("button", name="アカウントを作る").click()
    page.wait_for_url("**/hitachi/me/")
    assert page.get_by_role("heading", name="マイページ").is_visible()
    # The account takes part once the address is confirmed by the mailed link and its button.
    assert page.get_by_role("heading", name="メールアドレスの確認をお願いします").is_visible()
    from django.core import mail

    link = re.search(r"/accounts/confirm/\S+/", mail.outbox[-1].body)
    assert link is not None
    page.goto(page.base_url + link.group(0))
    page.get_by_role("button", name="確認する").click()
    page.wait_for_url("**/hitachi/me/")
    assert page.get_by_text("メールアドレスを確認しました").is_visible()
    assert page.get_by_role("heading", name="メールアドレスの確認をお願いします").count() == 0
    page.get_by_role("button", name="ログアウト").click()
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("メールアドレス").fill("hana@example.jp")
    page.get_by_label("パスワード").fill("kawarago-beach-2026")
    page.get_by_role("main").get_by_role("button", name="ログイン").click()
    page.goto(page.base_url + "/hitachi/me/")
    assert "はなさん" in page.content()


def test_switch_language_and_text_size(page, city):
    page.goto(page.base_url + "/hitachi/")
    assert page.locator("html").get_attribute("lang") == "ja"
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Our city in numbers").is_visible()
    small = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.get_by_role("button", name="Large text: off").click()
    page.wait_for_load_state()
    large = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert large > small * 1.15
    page.reload()
    assert page.get_by_role("button", name="Large text: on").is_visible()


def test_phone_width_has_no_horizontal_scroll(browser, live_server, city):
    context = browser.new_context(locale="ja-JP", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(live_server.url + "/hitachi/")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    context.close()
    assert overflow <= 1


@pytest.mark.parametrize(
    "path", ["/hitachi/", "/accounts/login/", "/hitachi/signup/", "/hitachi/me/"]
)
def test_no_serious_accessibility_violations(page, city, citizen, path):
    if path.endswith("/me/"):
        page.goto(page.base_url + "/accounts/login/")
        page.get_by_label("メールアドレス").fill(citizen.email)
        page.get_by_label("パスワード").fill(PASSWORD)
        page.get_by_role("main").get_by_role("button", name="ログイン").click()
        page.wait_for_load_state()
    page.goto(page.base_url + path)
    assert _axe_serious(page) == []


def test_the_people_page_fits_a_phone(browser, live_server, city):  # type: ignore[no-untyped-def]
    """Its wide table scrolls inside its box; a hidden column label once widened the page."""
    from tests.core.factories import MembershipFactory, UserFactory
    from tests.second_step import browser_sign_in

    city_admin = MembershipFactory(city=city, role="admin").user
    long_name = UserFactory(email="a-rather-long-address-for-a-phone@hitachi.example")
    MembershipFactory(city=city, user=long_name, role="operator")
    context = browser.new_context(locale="ja-JP", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(60000)
    browser_sign_in(page, city_admin, PASSWORD, base_url=live_server.url)
    page.goto(live_server.url + "/hitachi/staff/members/")
    assert page.get_by_role("heading", name="役割を付ける").is_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    context.close()
