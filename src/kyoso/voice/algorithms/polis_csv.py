"""Read and write Polis's open-data export: comments.csv, participants-votes.csv, votes.csv.

Votes in these files already use Kyoso's signs (agree = +1, disagree = -1, pass = 0).
In comments.csv ``moderated`` is -1 for moderated-out, 0 for unmoderated, 1 for accepted;
Polis excludes only -1 from its math.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from kyoso.core.csv_export import SafeCsvWriter
from kyoso.voice.algorithms.vote_matrix import VoteMatrix

COMMENT_HEADER = [
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
]
PARTICIPANT_HEADER = ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
VOTE_HEADER = ["timestamp", "datetime", "comment-id", "voter-id", "vote"]


@dataclass(frozen=True)
class PolisComment:
    """One row of comments.csv (timestamps kept verbatim)."""

    timestamp: str
    datetime: str
    comment_id: int
    author_id: int
    agrees: int
    disagrees: int
    moderated: int
    body: str


@dataclass(frozen=True)
class PolisParticipants:
    """participants-votes.csv: the latest votes, Polis's group of each participant and counts."""

    votes: VoteMatrix
    group_ids: dict[int, int | None]
    n_comments: dict[int, int]
    row_order: list[int] | None = None  # participant ids in file order, for faithful rewrites


@dataclass(frozen=True)
class PolisVoteLog:
    """votes.csv: every vote event in file order."""

    timestamps: NDArray[np.int64]
    datetimes: list[str]
    comment_ids: NDArray[np.int64]
    voter_ids: NDArray[np.int64]
    votes: NDArray[np.int64]

    def to_matrix(self, *, until: int | None = None) -> VoteMatrix:
        """Return the latest vote per cell, optionally only of events at or before ``until``."""
        keep = np.ones(len(self.votes), bool) if until is None else self.timestamps <= until
        order = np.argsort(self.timestamps[keep], kind="stable")
        return VoteMatrix.from_triples(
            self.voter_ids[keep][order], self.comment_ids[keep][order], self.votes[keep][order]
        )


@dataclass(frozen=True)
class PolisConversation:
    """A conversation folder of the open-data export."""

    comments: list[PolisComment]
    participants: PolisParticipants
    vote_log: PolisVoteLog | None

    @property
    def moderated_out(self) -> list[int]:
        """Return the ids of comments Polis excludes from its math (moderated = -1)."""
        return [c.comment_id for c in self.comments if c.moderated == -1]


def read_comments(path: Path) -> list[PolisComment]:
    """Return the rows of a comments.csv."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    _check_header(rows[0], COMMENT_HEADER, path)
    return [
        PolisComment(r[0], r[1], int(r[2]), int(r[3]), int(r[4]), int(r[5]), int(r[6]), r[7])
        for r in rows[1:]
    ]


def write_comments(path: Path, comments: list[PolisComment]) -> None:
    """Write ``comments`` as a comments.csv."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = SafeCsvWriter(f, lineterminator="\n")
        w.writerow(COMMENT_HEADER)
        for c in comments:
            w.writerow([c.timestamp, c.datetime, c.comment_id, c.author_id, c.agrees,
                        c.disagrees, c.moderated, c.body])  # fmt: skip


def read_participants_votes(path: Path) -> PolisParticipants:
    """Return the vote matrix, groups and comment counts of a participants-votes.csv."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    _check_header(head[:6], PARTICIPANT_HEADER, path)
    sids = np.array([int(x) for x in head[6:]], dtype=np.int64)
    pids = np.array([int(r[0]) for r in rows[1:]], dtype=np.int64)
    cells = np.array([r[6:] for r in rows[1:]], dtype="<U2").reshape(len(pids), len(sids))
    r_i, c_i = np.nonzero(cells != "")
    vals = cells[r_i, c_i].astype(np.int64)
    sorted_p, sorted_s = np.sort(pids), np.sort(sids)
    votes = VoteMatrix.from_triples(
        pids[r_i], sids[c_i], vals, participant_ids=sorted_p, statement_ids=sorted_s
    )
    groups = {int(r[0]): (int(r[1]) if r[1] != "" else None) for r in rows[1:]}
    n_comments = {int(r[0]): int(r[2]) for r in rows[1:]}
    return PolisParticipants(votes, groups, n_comments, pids.tolist())


def write_participants_votes(path: Path, participants: PolisParticipants) -> None:
    """Write a participants-votes.csv; n-votes, n-agree and n-disagree come from the votes."""
    m = participants.votes
    dense = m.to_dense()
    # Cells are "", "-1", "0" or "1": none needs CSV quoting, so rows are joined directly.
    code = np.where(np.isnan(dense), 0, np.nan_to_num(dense).astype(np.int64) + 2)
    cells = np.array(["", "-1", "0", "1"])[code]
    order = participants.row_order or m.participant_ids.tolist()
    index = {p: i for i, p in enumerate(m.participant_ids.tolist())}
    n_seen = (~np.isnan(dense)).sum(axis=1)
    n_agree, n_disagree = (dense > 0).sum(axis=1), (dense < 0).sum(axis=1)
    with open(path, "w", newline="", encoding="utf-8") as f:
        f.write(",".join(PARTICIPANT_HEADER + [str(s) for s in m.statement_ids]) + "\n")
        for pid in order:
            i = index[pid]
            g = participants.group_ids.get(pid)
            head = [pid, "" if g is None else g, participants.n_comments.get(pid, 0),
                    n_seen[i], n_agree[i], n_disagree[i]]  # fmt: skip
            f.write(",".join([*map(str, head), *cells[i]]) + "\n")


def read_votes(path: Path) -> PolisVoteLog:
    """Return the vote events of a votes.csv."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    _check_header(rows[0], VOTE_HEADER, path)
    body = rows[1:]
    return PolisVoteLog(
        timestamps=np.array([int(r[0]) for r in body], dtype=np.int64),
        datetimes=[r[1] for r in body],
        comment_ids=np.array([int(r[2]) for r in body], dtype=np.int64),
        voter_ids=np.array([int(r[3]) for r in body], dtype=np.int64),
        votes=np.array([int(r[4]) for r in body], dtype=np.int64),
    )


def write_votes(path: Path, log: PolisVoteLog) -> None:
    """Write ``log`` as a votes.csv."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = SafeCsvWriter(f, lineterminator="\n")
        w.writerow(VOTE_HEADER)
        for row in zip(
            log.timestamps.tolist(), log.datetimes, log.comment_ids.tolist(),
            log.voter_ids.tolist(), log.votes.tolist(), strict=True,
        ):  # fmt: skip
            w.writerow(row)


def read_conversation(folder: Path) -> PolisConversation:
    """Return the comments, participants and (when present) vote log of an export folder."""
    folder = Path(folder)
    log_path = folder / "votes.csv"
    return PolisConversation(
        comments=read_comments(folder / "comments.csv"),
        participants=read_participants_votes(folder / "participants-votes.csv"),
        vote_log=read_votes(log_path) if log_path.exists() else None,
    )


def replay_snapshots(conv: PolisConversation, steps: int) -> list[VoteMatrix]:
    """Return ``steps`` growing vote matrices that end with the export's final votes.

    With a votes.csv the cut points are evenly spaced in vote order; without one, participants
    are taken to have arrived in id order with all their final votes. Feeding these to
    ``compute_opinion_map`` with each ``previous`` state replays the conversation's updates.
    """
    final = conv.participants.votes
    out: list[VoteMatrix] = []
    if conv.vote_log is not None and len(conv.vote_log.timestamps):
        ts = np.sort(conv.vote_log.timestamps)
        for i in range(1, steps):
            out.append(conv.vote_log.to_matrix(until=int(ts[len(ts) * i // steps - 1])))
    else:
        pids = final.participant_ids
        for i in range(1, steps):
            n = max(1, len(pids) * i // steps)
            out.append(VoteMatrix(pids[:n], final.statement_ids, final.votes[:n]))
    out.append(final)
    return out


def _check_header(got: list[str], want: list[str], path: Path) -> None:
    if got != want:
        raise ValueError(f"{path}: unexpected header {got[:8]}")
