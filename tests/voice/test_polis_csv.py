"""Tests of reading and writing Polis's open-data CSV export."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from kyoso.voice.algorithms.polis_csv import (
    PolisComment,
    PolisConversation,
    PolisParticipants,
    PolisVoteLog,
    read_comments,
    read_conversation,
    read_participants_votes,
    read_votes,
    replay_snapshots,
    write_comments,
    write_participants_votes,
    write_votes,
)
from kyoso.voice.algorithms.vote_matrix import VoteMatrix

SHARED = Path(
    os.environ.get(
        "KYOSO_SHARED_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data"
    )
)
POLIS = SHARED / "polis"
NAMES = [
    "15-per-hour-seattle",
    "american-assembly.bowling-green",
    "brexit-consensus",
    "canadian-electoral-reform",
    "vtaiwan.uberx",
]


def small_log() -> PolisVoteLog:
    return PolisVoteLog(
        timestamps=np.array([10, 20, 30, 40, 50]),
        datetimes=["a", "b", "c", "d", "e"],
        comment_ids=np.array([0, 1, 0, 1, 0]),
        voter_ids=np.array([3, 3, 4, 4, 3]),
        votes=np.array([1, 0, -1, 1, -1]),
    )


def test_small_round_trip(tmp_path: Path) -> None:
    comments = [
        PolisComment("1", "Mon", 0, 3, 1, 2, 1, 'Says "hi", twice'),
        PolisComment("2", "Tue", 1, 4, 0, 0, -1, "改行\nを含む"),
    ]
    write_comments(tmp_path / "comments.csv", comments)
    assert read_comments(tmp_path / "comments.csv") == comments

    votes = small_log().to_matrix()
    parts = PolisParticipants(votes, {3: 0, 4: None}, {3: 1, 4: 1}, [4, 3])
    write_participants_votes(tmp_path / "participants-votes.csv", parts)
    back = read_participants_votes(tmp_path / "participants-votes.csv")
    assert back.group_ids == {3: 0, 4: None}
    assert back.row_order == [4, 3]
    np.testing.assert_array_equal(back.votes.to_dense(), votes.to_dense())
    text = (tmp_path / "participants-votes.csv").read_text().splitlines()
    assert text[0] == "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1"
    assert text[1] == "4,,1,2,1,1,-1,1"

    write_votes(tmp_path / "votes.csv", small_log())
    log = read_votes(tmp_path / "votes.csv")
    assert log.votes.tolist() == [1, 0, -1, 1, -1]
    assert log.datetimes == ["a", "b", "c", "d", "e"]


def test_vote_log_keeps_latest_vote_and_cuts_by_time() -> None:
    log = small_log()
    m = log.to_matrix()
    assert m.row(3) == {0: -1, 1: 0}
    assert m.row(4) == {0: -1, 1: 1}
    early = log.to_matrix(until=30)
    assert early.row(3) == {0: 1, 1: 0}
    assert early.row(4) == {0: -1}


def test_replay_grows_to_the_final_matrix() -> None:
    final = small_log().to_matrix()
    conv = PolisConversation([], PolisParticipants(final, {}, {}), small_log())
    snaps = replay_snapshots(conv, 3)
    assert len(snaps) == 3
    assert [s.votes.nnz for s in snaps] == sorted(s.votes.nnz for s in snaps)
    assert snaps[-1] is final
    no_log = PolisConversation([], PolisParticipants(final, {}, {}), None)
    assert [s.shape[0] for s in replay_snapshots(no_log, 2)] == [1, 2]


def test_bad_header_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "votes.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="unexpected header"):
        read_votes(tmp_path / "votes.csv")


@pytest.mark.parametrize("name", NAMES)
def test_real_export_round_trips_byte_for_byte(name: str, tmp_path: Path) -> None:
    folder = POLIS / name
    if not (folder / "participants-votes.csv").exists():
        pytest.skip(f"shared Polis data not found at {folder} (set KYOSO_SHARED_DATA)")
    conv = read_conversation(folder)
    write_comments(tmp_path / "comments.csv", conv.comments)
    write_participants_votes(tmp_path / "participants-votes.csv", conv.participants)
    files = ["comments.csv", "participants-votes.csv"]
    if conv.vote_log is not None:
        write_votes(tmp_path / "votes.csv", conv.vote_log)
        files.append("votes.csv")
        # The log's latest votes are the published matrix.
        latest = conv.vote_log.to_matrix()
        pv = conv.participants.votes
        rows = np.searchsorted(pv.participant_ids, latest.participant_ids)
        cols = np.searchsorted(pv.statement_ids, latest.statement_ids)
        np.testing.assert_array_equal(pv.to_dense()[np.ix_(rows, cols)], latest.to_dense())
    for f in files:
        assert (tmp_path / f).read_bytes() == (folder / f).read_bytes(), f
    assert isinstance(conv.participants.votes, VoteMatrix)
    assert all(c.moderated in (-1, 0, 1) for c in conv.comments)
