"""Sparse participants × statements vote matrix, the input of the opinion map.

Convention (Kyoso): agree = +1, disagree = -1, pass = 0. Polis's open-data CSVs use the same
signs; Polis's internal math stores agree as -1, which only matters when reading its source.

A cell is *seen* when it is stored in the CSR structure. A pass is therefore an explicitly
stored 0, so code handling ``VoteMatrix.votes`` must never call ``eliminate_zeros`` on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

AGREE = 1
DISAGREE = -1
PASS = 0


@dataclass(frozen=True)
class VoteMatrix:
    """Votes of ``participant_ids`` (rows) on ``statement_ids`` (columns) as a CSR array."""

    participant_ids: NDArray[np.int64]
    statement_ids: NDArray[np.int64]
    votes: sp.csr_array

    def __post_init__(self) -> None:
        shape = (len(self.participant_ids), len(self.statement_ids))
        if self.votes.shape != shape:
            raise ValueError(f"votes shape {self.votes.shape} != ids shape {shape}")

    @property
    def shape(self) -> tuple[int, int]:
        """Return (number of participants, number of statements)."""
        return (len(self.participant_ids), len(self.statement_ids))

    def seen_counts(self) -> NDArray[np.int64]:
        """Return how many statements each participant voted on (passes included)."""
        return np.diff(self.votes.indptr).astype(np.int64)

    @classmethod
    def from_triples(
        cls,
        participant: ArrayLike,
        statement: ArrayLike,
        vote: ArrayLike,
        *,
        participant_ids: ArrayLike | None = None,
        statement_ids: ArrayLike | None = None,
    ) -> VoteMatrix:
        """Return the matrix of (participant, statement, vote) triples; a later triple wins."""
        p = np.asarray(participant, dtype=np.int64)
        s = np.asarray(statement, dtype=np.int64)
        v = np.sign(np.asarray(vote, dtype=np.float64)).astype(np.int8)
        pids = np.unique(p) if participant_ids is None else np.asarray(participant_ids, np.int64)
        sids = np.unique(s) if statement_ids is None else np.asarray(statement_ids, np.int64)
        rows = _positions(pids, p, "participant")
        cols = _positions(sids, s, "statement")
        # Keep only the last vote per cell: sort stably by cell, then take each run's end.
        order = np.lexsort((np.arange(len(rows)), cols, rows))
        rows, cols, v = rows[order], cols[order], v[order]
        last = np.ones(len(rows), dtype=bool)
        if len(rows) > 1:
            last[:-1] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        rows, cols, v = rows[last], cols[last], v[last]
        indptr = np.zeros(len(pids) + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=len(pids)), out=indptr[1:])
        csr = sp.csr_array(
            (v.astype(np.float64), cols.astype(np.int32), indptr), shape=(len(pids), len(sids))
        )
        return cls(pids, sids, csr)

    @classmethod
    def from_dense(
        cls, dense: ArrayLike, participant_ids: ArrayLike, statement_ids: ArrayLike
    ) -> VoteMatrix:
        """Return the matrix of a dense array where NaN marks an unseen statement."""
        arr = np.asarray(dense, dtype=np.float64)
        r, c = np.nonzero(~np.isnan(arr))
        pids = np.asarray(participant_ids, dtype=np.int64)
        sids = np.asarray(statement_ids, dtype=np.int64)
        return cls.from_triples(
            pids[r], sids[c], arr[r, c], participant_ids=pids, statement_ids=sids
        )

    def to_dense(self) -> NDArray[np.float64]:
        """Return a dense copy with NaN for unseen cells (for small matrices and tests)."""
        out = np.full(self.shape, np.nan)
        rows = np.repeat(np.arange(self.shape[0]), np.diff(self.votes.indptr))
        out[rows, self.votes.indices] = self.votes.data
        return out

    def row(self, participant_id: int) -> dict[int, int]:
        """Return one participant's votes as {statement id: vote}."""
        i = int(np.searchsorted(self.participant_ids, participant_id))
        if i >= len(self.participant_ids) or self.participant_ids[i] != participant_id:
            raise KeyError(participant_id)
        lo, hi = self.votes.indptr[i], self.votes.indptr[i + 1]
        return {
            int(self.statement_ids[j]): int(x)
            for j, x in zip(self.votes.indices[lo:hi], self.votes.data[lo:hi], strict=True)
        }

    def statement_positions(self, ids: Iterable[int]) -> NDArray[np.int64]:
        """Return the column index of each statement id that is in the matrix."""
        wanted = np.fromiter(ids, dtype=np.int64)
        pos = np.searchsorted(self.statement_ids, wanted)
        pos = np.clip(pos, 0, max(len(self.statement_ids) - 1, 0))
        ok = (len(self.statement_ids) > 0) & (self.statement_ids[pos] == wanted)
        return pos[ok]


def row_vector(votes: Mapping[int, int], statement_ids: NDArray[np.int64]) -> NDArray[np.float64]:
    """Return a dense row (NaN = unseen) of ``votes`` aligned on ``statement_ids``."""
    out = np.full(len(statement_ids), np.nan)
    for sid, v in votes.items():
        j = int(np.searchsorted(statement_ids, sid))
        if j < len(statement_ids) and statement_ids[j] == sid:
            out[j] = float(np.sign(v))
    return out


def _positions(ids: NDArray[np.int64], values: NDArray[np.int64], what: str) -> NDArray[np.int64]:
    if len(ids) > 1 and np.any(np.diff(ids) <= 0):
        raise ValueError(f"{what} ids must be sorted and unique")
    pos = np.searchsorted(ids, values)
    if len(values) and (pos.max() >= len(ids) or np.any(ids[pos] != values)):
        raise ValueError(f"a vote names an unknown {what}")
    return pos.astype(np.int64)
