"""Marginal abatement cost curve and the least-cost set of measures that reaches a target.

The plan is a 0/1 integer programme solved with HiGHS (``highspy``): choose measures to
minimise the annualised cost subject to abating at least the target and spending at most the
budget; measures in the same exclusive group (e.g. two electricity menus) are alternatives.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Candidate:
    key: str
    name: str
    capex_yen: float
    opex_change_yen: float  # per year; negative when the measure saves money
    lifetime_years: int
    abated_t: float  # t-CO2 per year
    energy_saved_kwh: float = 0.0  # electricity-equivalent, informational
    group: str = ""  # measures sharing a group exclude each other


def annualised_cost(c: Candidate, rate: float = 0.03) -> float:
    """Return capex spread over the lifetime (capital recovery factor) plus the opex change."""
    n = max(1, c.lifetime_years)
    crf = rate / (1 - (1 + rate) ** -n) if rate > 0 else 1 / n
    return c.capex_yen * crf + c.opex_change_yen


def cost_per_tonne(c: Candidate, rate: float = 0.03) -> float | None:
    return annualised_cost(c, rate) / c.abated_t if c.abated_t > 0 else None


def payback_years(c: Candidate) -> float | None:
    """Return simple payback (capex / yearly saving), or None when the measure costs money."""
    if c.opex_change_yen >= 0:
        return None if c.capex_yen > 0 else 0.0
    return c.capex_yen / -c.opex_change_yen


@dataclass(frozen=True)
class CurveBar:
    key: str
    name: str
    x0: float  # cumulative abatement before this bar (t-CO2/yr)
    width: float  # its abatement
    height: float  # yen per t-CO2


def mac_curve(candidates: list[Candidate], rate: float = 0.03) -> list[CurveBar]:
    """Return the bars of the MAC curve: cheapest per tonne first, width = abatement."""
    ranked = sorted(
        (c for c in candidates if c.abated_t > 0), key=lambda c: (cost_per_tonne(c, rate), c.key)
    )
    bars, x = [], 0.0
    for c in ranked:
        bars.append(CurveBar(c.key, c.name, x, c.abated_t, cost_per_tonne(c, rate) or 0.0))
        x += c.abated_t
    return bars


@dataclass(frozen=True)
class Plan:
    status: str  # "optimal", "target_unreachable" (best abatement under the budget), "empty"
    chosen: tuple[str, ...]
    abated_t: float
    capex_yen: float
    annual_cost_yen: float


def _solve(
    costs: np.ndarray, rows: list[tuple[np.ndarray, float, float]], maximise: bool
) -> np.ndarray | None:
    import highspy  # the solver is loaded by the use case that needs it

    n = len(costs)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = len(rows)
    lp.col_cost_ = (-costs if maximise else costs).astype(float)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.ones(n)
    lp.row_lower_ = np.array([r[1] for r in rows], dtype=float)
    lp.row_upper_ = np.array([r[2] for r in rows], dtype=float)
    matrix = np.array([r[0] for r in rows], dtype=float).reshape(len(rows), n)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    starts, index, values = [0], [], []
    for j in range(n):
        for i in range(len(rows)):
            if matrix[i, j] != 0:
                index.append(i)
                values.append(matrix[i, j])
        starts.append(len(index))
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(values, dtype=float)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return np.round(np.array(h.getSolution().col_value)).astype(bool)


def least_cost_plan(
    candidates: list[Candidate], *, target_t: float, budget_yen: float, rate: float = 0.03
) -> Plan:
    """Return the cheapest set of measures abating ``target_t`` t-CO2/yr within the capex budget.

    When no set reaches the target within the budget, return the set that abates the most.
    """
    usable = [c for c in candidates if c.abated_t > 0]
    if not usable:
        return Plan("empty", (), 0.0, 0.0, 0.0)
    costs = np.array([annualised_cost(c, rate) for c in usable])
    abated = np.array([c.abated_t for c in usable])
    capex = np.array([c.capex_yen for c in usable])
    rows = [(capex, -np.inf, float(budget_yen))]
    for group in sorted({c.group for c in usable if c.group}):
        rows.append((np.array([1.0 if c.group == group else 0.0 for c in usable]), -np.inf, 1.0))
    status = "optimal"
    chosen = _solve(costs, [*rows, (abated, float(target_t), np.inf)], maximise=False)
    if chosen is None:
        status = "target_unreachable"
        chosen = _solve(abated, rows, maximise=True)
        if chosen is None:
            return Plan("empty", (), 0.0, 0.0, 0.0)
    picked = [c for c, on in zip(usable, chosen, strict=True) if on]
    return Plan(
        status,
        tuple(c.key for c in picked),
        float(sum(c.abated_t for c in picked)),
        float(sum(c.capex_yen for c in picked)),
        float(sum(annualised_cost(c, rate) for c in picked)),
    )
