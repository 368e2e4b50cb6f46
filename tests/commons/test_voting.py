"""Voting methods against hand-worked examples, edge cases and properties."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kyoso.commons.algorithms.ranked_voting import (
    encode_rankings,
    instant_runoff,
    pairwise_matrix,
    schulze,
    validate_rankings,
)
from kyoso.commons.algorithms.voting import (
    BallotError,
    approval,
    lottery_order,
    plurality,
    quadratic,
    score,
)

# Wikipedia, "Schulze method": 45 voters, 5 candidates.
SCHULZE_OPTIONS = list("ABCDE")
SCHULZE_BALLOTS = [
    (5, "ACBED"),
    (5, "ADECB"),
    (8, "BEDAC"),
    (3, "CABED"),
    (7, "CAEBD"),
    (2, "CBADE"),
    (7, "DCEBA"),
    (8, "EBADC"),
]

# Wikipedia: Tennessee capital, 100 voters in proportion to the cities' populations.
TN = ["Memphis", "Nashville", "Chattanooga", "Knoxville"]
TN_BALLOTS = [
    (42, ["Memphis", "Nashville", "Chattanooga", "Knoxville"]),
    (26, ["Nashville", "Chattanooga", "Knoxville", "Memphis"]),
    (15, ["Chattanooga", "Knoxville", "Nashville", "Memphis"]),
    (17, ["Knoxville", "Chattanooga", "Nashville", "Memphis"]),
]


def expand(spec):
    return [list(r) for count, r in spec for _ in range(count)]


def test_schulze_wikipedia_example():
    ranks = encode_rankings(SCHULZE_OPTIONS, expand(SCHULZE_BALLOTS))
    result = schulze(SCHULZE_OPTIONS, ranks)
    assert result.winner == "E"
    assert result.ranking == ("E", "A", "C", "B", "D")
    assert result.pairwise == (
        (0, 20, 26, 30, 22),
        (25, 0, 16, 33, 18),
        (19, 29, 0, 17, 24),
        (15, 12, 28, 0, 14),
        (23, 27, 21, 31, 0),
    )
    assert result.strongest_paths == (
        (0, 28, 28, 30, 24),
        (25, 0, 28, 33, 24),
        (25, 29, 0, 29, 24),
        (25, 28, 28, 0, 24),
        (25, 28, 28, 31, 0),
    )
    assert result.tied == ()


def test_tennessee_plurality_irv_schulze_differ():
    ranks = encode_rankings(TN, expand(TN_BALLOTS))
    first = plurality(TN, ranks[:, 0])
    assert first.winner == "Memphis"
    assert first.tallies == {"Memphis": 42, "Nashville": 26, "Chattanooga": 15, "Knoxville": 17}
    irv = instant_runoff(TN, ranks)
    assert irv.winner == "Knoxville"
    rounds = irv.rounds
    assert [r.eliminated for r in rounds] == ["Chattanooga", "Nashville", None]
    assert rounds[0].transfers == {"Knoxville": 15}
    assert rounds[1].transfers == {"Knoxville": 26}
    assert rounds[2].tallies == {"Memphis": 42, "Knoxville": 58}
    assert irv.ranking == ("Knoxville", "Memphis", "Nashville", "Chattanooga")
    assert schulze(TN, ranks).winner == "Nashville"


def test_approval_score_quadratic_totals():
    opts = ["park", "library", "bus"]
    a = approval(opts, [[1, 1, 0], [0, 1, 0], [0, 0, 0], [1, 1, 1]])
    assert a.winner == "library"
    assert a.tallies == {"park": 2, "library": 3, "bus": 1}
    assert (a.ballots, a.abstentions) == (4, 1)
    s = score(opts, [[5, 0, -1], [3, 4, 2], [-1, -1, -1]], max_score=5)
    assert s.tallies == {"park": 8, "library": 4, "bus": 2}
    assert s.abstentions == 1
    assert s.details["mean_score"]["park"] == 4.0
    q = quadratic(opts, [[3, -1, 0], [0, 2, 2], [0, 0, 0]], credits=10)
    assert q.tallies == {"park": 3, "library": 1, "bus": 2}
    assert q.winner == "park"
    assert q.details["credits_spent"] == 18


def test_quadratic_rejects_ballot_over_budget():
    with pytest.raises(BallotError, match=r"ballot 1: spends 13 voice credits, more than the 9"):
        quadratic(["a", "b"], [[3, 0], [3, 2]], credits=9)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: plurality(["a", "b"], [0, 2]), "ballot 1: unknown option index 2"),
        (lambda: approval(["a", "b"], [[1, 2]]), "ballot 0: approvals must be 0 or 1"),
        (lambda: score(["a", "b"], [[1, 6]], max_score=5), "ballot 0: score out of range"),
        (lambda: encode_rankings(["a", "b"], [["a", "c"]]), "ballot 0: unknown option 'c'"),
        (lambda: validate_rankings(3, [[0, 1, 2], [1, 1, -1]]), "ballot 1: ranks an option twice"),
        (lambda: validate_rankings(3, [[0, -1, 2]]), "ballot 0: ranking has a gap"),
        (lambda: validate_rankings(2, [[0, 5]]), "ballot 0: unknown option index"),
    ],
)
def test_invalid_ballots_name_the_problem(call, message):
    with pytest.raises(BallotError, match=message):
        call()
    assert issubclass(BallotError, ValueError)


@pytest.mark.parametrize(
    "tally",
    [
        lambda: plurality(["a", "b"], [-1, -1]),
        lambda: approval(["a", "b"], [[0, 0]]),
        lambda: score(["a", "b"], [[-1, -1]]),
        lambda: quadratic(["a", "b"], [[0, 0]], credits=4),
        lambda: instant_runoff(["a", "b"], [[-1, -1]]),
        lambda: schulze(["a", "b"], [[-1, -1]]),
        lambda: plurality(["a", "b"], []),
    ],
)
def test_everyone_abstaining_gives_no_winner(tally):
    result = tally()
    assert result.no_winner
    assert result.winner is None
    assert result.abstentions == result.ballots


def test_tie_break_is_the_published_lottery():
    opts = ["a", "b", "c"]
    for seed in ["", "board-head-1", "board-head-2", "x"]:
        order = lottery_order(opts, seed)
        first = opts[order[0]]
        result = plurality(opts, [0, 1, 2], seed=seed)
        assert result.winner == first
        assert set(result.tied) == set(opts)
        assert result.seed == seed
        assert "SHA-256" in result.tie_break
    # Different seeds must be able to pick different winners, or the lottery is no lottery.
    winners = {plurality(opts, [0, 1, 2], seed=str(s)).winner for s in range(20)}
    assert winners == set(opts)


def test_irv_tied_final_round_uses_lottery():
    opts = ["a", "b"]
    ranks = encode_rankings(opts, [["a", "b"], ["b", "a"]])
    for seed in map(str, range(10)):
        result = instant_runoff(opts, ranks, seed=seed)
        assert result.winner == opts[lottery_order(opts, seed)[0]]
        assert set(result.tied) == {"a", "b"}


def test_irv_counts_exhausted_ballots():
    opts = ["a", "b", "c"]
    ranks = encode_rankings(opts, [["a"]] * 4 + [["b", "c"]] * 3 + [["c"]] * 2 + [["c", "b"]])
    result = instant_runoff(opts, ranks)
    first = result.rounds[0]
    assert first.tallies == {"a": 4, "b": 3, "c": 3}
    assert result.winner == "a" or result.winner == "c"
    last = result.rounds[-1]
    assert last.exhausted + sum(last.tallies.values()) == 10


rank_ballots = st.integers(2, 5).flatmap(
    lambda k: st.tuples(
        st.just(k),
        st.lists(st.permutations(list(range(k))), min_size=1, max_size=40),
    )
)


@settings(max_examples=60, deadline=None)
@given(rank_ballots)
def test_condorcet_winner_wins_schulze(data):
    k, perms = data
    ranks = np.array(perms, dtype=np.int64)
    d = pairwise_matrix(k, ranks)
    condorcet = [i for i in range(k) if all(d[i, j] > d[j, i] for j in range(k) if j != i)]
    result = schulze([f"o{i}" for i in range(k)], ranks)
    if condorcet:
        assert result.winner == f"o{condorcet[0]}"
        assert result.tied == ()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([[0, 1], [1, 0], [0, -1], [1, -1], [-1, -1]]), max_size=40))
def test_irv_with_two_options_is_plurality(rows):
    opts = ["x", "y"]
    ranks = np.array(rows, dtype=np.int64).reshape(-1, 2)
    irv = instant_runoff(opts, ranks, seed="s")
    first = plurality(opts, ranks[:, 0] if len(ranks) else [], seed="s")
    assert irv.winner == first.winner


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(0, 1), min_size=3, max_size=3), max_size=30))
def test_approval_winner_has_the_most_approvals(rows):
    arr = np.array(rows, dtype=np.int64).reshape(-1, 3)
    result = approval(["a", "b", "c"], arr)
    if result.no_winner:
        assert arr.sum() == 0
    else:
        assert result.tallies[str(result.winner)] == arr.sum(axis=0).max()
        assert result.abstentions == int((arr.sum(axis=1) == 0).sum())


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(-3, 3), min_size=3, max_size=3), max_size=30))
def test_quadratic_accepts_exactly_the_ballots_within_budget(rows):
    arr = np.array(rows, dtype=np.int64).reshape(-1, 3)
    within = bool(((arr**2).sum(axis=1) <= 9).all())
    if within:
        assert quadratic(["a", "b", "c"], arr, credits=9).tallies["a"] == int(arr[:, 0].sum())
    else:
        with pytest.raises(BallotError):
            quadratic(["a", "b", "c"], arr, credits=9)


def test_large_tallies_run_on_arrays():
    rng = np.random.default_rng(7)
    n, k = 20_000, 6
    ranks = np.argsort(rng.random((n, k)), axis=1)
    for result in (
        instant_runoff([str(i) for i in range(k)], ranks),
        schulze([str(i) for i in range(k)], ranks),
    ):
        assert result.ballots == n
        assert result.winner is not None
