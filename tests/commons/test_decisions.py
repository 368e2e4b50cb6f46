from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from kyoso.commons.models import BoardEntry, Decision, VoterRecord
from kyoso.commons.selectors.decisions import board_of, decision_check, receipt_find
from kyoso.commons.services import decisions, groups
from kyoso.core.errors import ConflictError, DomainError, PermissionDeniedError
from tests.core.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _voters(city, n):
    return [MembershipFactory(city=city).user for _ in range(n)]


@pytest.fixture
def vote(city, staff):
    return decisions.decision_create(
        city=city, actor=staff, title="日程", method="plurality", options=["A", "B", "C"],
        electorate="residents", opens_at=timezone.now() - timedelta(hours=1),
        closes_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip


def _close(decision):
    Decision.objects.filter(pk=decision.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    decision.refresh_from_db()


def _cast_all(city, decision, choices):
    casts = []
    for user, choice in zip(_voters(city, len(choices)), choices, strict=True):
        casts.append(decisions.ballot_cast(city=city, decision=decision, user=user,
                                           ballot={"choice": choice} if choice else {}))  # fmt: skip
    decision.refresh_from_db()
    return casts


def test_board_holds_no_identity_and_recounts(city, vote):
    casts = _cast_all(city, vote, ["A", "B", "A", None])
    fields = {f.name for f in BoardEntry._meta.get_fields()}
    assert not fields & {"user", "voter", "created_at"}
    _close(vote)
    check = decision_check(vote)
    assert check.verification.ok
    assert check.result.winners == ("A",)
    assert check.result.abstentions == 1
    assert json.loads(receipt_find(vote, casts[1].receipt_code).ballot) == {"choice": "B"}
    assert receipt_find(vote, casts[1].receipt_code.lower()) is not None  # forgiving input
    assert receipt_find(vote, "not-a-code") is None


def test_one_person_one_vote(city, vote, citizen):
    decisions.ballot_cast(city=city, decision=vote, user=citizen, ballot={"choice": "A"})
    with pytest.raises(ConflictError):
        decisions.ballot_cast(city=city, decision=vote, user=citizen, ballot={"choice": "B"})
    assert VoterRecord.objects.filter(decision=vote).count() == 1
    assert BoardEntry.objects.filter(decision=vote).count() == 1


def _sql(statement, params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_altering_a_ballot_is_detected(city, vote):
    _cast_all(city, vote, ["A", "B", "C"])
    entry = BoardEntry.objects.get(decision=vote, seq=1)
    _sql("UPDATE commons_boardentry SET ballot = %s WHERE id = %s", ['{"choice":"A"}', entry.pk])
    assert "altered" in decision_check(vote).verification.kinds()


def test_removing_a_ballot_is_detected(city, vote):
    _cast_all(city, vote, ["A", "B", "C"])
    _sql("DELETE FROM commons_boardentry WHERE decision_id = %s AND seq = 1", [vote.pk])
    kinds = decision_check(vote).verification.kinds()
    assert kinds & {"missing", "broken_link", "length"}


def test_removing_the_last_ballot_is_detected(city, vote):
    _cast_all(city, vote, ["A", "B", "C"])
    _sql("DELETE FROM commons_boardentry WHERE decision_id = %s AND seq = 2", [vote.pk])
    assert not decision_check(vote).verification.ok


def test_reordering_ballots_is_detected(city, vote):
    _cast_all(city, vote, ["A", "B", "C"])
    rows = {e.seq: e.pk for e in BoardEntry.objects.filter(decision=vote)}
    _sql("UPDATE commons_boardentry SET seq = 99 WHERE id = %s", [rows[0]])
    _sql("UPDATE commons_boardentry SET seq = 0 WHERE id = %s", [rows[1]])
    _sql("UPDATE commons_boardentry SET seq = 1 WHERE id = %s", [rows[0]])
    assert not decision_check(vote).verification.ok


def test_board_rows_are_append_only(city, vote):
    _cast_all(city, vote, ["A"])
    entry = BoardEntry.objects.get(decision=vote)
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        BoardEntry.objects.filter(decision=vote).update(ballot="{}")
    with pytest.raises(PermissionError):
        BoardEntry.objects.filter(decision=vote).delete()


def test_verify_decision_command(city, vote, capsys):
    _cast_all(city, vote, ["B", "B", "A"])
    _close(vote)
    call_command("verify_decision", str(vote.pk), "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["board_ok"] and out["winners"] == ["B"] and out["ballots"] == 3
    _sql("UPDATE commons_boardentry SET ballot = %s WHERE decision_id = %s AND seq = 0",
         ['{"choice":"A"}', vote.pk])  # fmt: skip
    with pytest.raises(CommandError):
        call_command("verify_decision", str(vote.pk))


def test_closed_and_unopened_votes_refuse_ballots(city, vote, citizen):
    _close(vote)
    with pytest.raises(ConflictError):
        decisions.ballot_cast(city=city, decision=vote, user=citizen, ballot={"choice": "A"})


@pytest.mark.parametrize(
    "ballot",
    [{"choice": "Z"}, {"approve": ["A"]}, {"choice": ["A"]}, {"choice": {"x": 1}}],
)
def test_invalid_ballots_are_refused(city, vote, citizen, ballot):
    with pytest.raises(DomainError):
        decisions.ballot_cast(city=city, decision=vote, user=citizen, ballot=ballot)
    assert not VoterRecord.objects.exists()


@pytest.mark.parametrize(
    ("method", "ballot", "ok"),
    [
        ("approval", {"approve": ["A", "C"]}, True),
        ("score", {"scores": {"A": 5, "B": 0}}, True),
        ("score", {"scores": {"A": 6}}, False),
        ("quadratic", {"votes": {"A": 7, "B": -7}}, True),
        ("quadratic", {"votes": {"A": 8, "B": -7}}, False),
        ("instant_runoff", {"ranking": ["B", "A"]}, True),
        ("schulze", {"ranking": ["B", "B"]}, False),
        ("schulze", {"ranking": ["C", "A", "B"]}, True),
    ],
)
def test_every_method_checks_its_ballots(city, staff, citizen, method, ballot, ok):
    d = decisions.decision_create(
        city=city, actor=staff, title="t", method=method, options=["A", "B", "C"],
        electorate="residents", opens_at=timezone.now() - timedelta(hours=1),
        closes_at=timezone.now() + timedelta(days=1), max_score=5, voice_credits=100,
    )  # fmt: skip
    if ok:
        decisions.ballot_cast(city=city, decision=d, user=citizen, ballot=ballot)
        _close(d)
        assert decision_check(d).verification.ok
    else:
        with pytest.raises(DomainError):
            decisions.ballot_cast(city=city, decision=d, user=citizen, ballot=ballot)


def test_electorates(city, staff, citizen):
    founder = MembershipFactory(city=city).user
    group = groups.group_create(city=city, user=founder, name="会", purpose="目的", theme="green")
    members_vote = decisions.decision_create(
        city=city, actor=founder, title="会の投票", method="plurality", options=["A", "B"],
        electorate="members", group=group, opens_at=timezone.now() - timedelta(hours=1),
        closes_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    with pytest.raises(PermissionDeniedError):
        decisions.ballot_cast(
            city=city, decision=members_vote, user=citizen, ballot={"choice": "A"}
        )
    decisions.ballot_cast(city=city, decision=members_vote, user=founder, ballot={"choice": "A"})
    verified_vote = decisions.decision_create(
        city=city, actor=staff, title="確認済み", method="plurality", options=["A", "B"],
        electorate="verified", opens_at=timezone.now() - timedelta(hours=1),
        closes_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    with pytest.raises(PermissionDeniedError):
        decisions.ballot_cast(
            city=city, decision=verified_vote, user=citizen, ballot={"choice": "A"}
        )
    with pytest.raises(PermissionDeniedError):
        decisions.decision_create(
            city=city, actor=citizen, title="x", method="plurality", options=["A", "B"],
            electorate="residents", opens_at=timezone.now(), closes_at=timezone.now() + timedelta(days=1),
        )  # fmt: skip


def test_quorum(city, staff):
    d = decisions.decision_create(
        city=city, actor=staff, title="定足数", method="plurality", options=["A", "B"],
        electorate="residents", quorum=3, opens_at=timezone.now() - timedelta(hours=1),
        closes_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    _cast_all(city, d, ["A", "B", None])
    _close(d)
    assert not decision_check(d).quorum_met


def test_other_city_residents_cannot_vote(city, other_city, vote):
    outsider = MembershipFactory(city=other_city).user
    with pytest.raises(PermissionDeniedError):
        decisions.ballot_cast(city=city, decision=vote, user=outsider, ballot={"choice": "A"})
    with pytest.raises(DomainError):
        decisions.ballot_cast(city=other_city, decision=vote, user=outsider, ballot={"choice": "A"})
    assert board_of(vote) == []
