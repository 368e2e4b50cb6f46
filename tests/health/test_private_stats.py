"""Differential privacy: budget, suppression, and the differencing attack."""

from __future__ import annotations

import pytest

from kyoso.health.records.private_stats import (
    Budget,
    BudgetExhaustedError,
    age_band,
    count_table,
)

CELLS = [("d1", "75+", "female"), ("d1", "75+", "male"), ("d2", "40-64", "female")]


def test_budget_refuses_once_spent_and_stays_unchanged():
    budget = Budget(total=1.0)
    count_table({CELLS[0]: 50}, cells=CELLS, epsilon=0.6, budget=budget)
    with pytest.raises(BudgetExhaustedError):
        count_table({CELLS[0]: 50}, cells=CELLS, epsilon=0.6, budget=budget)
    assert budget.spent == pytest.approx(0.6)


def test_small_cells_are_suppressed():
    budget = Budget(total=10)
    table = count_table({CELLS[0]: 2, CELLS[1]: 500}, cells=CELLS, epsilon=1.0, budget=budget)
    released = table.released()
    # A cell of 2 (or 0) people stays below 10 after noise of scale 1 except with p < 1e-3.
    assert CELLS[0] not in released and CELLS[2] not in released
    assert abs(released[CELLS[1]] - 500) < 20
    assert table.accuracy95 > 0


def test_differencing_attack_is_stopped():
    """Two overlapping queries — before and after one person joins — would isolate that
    person; the noise hides the difference and the budget stops averaging it away."""
    before = {CELLS[0]: 40}
    after = {CELLS[0]: 41}  # the victim joined the check-up programme
    budget = Budget(total=2.0)
    differences = []
    with pytest.raises(BudgetExhaustedError):
        for _ in range(100):
            a = count_table(before, cells=CELLS[:1], epsilon=0.5, budget=budget).released()
            b = count_table(after, cells=CELLS[:1], epsilon=0.5, budget=budget).released()
            differences.append(b.get(CELLS[0], 0) - a.get(CELLS[0], 0))
    assert len(differences) == 2  # 4 answers × 0.5 = the whole budget; the 5th is refused
    # With so few answers the mean difference cannot tell 1 from 0 reliably (sd ≈ 2.8 per pair).
    assert budget.remaining == pytest.approx(0.0)


def test_age_bands():
    assert [age_band(a) for a in (3, 20, 50, 70, 90)] == ["0-14", "15-39", "40-64", "65-74", "75+"]
