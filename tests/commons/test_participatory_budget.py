"""Greedy and Method of Equal Shares, checked project for project against pabutools."""

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kyoso.commons.algorithms.participatory_budget import (
    PBProject,
    Utility,
    approval_matrix,
    equal_shares,
    greedy,
)

pabutools = pytest.importorskip("pabutools", reason="pabutools (bench group) is the reference")
from pabutools.election import (  # noqa: E402
    Additive_Cardinal_Sat,
    ApprovalBallot,
    ApprovalProfile,
    Cardinality_Sat,
    Cost_Sat,
    CumulativeBallot,
    CumulativeProfile,
    Instance,
    Project,
)
from pabutools.rules import (  # noqa: E402
    completion_by_rule_combination,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)

SAT = {"cost": Cost_Sat, "cardinality": Cardinality_Sat, "score": Additive_Cardinal_Sat}


def as_pabutools(projects, budget, ballots, cumulative=False):
    instance = Instance(budget_limit=budget)
    by_name = {p.name: Project(p.name, p.cost) for p in projects}
    for p in by_name.values():
        instance.add(p)
    rows = []
    for row in ballots:
        chosen = [j for j in range(len(projects)) if row[j] > 0]
        if cumulative:
            rows.append(CumulativeBallot({by_name[projects[j].name]: int(row[j]) for j in chosen}))
        else:
            rows.append(ApprovalBallot([by_name[projects[j].name] for j in chosen]))
    profile_cls = CumulativeProfile if cumulative else ApprovalProfile
    return instance, profile_cls(rows, instance=instance)


def names(allocation):
    return sorted(p.name for p in allocation)


def random_instance(rng, cumulative):
    m = rng.randint(1, 7)
    n = rng.randint(0, 40)
    # Few distinct costs and names with digits make ties and "10" < "9" orderings common.
    projects = [
        PBProject(f"{rng.randint(0, 30)}{chr(97 + j)}", rng.choice([0, 1, 2, 3, 4, 5, 6, 10, 12]))
        for j in range(m)
    ]
    budget = rng.randint(0, 40)
    density = rng.random()
    if cumulative:
        ballots = np.array(
            [[rng.choice([0, 0, 1, 2, 3]) for _ in range(m)] for _ in range(n)], dtype=np.int64
        )
    else:
        ballots = np.array(
            [[int(rng.random() < density) for _ in range(m)] for _ in range(n)], dtype=np.uint8
        )
    return projects, budget, ballots.reshape(n, m)


@pytest.mark.parametrize("cumulative", [False, True])
def test_identical_to_pabutools_on_random_instances(cumulative):
    rng = random.Random(20261123 + cumulative)
    for _ in range(70):
        projects, budget, ballots = random_instance(rng, cumulative)
        instance, profile = as_pabutools(projects, budget, ballots, cumulative)
        utilities: list[Utility] = ["cost", "cardinality"]
        if cumulative:
            utilities.append("score")
        for utility in utilities:
            sat = SAT[utility]
            ref = greedy_utilitarian_welfare(instance, profile, sat_class=sat)
            assert sorted(greedy(projects, budget, ballots, utility=utility).selected) == names(ref)
            for increment in (None, 1):
                ref = method_of_equal_shares(
                    instance, profile, sat_class=sat, voter_budget_increment=increment
                )
                mine = equal_shares(projects, budget, ballots, utility=utility, increment=increment)
                assert sorted(mine.selected) == names(ref), (projects, budget, ballots.tolist())
            ref = completion_by_rule_combination(
                instance,
                profile,
                [method_of_equal_shares, greedy_utilitarian_welfare],
                [{"sat_class": sat, "voter_budget_increment": 1}, {"sat_class": sat}],
            )
            mine = equal_shares(
                projects, budget, ballots, utility=utility, increment=1, complete_with_greedy=True
            )
            assert sorted(mine.selected) == names(ref)


def test_identical_to_pabutools_with_many_voters():
    rng = np.random.default_rng(5)
    for trial in range(4):
        m, n = 12, 400
        costs = rng.integers(1, 20, m) * 5
        projects = [PBProject(f"p{j}", int(c)) for j, c in enumerate(costs)]
        ballots = (rng.random((n, m)) < rng.uniform(0.05, 0.4, m)).astype(np.uint8)
        budget = int(costs.sum() // 3)
        instance, profile = as_pabutools(projects, budget, ballots)
        ref = method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
        mine = equal_shares(projects, budget, ballots)
        assert sorted(mine.selected) == names(ref), trial
        # The selection order is MES's purchase order, so compare it too.
        assert list(mine.selected) == [p.name for p in ref]


def test_equal_shares_hand_example():
    # 10 voters, budget 100: 10 each. 6 want a (cost 60), 4 want b (40), all 10 want c (30).
    projects = [PBProject("a", 60), PBProject("b", 40), PBProject("c", 30)]
    ballots = approval_matrix(projects, [["a", "c"]] * 6 + [["b", "c"]] * 4)
    result = equal_shares(projects, 100, ballots, utility="cardinality")
    # c costs 3 per voter (the cheapest per supporter), then a needs 60 from six voters holding
    # 7 each (42): unaffordable; b likewise (28 < 40).
    assert result.selected == ("c",)
    assert result.rounds[0].price_per_utility == pytest.approx(3.0)
    assert result.tie_break.startswith("lexicographic")
    completed = equal_shares(
        projects, 100, ballots, utility="cardinality", complete_with_greedy=True
    )
    assert completed.selected == ("c", "a")
    assert completed.completed_by == "greedy[cardinality]"


def test_greedy_by_votes_skips_what_does_not_fit():
    projects = [PBProject("a", 50), PBProject("b", 60), PBProject("c", 40), PBProject("d", 10)]
    ballots = approval_matrix(projects, [["a", "b"], ["b", "c"], ["b"], ["a", "d"], ["c"]])
    result = greedy(projects, 100, ballots)
    # b (3 votes) first; a and c tie on 2 votes and "a" comes first but no longer fits (50 > 40);
    # c fits exactly, which leaves nothing for d.
    assert result.selected == ("b", "c")
    assert result.total_cost == 100


def test_tie_breaks_on_name_as_python_strings():
    projects = [PBProject("9", 10), PBProject("10", 10)]
    ballots = approval_matrix(projects, [["9", "10"]])
    assert greedy(projects, 10, ballots).selected == ("10",)
    assert equal_shares(projects, 10, ballots).selected == ("10",)


def test_bad_input_is_rejected():
    projects = [PBProject("a", 10)]
    with pytest.raises(ValueError, match="shape"):
        greedy(projects, 10, np.zeros((3, 2), dtype=np.uint8))
    with pytest.raises(ValueError, match="unknown project"):
        approval_matrix(projects, [["b"]])
    with pytest.raises(ValueError, match="unique"):
        greedy([PBProject("a", 1), PBProject("a", 2)], 10, np.zeros((1, 2), dtype=np.uint8))


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda m: st.tuples(
            st.lists(st.integers(1, 15), min_size=m, max_size=m),
            st.lists(st.lists(st.integers(0, 1), min_size=m, max_size=m), max_size=25),
            st.integers(0, 40),
        )
    )
)
def test_equal_shares_never_overspends(data):
    costs, rows, budget = data
    projects = [PBProject(f"p{j}", c) for j, c in enumerate(costs)]
    ballots = np.array(rows, dtype=np.uint8).reshape(-1, len(costs))
    for utility in ("cost", "cardinality"):
        plain = equal_shares(projects, budget, ballots, utility=utility)
        assert plain.total_cost <= budget
        full = equal_shares(
            projects, budget, ballots, utility=utility, increment=1, complete_with_greedy=True
        )
        assert full.total_cost <= budget
        left = budget - full.total_cost
        # Completed outcomes are exhaustive: nothing left out would still fit.
        assert all(p.name in full.selected or p.cost > left for p in projects)
