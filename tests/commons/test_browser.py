"""A citizen in a real browser: joins a group, votes and checks the receipt, pays a shop."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kyoso.commons.models import PaymentRequest
from kyoso.commons.services import decisions, groups, payments, rewards
from tests.commons.election_fixtures import Committee
from tests.commons.factories import RewardRuleFactory
from tests.core.factories import PASSWORD, MembershipFactory
from tests.second_step import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, user) -> None:  # type: ignore[no-untyped-def]
    browser_sign_in(page, user, PASSWORD)


def test_join_a_group_then_vote_and_check_the_receipt(page, city, citizen, staff):
    founder = MembershipFactory(city=city).user
    group = groups.group_create(city=city, user=founder, name="河原子海岸をきれいにする会",
                                purpose="海岸のごみを拾います。", theme="green")  # fmt: skip
    vote = decisions.decision_create(
        city=city, actor=staff, title="清掃の日", method="instant_runoff",
        options=["4月", "6月", "9月"], electorate="residents",
        opens_at=timezone.now() - timedelta(hours=1), closes_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    Committee(city, vote, [staff]).ceremony()
    _sign_in(page, citizen)
    page.goto(f"{page.base_url}/hitachi/commons/groups/?theme=green")
    page.get_by_role("link", name="河原子海岸をきれいにする会").click()
    page.locator("form:has(input[value=join]) button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("form:has(input[value=leave])").is_visible()
    assert group.members.filter(user=citizen).exists()

    page.goto(f"{page.base_url}/hitachi/commons/decisions/{vote.pk}/")
    page.select_option("#opt-1", "1")  # 6月 first
    page.select_option("#opt-2", "2")
    page.locator("form[action$='/vote/'] button[type=submit]").click()
    code = page.locator("#receipt-code").inner_text().strip()
    assert len(code.replace("-", "")) == 20
    page.goto(f"{page.base_url}/hitachi/commons/decisions/{vote.pk}/receipt/")
    page.fill("#code", code.lower())
    page.locator("main form button[type=submit]").click()
    result = page.locator("#receipt-result")
    assert "✓" in result.inner_text()
    assert "6月" not in result.inner_text()  # the ballot stays encrypted


def test_pay_a_shop_with_points(browser, live_server, city, citizen, staff, business):
    rewards.points_issue(city=city, actor=staff, amount=1000, key="fund")
    rewards.rewards_opt_in(city=city, user=citizen)
    offer = rewards.reward_offer(city=city, rule=RewardRuleFactory(city=city, points=300),
                                 user=citizen, actor=staff)  # fmt: skip
    shop = browser.new_context(locale="ja-JP")
    phone = browser.new_context(locale="ja-JP", viewport={"width": 375, "height": 740})
    try:
        shop_page, phone_page = shop.new_page(), phone.new_page()
        for p in (shop_page, phone_page):
            p.set_default_timeout(15000)
            p.base_url = live_server.url
        _sign_in(shop_page, business)
        shop_page.goto(live_server.url + "/hitachi/commons/pay/new/")
        shop_page.fill("#amount", "120")
        shop_page.fill("#memo", "コロッケ")
        shop_page.locator("main form button[type=submit]").click()
        shop_page.wait_for_url("**/show/")
        assert shop_page.locator("figure.qr svg").count() == 1
        pay_url = shop_page.locator("figure.qr a").get_attribute("href")

        _sign_in(phone_page, citizen)
        phone_page.goto(live_server.url + "/hitachi/commons/points/")
        phone_page.locator(f"form[action$='/offers/{offer.pk}/'] button[value=accept]").click()
        phone_page.wait_for_load_state()
        assert "300" in phone_page.locator("#my-balance").inner_text()
        phone_page.goto(pay_url)
        assert phone_page.locator("#pay-amount").inner_text() == "120"
        phone_page.locator("main form button[type=submit]").click()
        phone_page.wait_for_url("**/receipt/")
        assert "120" in phone_page.content()

        shop_page.locator("#payment-status a").wait_for()  # the shop's page updates by itself
        shop_page.locator("#payment-status a").click()
        shop_page.wait_for_url("**/receipt/")
        assert PaymentRequest.objects.get().status == "paid"
        payments.payment_request_pay(
            city=city, user=citizen, code=PaymentRequest.objects.get().code
        )
    finally:
        shop.close()
        phone.close()
