from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from kyoso.commons.algorithms import election_ballot as eb
from kyoso.commons.algorithms import election_verifier as ev
from kyoso.commons.models import BoardEntry, Decision, PendingBallot, SignedHead, VoterRecord
from kyoso.commons.selectors.decisions import (
    board_of,
    decision_check,
    election_record,
    tracker_find,
)
from kyoso.commons.services import decisions, groups
from kyoso.core.errors import ConflictError, DomainError, PermissionDeniedError
from tests.commons.election_fixtures import Committee
from tests.core.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _voters(city, n):
    return [MembershipFactory(city=city).user for _ in range(n)]


def _new(city, staff, method="plurality", options=("A", "B", "C"), **kw):
    committee = [staff, *_voters(city, 2)]
    d = decisions.decision_create(
        city=city, actor=staff, title="日程", method=method, options=list(options),
        electorate=kw.pop("electorate", "residents"), opens_at=timezone.now() - timedelta(hours=1),
        closes_at=timezone.now() + timedelta(days=1), trustees=committee, threshold=2, **kw,
    )  # fmt: skip
    c = Committee(city, d, committee)
    c.ceremony()
    return d, c


@pytest.fixture
def election(city, staff):
    return _new(city, staff)


@pytest.fixture
def vote(election):
    return election[0]


def _close(decision):
    Decision.objects.filter(pk=decision.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    decision.refresh_from_db()


def _cast_all(city, decision, ballots):
    casts = []
    for user, ballot in zip(_voters(city, len(ballots)), ballots, strict=True):
        casts.append(decisions.ballot_cast(city=city, decision=decision, user=user, ballot=ballot))
    decision.refresh_from_db()
    return casts


def _plurality(choices):
    return [{"choice": c} if c else {} for c in choices]


def _count(city, staff, decision, committee):
    _close(decision)
    decisions.decision_tally_prepare(city=city, decision=decision, actor=staff)
    return committee.decrypt()


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def test_no_vote_before_the_key_ceremony(city, staff, citizen):
    d = decisions.decision_create(
        city=city, actor=staff, title="t", method="plurality", options=["A", "B"],
        electorate="residents", opens_at=timezone.now() - timedelta(hours=1),
        closes_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    assert d.trustees.count() == 1 and d.threshold == 1  # the creator alone by default
    with pytest.raises(ConflictError):
        decisions.ballot_cast(city=city, decision=d, user=citizen, ballot={"choice": "A"})


def test_nothing_stored_in_the_clear_and_the_count_is_right(city, staff, election):
    vote, committee = election
    casts = _cast_all(city, vote, _plurality(["A", "B", "A", None, "A"]))
    stored = [p.ballot for p in PendingBallot.objects.all()] + [
        e.ballot for e in BoardEntry.objects.all()
    ]
    assert stored and all('"choice"' not in b and '"A"' not in b for b in stored)
    for model in (BoardEntry, PendingBallot, VoterRecord):
        names = {f.name for f in model._meta.get_fields()}
        assert not names & {"created_at", "voted_on", "cast_at", "timestamp"}
    assert not {f.name for f in BoardEntry._meta.get_fields()} & {"user", "voter"}
    vote = _count(city, staff, vote, committee)
    assert vote.result["winners"] == ["A"]
    assert vote.result["tallies"] == {"A": 3, "B": 1, "C": 0}
    assert vote.result["abstentions"] == 1
    assert PendingBallot.objects.count() == 0 and vote.board_length == 5
    check = decision_check(vote, receipts=[c.receipt for c in casts], check_proofs=True)
    assert check.ok, check.report.problems
    where, entry = tracker_find(vote, casts[1].code)
    assert where == "board" and entry.tracker == casts[1].tracker
    assert tracker_find(vote, casts[1].code.lower().replace("-", "")) is not None
    assert tracker_find(vote, "not-a-code") is None


def test_pending_ballots_are_found_then_sealed_in_random_order(city, election):
    vote, _c = election
    casts = _cast_all(city, vote, _plurality(["A"] * 9))
    assert BoardEntry.objects.filter(decision=vote).count() == 0
    assert tracker_find(vote, casts[0].code) == ("pending", None)
    assert all(c.receipt["board_length"] == 0 for c in casts)
    assert decisions.board_seal(city=city, decision=vote) == 9
    board = [e.tracker for e in board_of(vote)]
    assert sorted(board) == sorted(c.tracker for c in casts)
    assert board != [c.tracker for c in casts]  # 1 chance in 9! to fail
    assert SignedHead.objects.filter(decision=vote, length=9).exists()
    later = _cast_all(city, vote, _plurality(["B"]))[0]
    assert later.receipt["board_length"] == 9


def test_one_person_one_vote(city, vote, citizen):
    decisions.ballot_cast(city=city, decision=vote, user=citizen, ballot={"choice": "A"})
    with pytest.raises(ConflictError):
        decisions.ballot_cast(city=city, decision=vote, user=citizen, ballot={"choice": "B"})
    assert VoterRecord.objects.filter(decision=vote).count() == 1
    assert PendingBallot.objects.filter(decision=vote).count() == 1


def test_an_encrypted_ballot_from_the_voter_is_checked(city, vote, citizen):
    pk = bytes.fromhex(vote.public_key)
    good = eb.encrypt_ballot("plurality", vote.options, {}, pk, {"choice": "B"}, vote.board_id)
    bad = json.loads(json.dumps(good))
    bad["choices"][0], bad["choices"][1] = bad["choices"][1], bad["choices"][0]
    with pytest.raises(DomainError):
        decisions.ballot_cast(city=city, decision=vote, user=citizen, encrypted=bad)
    other = eb.encrypt_ballot("plurality", vote.options, {}, pk, {"choice": "B"}, "another:board")
    with pytest.raises(DomainError):  # a proof made for another vote
        decisions.ballot_cast(city=city, decision=vote, user=citizen, encrypted=other)
    cast = decisions.ballot_cast(city=city, decision=vote, user=citizen, encrypted=good)
    assert cast.tracker == eb.tracker(good)


def _rewrite_board(vote, choice):
    """The attacker with full database write: new valid ballots, chain and head recomputed."""
    pk = bytes.fromhex(vote.public_key)
    head = ev.genesis_hash(vote.board_id)
    for row in BoardEntry.objects.filter(decision=vote).order_by("seq"):
        ballot = eb.encrypt_ballot(
            "plurality", vote.options, {}, pk, {"choice": choice}, vote.board_id
        )
        body, tracker = eb.canonical_json(ballot), eb.tracker(ballot)
        h = ev.entry_hash(row.seq, tracker, body, head)
        _sql("UPDATE commons_boardentry SET ballot=%s, tracker=%s, prev_hash=%s, hash=%s WHERE id=%s",
             [body, tracker, head, h, row.pk])  # fmt: skip
        head = h
    _sql(
        "UPDATE commons_decision SET board_head=%s, tally=NULL, result=NULL WHERE id=%s",
        [head, vote.pk],
    )
    _sql("UPDATE commons_trustee SET decryption=NULL WHERE decision_id=%s", [vote.pk])
    vote.refresh_from_db()


def test_full_rewrite_of_the_database_is_detected(city, staff, election, tmp_path, capsys):
    vote, committee = election
    casts = _cast_all(city, vote, _plurality(["A", "A", "B", "A", "C", "A"]))
    vote = _count(city, staff, vote, committee)
    assert vote.result["winners"] == ["A"]
    published = tmp_path / "record.json"
    published.write_text(json.dumps(election_record(vote)))
    receipts = []
    for n, c in enumerate(casts):
        receipts.append(tmp_path / f"r{n}.json")
        receipts[-1].write_text(json.dumps(c.receipt))
    call_command("verify_decision", str(vote.pk), "--record", str(published),
                 *[x for r in receipts for x in ("--receipt", str(r))])  # fmt: skip

    # Every ballot rewritten to "B", the chain and the head recomputed, the count redone.
    _rewrite_board(vote, "B")
    decisions.decision_tally_prepare(city=city, decision=vote, actor=staff)
    vote = committee.decrypt()
    assert vote.result["winners"] == ["B"]
    # 1. The signed heads in the database no longer match (the key is not in the database).
    with pytest.raises(CommandError):
        call_command("verify_decision", str(vote.pk))
    assert "forged_head" in decision_check(vote).report.kinds()
    # 2. Even with the signed heads deleted, and with the board key stolen and heads re-signed,
    # the published record and every voter's receipt catch it.
    _sql("DELETE FROM commons_signedhead WHERE decision_id=%s", [vote.pk])
    decisions._sign_head(vote)
    capsys.readouterr()
    with pytest.raises(CommandError):
        call_command("verify_decision", str(vote.pk), "--record", str(published), "--json")
    out = json.loads(capsys.readouterr().out)
    assert any(p.startswith("altered") for p in out["problems"])
    with pytest.raises(CommandError):
        call_command("verify_decision", str(vote.pk), "--receipt", str(receipts[-1]), "--json")
    out = json.loads(capsys.readouterr().out)
    assert any(p.startswith(("missing", "forged_head")) for p in out["problems"])


def test_removing_or_reordering_ballots_is_detected(city, staff, election):
    vote, committee = election
    _cast_all(city, vote, _plurality(["A", "B", "C"]))
    vote = _count(city, staff, vote, committee)
    assert decision_check(vote).ok
    rows = {e.seq: e.pk for e in BoardEntry.objects.filter(decision=vote)}
    _sql("UPDATE commons_boardentry SET seq = 99 WHERE id = %s", [rows[0]])
    _sql("UPDATE commons_boardentry SET seq = 0 WHERE id = %s", [rows[1]])
    _sql("UPDATE commons_boardentry SET seq = 1 WHERE id = %s", [rows[0]])
    assert not decision_check(vote).ok
    _sql("DELETE FROM commons_boardentry WHERE id = %s", [rows[2]])
    assert not decision_check(vote).ok


def test_board_rows_are_append_only(city, vote):
    _cast_all(city, vote, _plurality(["A"]))
    decisions.board_seal(city=city, decision=vote)
    entry = BoardEntry.objects.get(decision=vote)
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        BoardEntry.objects.filter(decision=vote).update(ballot="{}")
    with pytest.raises(PermissionError):
        BoardEntry.objects.filter(decision=vote).delete()


def test_closed_votes_refuse_ballots(city, vote, citizen):
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
    ("method", "ballots", "ok", "winner"),
    [
        ("approval", [{"approve": ["A", "C"]}, {"approve": ["C"]}], True, "C"),
        ("score", [{"scores": {"A": 5, "B": 0}}, {"scores": {"B": 4}}], True, "A"),
        ("score", [{"scores": {"A": 6}}], False, None),
        ("quadratic", [{"votes": {"A": 7, "B": -7}}, {"votes": {"B": 3}}], True, "A"),
        ("quadratic", [{"votes": {"A": 8, "B": -7}}], False, None),
        ("instant_runoff", [{"ranking": ["B", "A"]}, {"ranking": ["B"]}, {}], True, "B"),
        ("schulze", [{"ranking": ["B", "B"]}], False, None),
        ("schulze", [{"ranking": ["C", "A", "B"]}, {"ranking": ["C", "B"]}], True, "C"),
    ],
)
def test_every_method_encrypts_counts_and_verifies(city, staff, method, ballots, ok, winner):
    d, committee = _new(city, staff, method=method, max_score=5, voice_credits=100)
    if not ok:
        with pytest.raises(DomainError):
            _cast_all(city, d, ballots)
        return
    casts = _cast_all(city, d, ballots)
    d = _count(city, staff, d, committee)
    assert d.result["winners"] == [winner]
    check = decision_check(d, receipts=[c.receipt for c in casts], check_proofs=True)
    assert check.ok, check.report.problems


def test_any_two_of_three_trustees_decrypt_and_one_cannot(city, staff, election):
    vote, committee = election
    _cast_all(city, vote, _plurality(["C", "C", "A"]))
    _close(vote)
    decisions.decision_tally_prepare(city=city, decision=vote, actor=staff)
    committee.step(committee.users[2], "decrypt")
    vote.refresh_from_db()
    assert vote.result is None
    forged = committee.output(committee.users[1], "decrypt")
    forged["partials"][0]["d"] = forged["partials"][1]["d"]
    with pytest.raises(DomainError):
        decisions.trustee_submit(
            city=city, decision=vote, actor=committee.users[1], step="decrypt", message=forged
        )
    committee.step(committee.users[1], "decrypt")
    vote.refresh_from_db()
    assert vote.result["winners"] == ["C"]
    with pytest.raises(PermissionDeniedError):
        decisions.trustee_submit(
            city=city,
            decision=vote,
            actor=_voters(city, 1)[0],
            step="decrypt",
            message={"index": 1},
        )


def test_electorates(city, staff, citizen):
    founder = MembershipFactory(city=city).user
    group = groups.group_create(city=city, user=founder, name="会", purpose="目的", theme="green")
    members_vote = decisions.decision_create(
        city=city, actor=founder, title="会の投票", method="plurality", options=["A", "B"],
        electorate="members", group=group, opens_at=timezone.now() - timedelta(hours=1),
        closes_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    Committee(city, members_vote, [founder]).ceremony()
    with pytest.raises(PermissionDeniedError):
        decisions.ballot_cast(
            city=city, decision=members_vote, user=citizen, ballot={"choice": "A"}
        )
    decisions.ballot_cast(city=city, decision=members_vote, user=founder, ballot={"choice": "A"})
    verified_vote, _c = _new(city, staff, electorate="verified")
    with pytest.raises(PermissionDeniedError):
        decisions.ballot_cast(
            city=city, decision=verified_vote, user=citizen, ballot={"choice": "A"}
        )
    with pytest.raises(PermissionDeniedError):
        decisions.decision_create(
            city=city, actor=citizen, title="x", method="plurality", options=["A", "B"],
            electorate="residents", opens_at=timezone.now(), closes_at=timezone.now() + timedelta(days=1),
        )  # fmt: skip


def test_trustees_must_belong_to_the_city(city, other_city, staff):
    outsider = MembershipFactory(city=other_city).user
    with pytest.raises(DomainError):
        decisions.decision_create(
            city=city, actor=staff, title="x", method="plurality", options=["A", "B"],
            electorate="residents", opens_at=timezone.now(), closes_at=timezone.now() + timedelta(days=1),
            trustees=[staff, outsider],
        )  # fmt: skip


def test_quorum(city, staff):
    d, committee = _new(city, staff, quorum=3)
    _cast_all(city, d, _plurality(["A", "B", None]))
    d = _count(city, staff, d, committee)
    assert not decision_check(d).quorum_met


def test_other_city_residents_cannot_vote(city, other_city, vote):
    outsider = MembershipFactory(city=other_city).user
    with pytest.raises(PermissionDeniedError):
        decisions.ballot_cast(city=city, decision=vote, user=outsider, ballot={"choice": "A"})
    with pytest.raises(DomainError):
        decisions.ballot_cast(city=other_city, decision=vote, user=outsider, ballot={"choice": "A"})
    assert board_of(vote) == [] and not PendingBallot.objects.exists()
