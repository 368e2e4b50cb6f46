"""Ranked-choice voting: instant runoff (round by round, with transfers) and Schulze.

Ranked ballots are an ``int`` array of shape (n, m ≤ options): each row lists option indices in
order of preference, padded with ``-1`` after the last ranked option; a row of ``-1`` is an empty
ballot (an abstention). Options left off a ballot rank below every ranked option and equal to
each other. Ties are broken by the public lottery of ``voting.lottery_order`` (see ``voting``):
in instant runoff the tied option that comes *last* in the lottery is eliminated; in Schulze the
first of the tied winners wins.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kyoso.commons.algorithms.voting import (
    BallotError,
    RunoffRound,
    VoteResult,
    option_names,
    priority,
)


def validate_rankings(n_options: int, ballots: ArrayLike) -> NDArray[np.int64]:
    """Return the ranked ballots as an int array, raising BallotError on a malformed one."""
    arr = np.asarray(ballots, dtype=np.int64)
    if arr.size == 0:
        return arr.reshape(0, 1) - 1
    if arr.ndim != 2 or not 1 <= arr.shape[1] <= n_options:
        raise BallotError(
            f"ranked ballots must have shape (ballots, 1..{n_options}), got {arr.shape}"
        )
    bad = (arr < -1) | (arr >= n_options)
    if bad.any():
        i = int(np.flatnonzero(bad.any(axis=1))[0])
        raise BallotError(f"ballot {i}: unknown option index in ranking {arr[i].tolist()}")
    gap = (arr[:, :-1] == -1) & (arr[:, 1:] >= 0)
    if gap.any():
        i = int(np.flatnonzero(gap.any(axis=1))[0])
        raise BallotError(f"ballot {i}: ranking has a gap {arr[i].tolist()}")
    srt = np.sort(arr, axis=1)
    dup = (srt[:, 1:] == srt[:, :-1]) & (srt[:, 1:] >= 0)
    if dup.any():
        i = int(np.flatnonzero(dup.any(axis=1))[0])
        raise BallotError(f"ballot {i}: ranks an option twice {arr[i].tolist()}")
    return arr


def encode_rankings(options: Sequence[str], rankings: Sequence[Sequence[str]]) -> NDArray[np.int64]:
    """Return the int array of rankings given as lists of option names."""
    index = {name: i for i, name in enumerate(options)}
    arr = np.full((len(rankings), len(options)), -1, dtype=np.int64)
    for r, ranking in enumerate(rankings):
        if len(ranking) > len(options):
            raise BallotError(f"ballot {r}: ranks more options than exist")
        for c, name in enumerate(ranking):
            if name not in index:
                raise BallotError(f"ballot {r}: unknown option {name!r}")
            arr[r, c] = index[name]
    return validate_rankings(len(options), arr)


def _top_choices(ranks: NDArray[np.int64], out: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Each ballot's highest continuing option, or -1 when the ballot is exhausted."""
    valid = ranks >= 0
    active = valid & ~out[np.where(valid, ranks, 0)]
    first = active.argmax(axis=1)
    top = ranks[np.arange(len(ranks)), first]
    return np.where(active.any(axis=1), top, -1)


def instant_runoff(options: Sequence[str], ballots: ArrayLike, *, seed: str = "") -> VoteResult:
    """Return the instant-runoff result with every round's tallies and transfers.

    ``tallies`` are the final round's; ``rounds`` holds each round with the option eliminated,
    the options tied for last (broken by the lottery) and where its ballots went.
    """
    names = option_names(options)
    ranks = validate_rankings(len(names), ballots)
    k = len(names)
    prio = priority(names, seed)
    empty = int((ranks[:, 0] < 0).sum())
    out = np.zeros(k, dtype=bool)
    rounds: list[RunoffRound] = []
    eliminated_order: list[int] = []
    tied: tuple[str, ...] = ()
    counts = np.zeros(k, dtype=np.int64)
    if empty == len(ranks):
        ranking = tuple(names[i] for i in np.argsort(prio))
        return VoteResult(
            "instant_runoff",
            names,
            (),
            ranking,
            dict.fromkeys(names, 0),
            len(ranks),
            empty,
            seed=seed,
        )
    top = _top_choices(ranks, out)
    while True:
        counts = np.bincount(top[top >= 0], minlength=k).astype(np.int64)
        continuing = int((top >= 0).sum())
        alive = np.flatnonzero(~out)
        leader = max(alive, key=lambda i: (counts[i], -prio[i]))
        if 2 * counts[leader] > continuing or len(alive) == 1:
            rounds.append(
                RunoffRound(
                    {names[i]: int(counts[i]) for i in alive},
                    len(ranks) - empty - continuing,
                    None,
                    (),
                    {},
                )
            )
            break
        low = min(int(counts[i]) for i in alive)
        last = [int(i) for i in alive if counts[i] == low]
        loser = max(last, key=lambda i: prio[i])
        if len(alive) == 2 and len(last) == 2:
            tied = tuple(names[i] for i in sorted(last, key=lambda i: prio[i]))
        out[loser] = True
        eliminated_order.append(loser)
        moving = top == loser
        new_top = _top_choices(ranks[moving], out)
        moved = np.bincount(new_top[new_top >= 0], minlength=k)
        transfers = {names[i]: int(moved[i]) for i in np.flatnonzero(moved)}
        rounds.append(
            RunoffRound(
                {names[i]: int(counts[i]) for i in alive},
                len(ranks) - empty - continuing,
                names[loser],
                tuple(names[i] for i in sorted(last, key=lambda i: prio[i]))
                if len(last) > 1
                else (),
                transfers,
            )
        )
        top[moving] = new_top
    winner = int(leader)
    # Options still standing at the end rank by their final tally, then the eliminated ones
    # from the last eliminated to the first.
    standing = sorted(np.flatnonzero(~out), key=lambda i: (-counts[i], prio[i]))
    ranking = tuple(names[i] for i in standing) + tuple(
        names[i] for i in reversed(eliminated_order)
    )
    return VoteResult(
        "instant_runoff",
        names,
        (names[winner],),
        ranking,
        {names[i]: int(counts[i]) for i in range(k)},
        len(ranks),
        empty,
        tied=tied,
        seed=seed,
        rounds=tuple(rounds),
    )


def pairwise_matrix(n_options: int, ranks: NDArray[np.int64]) -> NDArray[np.int64]:
    """Return d[i, j], the number of ballots that rank option i above option j."""
    n = len(ranks)
    pos = np.full((n, n_options), n_options, dtype=np.int64)
    valid = ranks >= 0
    rows = np.broadcast_to(np.arange(n)[:, None], ranks.shape)
    cols = np.broadcast_to(np.arange(ranks.shape[1])[None, :], ranks.shape)
    pos[rows[valid], ranks[valid]] = cols[valid]
    d = np.empty((n_options, n_options), dtype=np.int64)
    for i in range(n_options):
        d[i] = (pos[:, i : i + 1] < pos).sum(axis=0)
    return d


def strongest_paths(d: NDArray[np.int64]) -> NDArray[np.int64]:
    """Return p[i, j], the strength of the strongest path from i to j (Schulze)."""
    p = np.where(d > d.T, d, 0)
    for k in range(len(d)):
        p = np.maximum(p, np.minimum(p[:, k : k + 1], p[k : k + 1, :]))
    np.fill_diagonal(p, 0)
    return p


def schulze(options: Sequence[str], ballots: ArrayLike, *, seed: str = "") -> VoteResult:
    """Return the Schulze result with its pairwise matrix, strongest paths and ranking.

    ``tallies`` count, for each option, the options it beats by strongest path; that order
    is Schulze's ranking, with the lottery between options it leaves tied.
    """
    names = option_names(options)
    ranks = validate_rankings(len(names), ballots)
    k = len(names)
    prio = priority(names, seed)
    empty = int((ranks[:, 0] < 0).sum())
    d = pairwise_matrix(k, ranks[ranks[:, 0] >= 0])
    p = strongest_paths(d)
    beats = (p > p.T).sum(axis=1)
    order = sorted(range(k), key=lambda i: (-int(beats[i]), int(prio[i])))
    ranking = tuple(names[i] for i in order)
    pw = tuple(tuple(int(x) for x in row) for row in d)
    sp = tuple(tuple(int(x) for x in row) for row in p)
    wins = {names[i]: int(beats[i]) for i in range(k)}
    if empty == len(ranks):
        return VoteResult(
            "schulze",
            names,
            (),
            ranking,
            wins,
            len(ranks),
            empty,
            seed=seed,
            pairwise=pw,
            strongest_paths=sp,
        )
    unbeaten = [i for i in order if not (p[:, i] > p[i, :]).any()]
    return VoteResult(
        "schulze",
        names,
        (names[order[0]],),
        ranking,
        wins,
        len(ranks),
        empty,
        tied=tuple(names[i] for i in unbeaten) if len(unbeaten) > 1 else (),
        seed=seed,
        pairwise=pw,
        strongest_paths=sp,
    )
