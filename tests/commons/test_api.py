from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kyoso.commons.models import Decision, Transfer
from kyoso.commons.services import decisions, groups, ledger, rewards
from tests.commons.election_fixtures import Committee
from tests.commons.factories import RewardRuleFactory
from tests.core.factories import MembershipFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/commons"


@pytest.fixture
def committee(city, staff):
    d = decisions.decision_create(
        city=city, actor=staff, title="投票", method="plurality", options=["A", "B"],
        electorate="residents", opens_at=timezone.now() - timedelta(hours=1),
        closes_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    c = Committee(city, d, [staff])
    c.ceremony()
    return c


@pytest.fixture
def vote(committee):
    return committee.decision


def test_cast_lookup_board_and_record(client, city, citizen, staff, committee, vote):
    client.force_login(citizen)
    r = client.post(f"{API}/{city.slug}/decisions/{vote.pk}/ballots",
                    {"ballot": {"choice": "B"}}, content_type="application/json")  # fmt: skip
    assert r.status_code == 201
    code, receipt = r.json()["code"], r.json()["receipt"]
    assert receipt["kind"] == "kyoso-ballot-receipt/1" and receipt["signature"]
    again = client.post(f"{API}/{city.slug}/decisions/{vote.pk}/ballots",
                        {"ballot": {"choice": "A"}}, content_type="application/json")  # fmt: skip
    assert again.status_code == 409
    client.logout()
    found = client.get(f"{API}/{city.slug}/decisions/{vote.pk}/trackers/{code}")
    assert found.status_code == 200 and found.json()["status"] == "pending"
    assert client.get(f"{API}/{city.slug}/decisions/{vote.pk}/trackers/XXXX").status_code == 404
    Decision.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    vote.refresh_from_db()
    decisions.decision_tally_prepare(city=city, decision=vote, actor=staff)
    committee.decrypt()
    board = client.get(f"{API}/{city.slug}/decisions/{vote.pk}/board").json()
    assert len(board) == 1 and set(board[0]) == {"seq", "tracker", "ballot", "prev_hash", "hash"}
    assert '"B"' not in board[0]["ballot"]
    result = client.get(f"{API}/{city.slug}/decisions/{vote.pk}").json()["result"]
    assert result["board_ok"] and result["winners"] == ["B"]
    record = client.get(f"{API}/{city.slug}/decisions/{vote.pk}/record").json()
    assert record["format"] == "kyoso-election-record/1" and record["result"]["winners"] == ["B"]


def test_cast_needs_exactly_one_of_ballot_and_encrypted(client, city, citizen, vote):
    client.force_login(citizen)
    for body in ({}, {"ballot": {"choice": "A"}, "encrypted": {"choices": []}}):
        r = client.post(f"{API}/{city.slug}/decisions/{vote.pk}/ballots", body,
                        content_type="application/json")  # fmt: skip
        assert r.status_code == 400
    r = client.post(f"{API}/{city.slug}/decisions/{vote.pk}/ballots",
                    {"encrypted": {"choices": [["zz", "00"]], "proofs": []}},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 400 and r.json()["detail"][0]["field"] == "encrypted"


@pytest.mark.parametrize("ballot", [{"choice": 5}, {"approve": 1}, {"x": "y"}, {"choice": ["A"]}])
def test_bad_ballots_are_4xx(client, city, citizen, vote, ballot):
    client.force_login(citizen)
    r = client.post(f"{API}/{city.slug}/decisions/{vote.pk}/ballots", {"ballot": ballot},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 400


def test_gift_with_idempotency_header_pays_once(client, city, citizen, staff):
    rewards.points_issue(city=city, actor=staff, amount=1000, key="f")
    rewards.rewards_opt_in(city=city, user=citizen)
    offer = rewards.reward_offer(city=city, rule=RewardRuleFactory(city=city, points=200),
                                 user=citizen, actor=staff)  # fmt: skip
    rewards.reward_accept(city=city, user=citizen, offer_id=offer.pk)
    friend = ledger.account_open(city=city, user=MembershipFactory(city=city).user)
    client.force_login(citizen)
    for _ in range(3):
        r = client.post(f"{API}/{city.slug}/points/transfers", {"to_account": friend.pk, "amount": 50},
                        content_type="application/json", headers={"Idempotency-Key": "k-1"})  # fmt: skip
        assert r.status_code == 201
    assert Transfer.objects.filter(kind="gift").count() == 1
    assert client.get(f"{API}/{city.slug}/points/balance").json()["balance"] == 150
    missing = client.post(f"{API}/{city.slug}/points/transfers", {"to_account": friend.pk, "amount": 5},
                          content_type="application/json")  # fmt: skip
    assert missing.status_code == 400
    too_much = client.post(f"{API}/{city.slug}/points/transfers",
                           {"to_account": friend.pk, "amount": 999, "idempotency_key": "k-2"},
                           content_type="application/json")  # fmt: skip
    assert too_much.status_code == 400
    assert client.get(f"{API}/{city.slug}/points/transfers").status_code == 200


def test_payment_request_api(client, city, business, citizen):
    client.force_login(business)
    r = client.post(f"{API}/{city.slug}/points/payment-requests", {"amount": 10},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 201
    code = r.json()["code"]
    client.force_login(citizen)
    pay = client.post(f"{API}/{city.slug}/points/payment-requests/{code}/pay")
    assert pay.status_code == 400  # no points yet
    client.force_login(citizen)
    forbidden = client.post(f"{API}/{city.slug}/points/payment-requests", {"amount": 10},
                            content_type="application/json")  # fmt: skip
    assert forbidden.status_code == 403


def test_public_reads_and_tenancy(client, city, other_city, staff):
    founder = MembershipFactory(city=city).user
    g = groups.group_create(city=city, user=founder, name="会", purpose="目的", theme="green")
    assert client.get(f"{API}/{city.slug}/groups").json()[0]["name"] == "会"
    assert client.get(f"{API}/{other_city.slug}/groups").json() == []
    assert client.get(f"{API}/{other_city.slug}/groups/{g.pk}").status_code == 404
    assert client.get(f"{API}/{city.slug}/points/summary").status_code == 200
    assert client.get(f"{API}/{city.slug}/points/rules").status_code == 200
    assert client.get(f"{API}/nowhere/groups").status_code == 404
    assert client.get(f"{API}/{city.slug}/points/balance").status_code == 401


def test_join_group_api(client, city, citizen):
    founder = MembershipFactory(city=city).user
    g = groups.group_create(city=city, user=founder, name="会", purpose="目的", theme="green")
    client.force_login(citizen)
    r = client.post(f"{API}/{city.slug}/groups/{g.pk}/members", {}, content_type="application/json")
    assert r.status_code == 201
    assert client.get(f"{API}/{city.slug}/groups/{g.pk}").json()["member_count"] == 2
    assert client.delete(f"{API}/{city.slug}/groups/{g.pk}/members").status_code == 200


def test_nul_characters_are_4xx_not_5xx(client, city, citizen, vote):
    assert client.get(f"{API}/{city.slug}/groups", {"q": "a\x00b"}).status_code == 400
    client.force_login(citizen)
    r = client.post(f"{API}/{city.slug}/decisions/{vote.pk}/ballots", {"ballot": {"choice": "A\x00"}},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 400
    r = client.post(f"{API}/{city.slug}/points/transfers",
                    {"to_account": 1, "amount": 1, "idempotency_key": "k\x00"},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 400
    assert client.get(f"{API}/{city.slug}/points/payment-requests/a%00b").status_code in (400, 404)
