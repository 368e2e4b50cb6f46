"""Voting methods as pure functions over ballots: plurality, approval, score and quadratic.

Ranked methods (instant runoff, Schulze) are in ``ranked_voting``; both modules share the
result type, the ballot errors and the tie-break defined here.

Ballots are NumPy arrays, one row per ballot, so 166,000 ballots tally in milliseconds:

* plurality: ``int`` array of shape (n,), the chosen option's index, ``-1`` for an empty ballot;
* approval: 0/1 array of shape (n, options);
* score: ``int`` array of shape (n, options), ``-1`` for an option left unscored (counted as
  ``min_score``); a row of ``-1`` is an empty ballot;
* quadratic: ``int`` array of shape (n, options), the votes cast for (or, negative, against)
  each option; ``v`` votes cost ``v²`` voice credits and a ballot may spend at most ``credits``.

Empty ballots are valid and counted as abstentions. When every ballot abstains the result has
no winner and ``no_winner`` is True. Quorum rules are the caller's business.

Tie-break (every method): a public lottery. Options are ordered by
``SHA-256(seed + "\\x1f" + option name)`` (hex digest, ascending; option order breaks an
identical digest, which cannot happen in practice); among tied options the one that comes first
wins, and in instant runoff the one that comes last is eliminated. The seed is a public string
fixed before counting — Kyoso uses the hash of the bulletin board's last entry — so anyone can
recompute the order with ``lottery_order``. The rule and the seed are written into every result.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

TIE_BREAK_RULE = "lottery: ascending SHA-256(seed + '\\x1f' + option), first wins"


class BallotError(ValueError):
    """A ballot that breaks the method's rules; the message names the ballot and the problem."""


@dataclass(frozen=True)
class RunoffRound:
    """One instant-runoff round: tallies of continuing options and what moved after it."""

    tallies: dict[str, int]
    exhausted: int
    eliminated: str | None
    tied_for_last: tuple[str, ...]
    transfers: dict[str, int]


@dataclass(frozen=True)
class VoteResult:
    """Outcome of a vote: winner(s), full ranking, tallies for display and the tie-break used."""

    method: str
    options: tuple[str, ...]
    winners: tuple[str, ...]
    ranking: tuple[str, ...]
    tallies: dict[str, int]
    ballots: int
    abstentions: int
    tied: tuple[str, ...] = ()
    tie_break: str = TIE_BREAK_RULE
    seed: str = ""
    rounds: tuple[RunoffRound, ...] = ()
    pairwise: tuple[tuple[int, ...], ...] = ()
    strongest_paths: tuple[tuple[int, ...], ...] = ()
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def no_winner(self) -> bool:
        """Return True when nobody voted (every ballot empty), so there is no winner."""
        return not self.winners

    @property
    def winner(self) -> str | None:
        """Return the single winner, or None when every ballot abstained."""
        return self.winners[0] if self.winners else None


def lottery_order(options: Sequence[str], seed: str) -> list[int]:
    """Return option indices in tie-break priority order (first wins a tie)."""
    digests = [hashlib.sha256(f"{seed}\x1f{name}".encode()).hexdigest() for name in options]
    return sorted(range(len(options)), key=lambda i: (digests[i], i))


def priority(options: Sequence[str], seed: str) -> NDArray[np.int64]:
    """Return each option's lottery rank (0 wins every tie)."""
    rank = np.empty(len(options), dtype=np.int64)
    rank[lottery_order(options, seed)] = np.arange(len(options))
    return rank


def option_names(options: Sequence[str]) -> tuple[str, ...]:
    """Return the option names as a tuple, rejecting an empty or duplicated list."""
    names = tuple(options)
    if not names:
        raise ValueError("a vote needs at least one option")
    if len(set(names)) != len(names):
        raise ValueError("option names must be unique")
    return names


def _matrix(ballots: ArrayLike, n_options: int) -> NDArray[np.int64]:
    arr = np.asarray(ballots, dtype=np.int64)
    if arr.size == 0:
        return arr.reshape(0, n_options)
    if arr.ndim != 2 or arr.shape[1] != n_options:
        raise BallotError(f"ballots must have shape (ballots, {n_options}), got {arr.shape}")
    return arr


def _first_bad(mask: NDArray[np.bool_]) -> int:
    return int(np.flatnonzero(mask.any(axis=1) if mask.ndim == 2 else mask)[0])


def rank_by_totals(
    method: str,
    options: tuple[str, ...],
    totals: NDArray[np.int64],
    n_ballots: int,
    abstentions: int,
    seed: str,
    details: dict[str, Any] | None = None,
) -> VoteResult:
    """Return the result that ranks options by descending total, ties by the lottery."""
    prio = priority(options, seed)
    order = sorted(range(len(options)), key=lambda i: (-int(totals[i]), int(prio[i])))
    ranking = tuple(options[i] for i in order)
    tallies = {options[i]: int(totals[i]) for i in range(len(options))}
    if abstentions == n_ballots:
        return VoteResult(
            method,
            options,
            (),
            ranking,
            tallies,
            n_ballots,
            abstentions,
            seed=seed,
            details=details or {},
        )
    top = int(totals[order[0]])
    tied = tuple(options[i] for i in order if int(totals[i]) == top)
    return VoteResult(
        method,
        options,
        (ranking[0],),
        ranking,
        tallies,
        n_ballots,
        abstentions,
        tied=tied if len(tied) > 1 else (),
        seed=seed,
        details=details or {},
    )


def plurality(options: Sequence[str], choices: ArrayLike, *, seed: str = "") -> VoteResult:
    """Return the single-choice (plurality) result; ``-1`` is an empty ballot."""
    names = option_names(options)
    arr = np.asarray(choices, dtype=np.int64).reshape(-1)
    bad = (arr < -1) | (arr >= len(names))
    if bad.any():
        i = _first_bad(bad)
        raise BallotError(f"ballot {i}: unknown option index {int(arr[i])}")
    voted = arr[arr >= 0]
    totals = np.bincount(voted, minlength=len(names)).astype(np.int64)
    return rank_by_totals("plurality", names, totals, len(arr), len(arr) - len(voted), seed)


def approval(options: Sequence[str], ballots: ArrayLike, *, seed: str = "") -> VoteResult:
    """Return the approval result; a ballot is a 0/1 row, all zeros is an abstention."""
    names = option_names(options)
    arr = _matrix(ballots, len(names))
    bad = (arr != 0) & (arr != 1)
    if bad.any():
        raise BallotError(f"ballot {_first_bad(bad)}: approvals must be 0 or 1")
    empty = int((arr.sum(axis=1) == 0).sum())
    return rank_by_totals("approval", names, arr.sum(axis=0), len(arr), empty, seed)


def score(
    options: Sequence[str],
    ballots: ArrayLike,
    *,
    min_score: int = 0,
    max_score: int = 5,
    seed: str = "",
) -> VoteResult:
    """Return the score (range) voting result: the highest total score wins."""
    names = option_names(options)
    if min_score < 0 or max_score <= min_score:
        raise ValueError("need 0 <= min_score < max_score")
    arr = _matrix(ballots, len(names))
    unscored = arr == -1
    bad = ~unscored & ((arr < min_score) | (arr > max_score))
    if bad.any():
        i = _first_bad(bad)
        raise BallotError(f"ballot {i}: score out of range {min_score}..{max_score}")
    empty_rows = unscored.all(axis=1)
    counted = np.where(unscored, min_score, arr)[~empty_rows]
    totals = counted.sum(axis=0)
    voters = len(counted)
    means = {n: (float(t) / voters if voters else 0.0) for n, t in zip(names, totals, strict=True)}
    return rank_by_totals(
        "score", names, totals, len(arr), int(empty_rows.sum()), seed, {"mean_score": means}
    )


def quadratic(
    options: Sequence[str], ballots: ArrayLike, *, credits: int, seed: str = ""
) -> VoteResult:
    """Return the quadratic-voting result: net votes per option, ``v`` votes costing ``v²``."""
    names = option_names(options)
    if credits <= 0:
        raise ValueError("credits must be positive")
    arr = _matrix(ballots, len(names))
    spent = (arr * arr).sum(axis=1)
    over = spent > credits
    if over.any():
        i = _first_bad(over)
        raise BallotError(
            f"ballot {i}: spends {int(spent[i])} voice credits, more than the {credits} allowed"
        )
    empty = int((spent == 0).sum())
    return rank_by_totals(
        "quadratic",
        names,
        arr.sum(axis=0),
        len(arr),
        empty,
        seed,
        {"credits": credits, "credits_spent": int(spent.sum())},
    )
