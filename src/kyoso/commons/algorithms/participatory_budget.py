"""Participatory-budgeting rules: greedy by votes and the Method of Equal Shares (MES).

Both rules reproduce `pabutools` (the reference implementation used with pabulib data)
project for project, including its tie-breaking:

* ``greedy`` is pabutools' ``greedy_utilitarian_welfare`` for an additive satisfaction: projects
  in descending order of total utility per unit of cost (with ``utility="cost"`` over approval
  ballots this is simply the approval count), each taken if it still fits the remaining budget.
  Projects nobody supports come last (density 0) and are still taken if they fit.
* ``equal_shares`` is pabutools' ``method_of_equal_shares``: every voter starts with an equal
  share of the budget; each round buys the project whose supporters can pay for it with the
  lowest price per unit of utility ρ (a supporter pays ``min(budget, ρ·utility)``). With
  ``increment`` it is the iterated variant (pabutools' ``voter_budget_increment``): the
  per-voter budget is raised by ``increment`` until the outcome is exhaustive, and the last
  outcome that stayed within the real budget is kept. ``complete_with_greedy`` then runs the
  greedy rule on what is left, as pabutools' ``completion_by_rule_combination`` does.
  As in pabutools, supported projects that cost nothing are bought first, projects nobody
  supports are never bought by MES, and an election without ballots selects nothing.

Tie-break (both rules, as in pabutools' default ``lexico_tie_breaking``): among tied projects
the one whose name sorts first as a Python string wins ("10" sorts before "9").

Utilities (``utility``): ``"cost"`` — a supporter's utility is the project's cost (pabutools
``Cost_Sat``, the usual choice for MES in practice); ``"cardinality"`` — 1 per supported
project (``Cardinality_Sat``); ``"score"`` — the points on the ballot, for cumulative and
scoring ballots (``Additive_Cardinal_Sat``).

MES runs in float64 on per-voter budget arrays, with its two inner loops (a project's price,
the supporters' payments) compiled by numba (pabutools uses exact rationals); two
affordabilities within a relative 1e-9 of each other are treated as equal, which is how exact
ties survive rounding. Costs and budgets are integers, as money is everywhere in Kyoso.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import numpy as np
from numba import njit
from numpy.typing import NDArray

Utility = Literal["cost", "cardinality", "score"]

TIE_BREAK = "lexicographic on project name (Python string order), as pabutools"
_TOL = 1e-9


@dataclass(frozen=True)
class PBProject:
    """A project on a participatory-budgeting ballot, with an integer cost."""

    name: str
    cost: int


@dataclass(frozen=True)
class MESRound:
    """One purchase of MES: the project and its price per unit of utility (ρ)."""

    project: str
    price_per_utility: float
    supporters: int


@dataclass(frozen=True)
class PBResult:
    """Outcome of a participatory-budgeting rule."""

    rule: str
    selected: tuple[str, ...]
    total_cost: int
    budget: int
    budget_per_voter: float | None = None
    rounds: tuple[MESRound, ...] = ()
    completed_by: str | None = None
    tie_break: str = TIE_BREAK


def approval_matrix(
    projects: Sequence[PBProject], ballots: Iterable[Iterable[str]]
) -> NDArray[np.uint8]:
    """Return the voters × projects 0/1 matrix of approval ballots given as project names."""
    column = {p.name: j for j, p in enumerate(projects)}
    rows = []
    for k, ballot in enumerate(ballots):
        row = np.zeros(len(projects), dtype=np.uint8)
        for name in ballot:
            if name not in column:
                raise ValueError(f"ballot {k} names unknown project {name!r}")
            row[column[name]] = 1
        rows.append(row)
    if not rows:
        return np.zeros((0, len(projects)), dtype=np.uint8)
    return np.vstack(rows)


def _check(projects: Sequence[PBProject], budget: int, ballots: NDArray[np.generic]) -> None:
    if ballots.ndim != 2 or ballots.shape[1] != len(projects):
        raise ValueError(f"ballots must have shape (voters, {len(projects)}), got {ballots.shape}")
    if len({p.name for p in projects}) != len(projects):
        raise ValueError("project names must be unique")
    if any(p.cost < 0 for p in projects) or budget < 0:
        raise ValueError("costs and budget must be non-negative")
    if ballots.size and ballots.min() < 0:
        raise ValueError("ballot values must be non-negative")


def _utility_rows(
    projects: Sequence[PBProject], ballots: NDArray[np.generic], utility: Utility
) -> tuple[list[NDArray[np.intp]], list[NDArray[np.int64]]]:
    """Each project's supporters (voter indices) and their utilities."""
    by_project = np.ascontiguousarray(np.asarray(ballots).T)
    index: list[NDArray[np.intp]] = []
    values: list[NDArray[np.int64]] = []
    for project, row in zip(projects, by_project, strict=True):
        idx = np.flatnonzero(row)
        index.append(idx)
        if utility == "score":
            values.append(row[idx].astype(np.int64))
        else:
            unit = project.cost if utility == "cost" else 1
            values.append(np.full(len(idx), unit, dtype=np.int64))
    return index, values


def greedy(
    projects: Sequence[PBProject],
    budget: int,
    ballots: NDArray[np.generic],
    *,
    utility: Utility = "cost",
    initial: Sequence[str] = (),
) -> PBResult:
    """Return the greedy-by-utility-per-cost selection (greedy by votes with ``utility="cost"``)."""
    _check(projects, budget, ballots)
    totals = [int(v.sum()) for v in _utility_rows(projects, ballots, utility)[1]]
    chosen = list(initial)
    taken = set(chosen)
    remaining = budget - sum(p.cost for p in projects if p.name in taken)

    def density(j: int) -> Fraction | float:
        if totals[j] <= 0:
            return 0
        if projects[j].cost == 0:
            return math.inf
        return Fraction(totals[j], projects[j].cost)

    order = sorted(
        (j for j, p in enumerate(projects) if p.name not in taken),
        key=lambda j: (-density(j), projects[j].name),
    )
    for j in order:
        if projects[j].cost <= remaining:
            chosen.append(projects[j].name)
            remaining -= projects[j].cost
    return PBResult(
        rule=f"greedy[{utility}]",
        selected=tuple(chosen),
        total_cost=budget - remaining,
        budget=budget,
    )


@njit(cache=True)
def _price(
    budgets: NDArray[np.float64],
    index: NDArray[np.intp],
    utils: NDArray[np.float64],
    cost: float,
    tol: float,
) -> float:  # pragma: no cover - numba
    """Return the smallest ρ with Σ min(bᵢ, ρ·uᵢ) = cost, or inf when unaffordable.

    pabutools' poor/rich refinement: ρ = (cost − budgets of the poor) / utility of the rich,
    where the poor are the supporters who cannot pay ρ·uᵢ; repeat until nobody new is poor.
    """
    n = index.shape[0]
    b = np.empty(n)
    u = utils.copy()
    available = 0.0
    rich_utility = 0.0
    top = 0.0
    for t in range(n):
        b[t] = budgets[index[t]]
        available += b[t]
        rich_utility += u[t]
        top = max(top, b[t] / u[t])
    if available < cost * (1.0 - tol):
        return np.inf
    poor_budget = 0.0
    rho = cost / rich_utility
    rich = n
    while True:
        # Keep the rich at the front so each pass only scans them.
        kept = 0
        for t in range(rich):
            if b[t] < rho * u[t]:
                poor_budget += b[t]
                rich_utility -= u[t]
            else:
                b[kept] = b[t]
                u[kept] = u[t]
                kept += 1
        if kept == rich:
            return rho
        rich = kept
        if rich == 0 or rich_utility <= 0.0:
            # Only reachable when the supporters' budgets sum to the cost up to rounding:
            # everyone pays everything.
            return top
        rho = (cost - poor_budget) / rich_utility


@njit(cache=True)
def _pay(
    budgets: NDArray[np.float64],
    index: NDArray[np.intp],
    utils: NDArray[np.float64],
    rho: float,
    tol: float,
) -> None:  # pragma: no cover - numba
    """Charge each supporter min(budget, ρ·uᵢ) in place."""
    for t in range(index.shape[0]):
        due = rho * utils[t]
        left = budgets[index[t]] - min(budgets[index[t]], due)
        # An exact payment of the whole budget must leave 0, not a rounding crumb.
        budgets[index[t]] = 0.0 if left <= tol * due else left


class _Supporters:
    """Supporter indices and utilities of every project, built once per election."""

    def __init__(
        self, projects: Sequence[PBProject], ballots: NDArray[np.generic], utility: Utility
    ) -> None:
        self.index, values = _utility_rows(projects, ballots, utility)
        self.utility = [v.astype(np.float64) for v in values]
        self.total = [int(v.sum()) for v in values]


def _mes_run(
    projects: Sequence[PBProject],
    sup: _Supporters,
    candidates: list[int],
    n_voters: int,
    per_voter: float,
) -> list[MESRound]:
    budgets = np.full(n_voters, per_voter, dtype=np.float64)
    cost = [float(p.cost) for p in projects]
    afford = {j: cost[j] / sup.total[j] for j in candidates}
    remaining = set(candidates)
    rounds: list[MESRound] = []
    while remaining:
        best = math.inf
        found: list[tuple[float, int]] = []
        # Affordability only grows as budgets shrink, so a stale value is a lower bound and
        # the scan can stop at the first project whose bound exceeds the best price so far.
        for j in sorted(remaining, key=afford.__getitem__):
            if afford[j] > best * (1 + _TOL):
                break
            rho = _price(budgets, sup.index[j], sup.utility[j], cost[j], _TOL)
            if math.isinf(rho):
                remaining.discard(j)
                continue
            afford[j] = rho
            best = min(best, afford[j])
            found.append((afford[j], j))
        tied = [j for rho, j in found if rho <= best * (1 + _TOL)]
        if not tied:
            break
        chosen = min(tied, key=lambda j: projects[j].name)
        rho = afford[chosen]
        _pay(budgets, sup.index[chosen], sup.utility[chosen], rho, _TOL)
        remaining.discard(chosen)
        rounds.append(MESRound(projects[chosen].name, rho, len(sup.index[chosen])))
    return rounds


def equal_shares(
    projects: Sequence[PBProject],
    budget: int,
    ballots: NDArray[np.generic],
    *,
    utility: Utility = "cost",
    increment: int | Fraction | None = None,
    complete_with_greedy: bool = False,
) -> PBResult:
    """Return the Method of Equal Shares outcome (iterated with ``increment``, then greedy)."""
    _check(projects, budget, ballots)
    n_voters = ballots.shape[0]
    name = f"equal_shares[{utility}]" + ("+increment" if increment is not None else "")
    sup = _Supporters(projects, ballots, utility)
    free = sorted(
        (j for j, p in enumerate(projects) if sup.total[j] > 0 and p.cost == 0),
        key=lambda j: projects[j].name,
    )
    candidates = [j for j, p in enumerate(projects) if sup.total[j] > 0 and p.cost > 0]
    free_names = tuple(projects[j].name for j in free)
    cost_of = {p.name: p.cost for p in projects}
    if n_voters == 0:
        # pabutools returns the empty allocation when nobody voted, even for free projects.
        free_names, candidates, increment = (), [], None
    step = Fraction(0) if increment is None else Fraction(increment)
    k = 0
    previous: tuple[tuple[str, ...], list[MESRound], Fraction] = (
        free_names,
        [],
        Fraction(budget, max(n_voters, 1)),
    )
    while True:
        per_voter = Fraction(budget, max(n_voters, 1)) + k * step
        rounds = _mes_run(projects, sup, candidates, n_voters, float(per_voter))
        selected = free_names + tuple(r.project for r in rounds)
        spent = sum(cost_of[s] for s in selected)
        if increment is None:
            break
        if spent > budget:
            selected, rounds, per_voter = previous
            break
        left = budget - spent
        chosen = set(selected)
        if all(projects[j].name in chosen or projects[j].cost > left for j in candidates):
            break
        previous = (selected, rounds, per_voter)
        k += 1
    result = PBResult(
        rule=name,
        selected=selected,
        total_cost=sum(cost_of[s] for s in selected),
        budget=budget,
        budget_per_voter=float(per_voter) if n_voters else None,
        rounds=tuple(rounds),
    )
    if not complete_with_greedy:
        return result
    left = budget - result.total_cost
    if all(p.name in set(selected) or p.cost > left for p in projects):
        return result
    filled = greedy(projects, budget, ballots, utility=utility, initial=selected)
    return PBResult(
        rule=name + "+greedy",
        selected=filled.selected,
        total_cost=filled.total_cost,
        budget=budget,
        budget_per_voter=result.budget_per_voter,
        rounds=result.rounds,
        completed_by=f"greedy[{utility}]",
    )
