from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kyoso.commons.models import AccountBalance, Decision, PaymentRequest
from kyoso.commons.selectors.ledger import account_of
from kyoso.commons.services import decisions, groups, payments, rewards
from tests.commons.election_fixtures import Committee
from tests.commons.factories import GroupFactory, RewardRuleFactory
from tests.core.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def url(name, city, **kw):
    return reverse(f"commons:{name}", kwargs={"city_slug": city.slug, **kw})


@pytest.fixture
def committee(city, staff):
    d = decisions.decision_create(
        city=city, actor=staff, title="バス停の名前", method="approval", options=["潮風", "はまなす"],
        electorate="residents", opens_at=timezone.now() - timedelta(hours=1),
        closes_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    c = Committee(city, d, [staff])
    c.ceremony()
    return c


@pytest.fixture
def vote(committee):
    return committee.decision


@pytest.mark.parametrize(
    "name", ["index", "groups", "decisions", "pb_list", "reward_rules", "transparency"]
)
def test_public_pages(client, city, name):
    assert client.get(url(name, city)).status_code == 200


def test_private_pages_need_sign_in(client, city):
    response = client.get(url("points", city))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_page_is_for_staff(client, city, citizen, staff):
    client.force_login(citizen)
    assert client.get(url("staff_points", city)).status_code == 403
    client.force_login(staff)
    response = client.get(url("staff_points", city) + "?verify=1")
    assert response.status_code == 200
    assert (
        "台帳は検証に合格しました" in response.content.decode()
        or "ledger verifies" in response.content.decode()
    )


def test_group_list_query_count(client, city, django_assert_max_num_queries):
    for _ in range(15):
        GroupFactory(city=city)
    with django_assert_max_num_queries(12):
        assert client.get(url("groups", city)).status_code == 200


def test_group_join_page_flow(client, city, citizen):
    founder = MembershipFactory(city=city).user
    g = groups.group_create(city=city, user=founder, name="清掃会", purpose="海岸", theme="green",
                            roles=[("ごみ拾い", "", 2)])  # fmt: skip
    client.force_login(citizen)
    response = client.post(url("group_action", city, group_id=g.pk), {"action": "join"})
    assert response.status_code == 302
    page = client.get(url("group_detail", city, group_id=g.pk)).content.decode()
    assert 'name="action" value="leave"' in page


def test_vote_page_flow_shows_receipt_once(client, city, citizen, vote):
    client.force_login(citizen)
    page = client.get(url("decision_detail", city, decision_id=vote.pk)).content.decode()
    assert 'name="approve"' in page
    response = client.post(url("decision_vote", city, decision_id=vote.pk), {"approve": ["潮風"]})
    assert response.status_code == 200
    code = response.context["cast"].code
    assert code in response.content.decode()
    assert "kyoso-ballot-receipt/1" in response.content.decode()  # details one click away
    lookup = client.get(url("decision_receipt", city, decision_id=vote.pk), {"code": code})
    assert lookup.context["where"] == "pending"
    again = client.post(url("decision_vote", city, decision_id=vote.pk), {"approve": ["はまなす"]})
    assert again.status_code == 409


def test_closed_decision_page_shows_result_and_record(
    client, city, citizen, staff, committee, vote
):
    decisions.ballot_cast(city=city, decision=vote, user=citizen, ballot={"approve": ["潮風"]})
    Decision.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    client.force_login(staff)
    page = client.get(url("decision_trustee", city, decision_id=vote.pk))
    assert page.context["step"] == "wait" and 'value="prepare"' in page.content.decode()
    assert (
        client.post(
            url("decision_trustee", city, decision_id=vote.pk), {"action": "prepare"}
        ).status_code
        == 302
    )
    ceremony = client.get(
        url("decision_trustee", city, decision_id=vote.pk) + "?format=json"
    ).json()
    assert ceremony["decrypt"]["positions"] == ["option/0", "option/1"]
    out = committee.output(staff, "decrypt")
    bad = client.post(url("decision_trustee", city, decision_id=vote.pk),
                      {"step": "decrypt", "file": SimpleUploadedFile("d.json", b"{not json")})  # fmt: skip
    assert bad.status_code == 400
    upload = SimpleUploadedFile("decrypt.json", json.dumps(out).encode())
    done = client.post(
        url("decision_trustee", city, decision_id=vote.pk), {"step": "decrypt", "file": upload}
    )
    assert done.status_code == 302
    page = client.get(url("decision_detail", city, decision_id=vote.pk))
    assert page.context["result"]["winners"] == ["潮風"] and page.context["check"].ok
    record = client.get(url("decision_record", city, decision_id=vote.pk)).json()
    assert len(record["board"]["entries"]) == 1 and "user" not in record["board"]["entries"][0]
    board = client.get(url("decision_board", city, decision_id=vote.pk))
    assert board.status_code == 200


def test_trustee_page_is_for_trustees_only(client, city, citizen, vote):
    client.force_login(citizen)
    assert client.get(url("decision_trustee", city, decision_id=vote.pk)).status_code == 403


def test_other_city_cannot_see_decision(client, city, other_city, vote):
    response = client.get(url("decision_detail", other_city, decision_id=vote.pk))
    assert response.status_code == 404


def test_points_page_opt_in_accept_and_leave(client, city, citizen, staff):
    rewards.points_issue(city=city, actor=staff, amount=1000, key="f")
    client.force_login(citizen)
    client.post(url("rewards_opt_in", city))
    offer = rewards.reward_offer(city=city, rule=RewardRuleFactory(city=city, points=70),
                                 user=citizen, actor=staff)  # fmt: skip
    client.post(url("offer_decide", city, offer_id=offer.pk), {"decision": "accept"})
    page = client.get(url("points", city))
    assert page.context["balance"].balance == 70
    client.post(url("rewards_leave", city))
    assert client.get(url("points", city)).context["opted_in"] is False


def test_pay_with_qr_flow(client, city, citizen, business, staff):
    rewards.points_issue(city=city, actor=staff, amount=1000, key="f")
    rewards.rewards_opt_in(city=city, user=citizen)
    offer = rewards.reward_offer(city=city, rule=RewardRuleFactory(city=city, points=300),
                                 user=citizen, actor=staff)  # fmt: skip
    rewards.reward_accept(city=city, user=citizen, offer_id=offer.pk)
    client.force_login(business)
    response = client.post(url("payment_new", city), {"amount": "120", "memo": "パン"})
    pr = PaymentRequest.objects.get()
    assert response["Location"].endswith(url("payment_show", city, code=pr.code))
    show = client.get(response["Location"]).content.decode()
    assert "<svg" in show
    client.force_login(citizen)
    assert client.get(url("payment_confirm", city, code=pr.code)).status_code == 200
    paid = client.post(url("payment_confirm", city, code=pr.code))
    assert paid.status_code == 302
    receipt = client.get(url("payment_receipt", city, code=pr.code))
    assert receipt.status_code == 200
    client.force_login(business)
    assert client.get(url("payment_receipt", city, code=pr.code)).status_code == 200
    assert AccountBalance.objects.get(account=account_of(city=city, user=citizen)).balance == 180
    other = MembershipFactory(city=city).user
    client.force_login(other)
    assert client.get(url("payment_receipt", city, code=pr.code)).status_code == 404


def test_only_businesses_create_payment_requests(client, city, citizen):
    client.force_login(citizen)
    assert client.get(url("payment_new", city)).status_code == 403


def test_pb_pages_and_export(client, city, staff):
    from kyoso.commons.services import budgeting

    pb = budgeting.pb_round_create(
        city=city, actor=staff, title="予算", budget=1000, ballot_type="approval", rule="greedy",
        opens_at=timezone.now() - timedelta(days=1), closes_at=timezone.now() + timedelta(days=1),
        projects=[("a", "ベンチ", 400), ("b", "街灯", 700)],
    )  # fmt: skip
    voter = MembershipFactory(city=city).user
    client.force_login(voter)
    client.post(url("pb_vote", city, round_id=pb.pk), {"project": ["a"]})
    assert pb.ballots.get().choices == {"a": 1}
    assert client.get(url("pb_detail", city, round_id=pb.pk)).status_code == 200
    export = client.get(url("pb_export", city, round_id=pb.pk))
    assert export.content.decode().startswith("META")


def test_my_page_and_home_sections(client, city, citizen, vote):
    client.force_login(citizen)
    assert "commons-me-h" in client.get(reverse("core:my_page", args=[city.slug])).content.decode()
    assert (
        "commons-home-h" in client.get(reverse("core:city_home", args=[city.slug])).content.decode()
    )


def test_payment_request_of_other_shop_is_private(client, city, business):
    pr = payments.payment_request_create(city=city, user=business, amount=5)
    other_shop = MembershipFactory(city=city, role="business").user
    client.force_login(other_shop)
    assert client.get(url("payment_show", city, code=pr.code)).status_code == 404


def test_staff_seeing_shop_balances_is_recorded_for_the_owner(client, city, staff, business):
    from kyoso.commons.services.payments import merchant_account_open
    from kyoso.core.models import PersonalDataAccess

    merchant_account_open(city=city, user=business)
    client.force_login(staff)
    assert client.get(url("staff_points", city)).status_code == 200
    seen = PersonalDataAccess.objects.get(city=city, subject=business)
    assert seen.actor == staff and seen.purpose


def test_decision_page_speaks_japanese(client, city):
    from tests.commons.factories import DecisionFactory

    decision = DecisionFactory(city=city)
    page = client.get(
        url("decision_detail", city, decision_id=decision.pk), HTTP_ACCEPT_LANGUAGE="ja"
    )
    text = page.content.decode()
    assert "選挙委員会" in text and "Election committee" not in text
