"""The attacks of issue 9 §2 on ballot secrecy, run against the real database.

Before: on PostgreSQL ``commons_boardentry.xmin = commons_voterrecord.xmin - 1`` linked every
voter to their (plaintext) ballot; on SQLite the rowid order did. Now ballots are encrypted,
written to the board a batch at a time in a random order by another transaction, with random
ids, and neither join links a voter to a board entry better than chance.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from kyoso.commons.models import BoardEntry, PendingBallot, VoterRecord
from kyoso.commons.services import decisions
from kyoso.core.errors import ConflictError
from tests.commons.election_fixtures import Committee
from tests.core.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)
N = 12


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


@pytest.fixture
def cast(city, staff, settings):
    """N voters cast one after another; the test knows who holds which tracker."""
    settings.KYOSO_BALLOT_BATCH = 100  # the test seals by hand
    d = decisions.decision_create(
        city=city, actor=staff, title="秘密投票", method="plurality", options=["A", "B", "C"],
        electorate="residents", opens_at=timezone.now() - timedelta(hours=1),
        closes_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    Committee(city, d, [staff]).ceremony()
    truth = {}
    for k in range(N):
        user = MembershipFactory(city=city).user
        c = decisions.ballot_cast(city=city, decision=d, user=user, ballot={"choice": "ABC"[k % 3]})
        truth[user.pk] = c.tracker
    return d, truth


def _linked(voters_in_order, trackers_in_order, truth):
    return sum(truth[u] == t for u, t in zip(voters_in_order, trackers_in_order, strict=False))


def test_sqlite_rowid_order_does_not_link_voters_to_ballots(city, cast):
    if connection.vendor != "sqlite":
        pytest.skip("the rowid attack is specific to SQLite")
    d, truth = cast
    voters = [
        u
        for (u,) in _sql(
            "SELECT user_id FROM commons_voterrecord WHERE decision_id=%s ORDER BY rowid", [d.pk]
        )
    ]
    pending = [
        t
        for (t,) in _sql(
            "SELECT tracker FROM commons_pendingballot WHERE decision_id=%s ORDER BY rowid", [d.pk]
        )
    ]
    assert len(voters) == len(pending) == N
    assert _linked(voters, pending, truth) < N // 2
    decisions.board_seal(city=city, decision=d)
    by_rowid = [
        t
        for (t,) in _sql(
            "SELECT tracker FROM commons_boardentry WHERE decision_id=%s ORDER BY rowid", [d.pk]
        )
    ]
    by_seq = [
        t
        for (t,) in _sql(
            "SELECT tracker FROM commons_boardentry WHERE decision_id=%s ORDER BY seq", [d.pk]
        )
    ]
    assert len(by_rowid) == N and not PendingBallot.objects.exists()
    assert _linked(voters, by_rowid, truth) < N // 2
    assert _linked(voters, by_seq, truth) < N // 2
    # The rowid is the random id itself: it says nothing about the order of casting.
    rowids = [
        r for (r,) in _sql("SELECT rowid FROM commons_voterrecord WHERE decision_id=%s", [d.pk])
    ]
    assert set(rowids) == set(VoterRecord.objects.filter(decision=d).values_list("id", flat=True))


def test_postgresql_xmin_does_not_link_voters_to_ballots(city, cast):
    if connection.vendor != "postgresql":
        pytest.skip("the xmin attack is specific to PostgreSQL")
    d, truth = cast
    decisions.board_seal(city=city, decision=d)
    joined = _sql(
        "SELECT v.user_id, b.tracker FROM commons_voterrecord v JOIN commons_boardentry b "
        "ON b.xmin::text::bigint = v.xmin::text::bigint - 1 WHERE v.decision_id=%s",
        [d.pk],
    )
    assert joined == []  # the attack: 6 of 6 before
    same = _sql(
        "SELECT v.user_id, b.tracker FROM commons_voterrecord v JOIN commons_boardentry b "
        "ON b.xmin::text = v.xmin::text WHERE v.decision_id=%s",
        [d.pk],
    )
    assert same == []
    board_xmins = {
        x for (x,) in _sql("SELECT xmin::text FROM commons_boardentry WHERE decision_id=%s", [d.pk])
    }
    assert len(board_xmins) == 1  # one sealing transaction for the whole batch
    voters = [
        u
        for (u,) in _sql(
            "SELECT user_id FROM commons_voterrecord WHERE decision_id=%s ORDER BY xmin::text::bigint",
            [d.pk],
        )
    ]
    by_ctid = [
        t
        for (t,) in _sql(
            "SELECT tracker FROM commons_boardentry WHERE decision_id=%s ORDER BY ctid", [d.pk]
        )
    ]
    by_seq = list(
        BoardEntry.objects.filter(decision=d).order_by("seq").values_list("tracker", flat=True)
    )
    assert _linked(voters, by_ctid, truth) < N // 2
    assert _linked(voters, by_seq, truth) < N // 2


def test_batches_seal_by_themselves(city, staff, settings):
    settings.KYOSO_BALLOT_BATCH = 4
    d = decisions.decision_create(
        city=city, actor=staff, title="一括", method="approval", options=["A", "B"],
        electorate="residents", opens_at=timezone.now() - timedelta(hours=1),
        closes_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    Committee(city, d, [staff]).ceremony()
    for _ in range(6):
        decisions.ballot_cast(city=city, decision=d, user=MembershipFactory(city=city).user,
                              ballot={"approve": ["A"]})  # fmt: skip
    assert BoardEntry.objects.filter(decision=d).count() == 4
    assert PendingBallot.objects.filter(decision=d).count() == 2


def test_twelve_parallel_casts_count_once(city, staff):
    if connection.vendor != "postgresql":
        pytest.skip("parallel writers need PostgreSQL")
    d = decisions.decision_create(
        city=city, actor=staff, title="二重投票", method="plurality", options=["A", "B"],
        electorate="residents", opens_at=timezone.now() - timedelta(hours=1),
        closes_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    Committee(city, d, [staff]).ceremony()
    voter = MembershipFactory(city=city).user
    barrier = threading.Barrier(12)
    outcomes: list[str] = []

    def cast_once() -> None:
        try:
            barrier.wait()
            decisions.ballot_cast(city=city, decision=d, user=voter, ballot={"choice": "A"})
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cast_once) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * 11 + ["ok"]
    assert VoterRecord.objects.filter(decision=d).count() == 1
    assert PendingBallot.objects.filter(decision=d).count() == 1
