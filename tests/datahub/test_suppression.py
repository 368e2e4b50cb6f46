"""Small-cell suppression: no count below k is shown, nor can it be derived from the margins.

The check is from first principles: for each hidden cell, a linear programme finds the least
and the greatest value it can take given every shown cell, the true row and column totals and
non-negativity. If they are equal the cell was recovered.

A row or column total between 1 and k − 1 is itself a small count, which no publisher shows, so
the attacker knows only totals that are 0 or at least k (otherwise a grid such as
[[0, 0], [0, 1]] would be given away by its own margins whatever was hidden).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from kyoso.datahub.opendata import suppress_cells


def _range_of(
    values: list[list[int]], hidden: set[tuple[int, int]], cell: tuple[int, int], k: int
):
    order = sorted(hidden)
    index = {c: n for n, c in enumerate(order)}
    rows, cols = len(values), len(values[0])
    lines: list[list[tuple[int, int]]] = []
    if rows > 1 and cols > 1:
        lines += [[(i, j) for j in range(cols)] for i in range(rows)]
        lines += [[(i, j) for i in range(rows)] for j in range(cols)]
    else:
        lines.append([(i, j) for i in range(rows) for j in range(cols)])
    a_eq, b_eq = [], []
    for line in lines:
        line_total = sum(values[i][j] for i, j in line)
        if 0 < line_total < k:
            continue  # a small total is never published: the attacker does not know it
        coefficients = np.zeros(len(order))
        total = 0.0
        for c in line:
            if c in index:
                coefficients[index[c]] = 1
                total += values[c[0]][c[1]]
        if coefficients.any():
            a_eq.append(coefficients)
            b_eq.append(total)
    objective = np.zeros(len(order))
    objective[index[cell]] = 1
    bounds = [(0, None)] * len(order)
    constraints = {"A_eq": np.array(a_eq), "b_eq": b_eq} if a_eq else {}
    low = linprog(objective, bounds=bounds, **constraints).fun
    most = linprog(-objective, bounds=bounds, **constraints)
    high = float("inf") if most.status == 3 else -most.fun  # 3: unbounded, nothing pins it
    return low, high


grids = st.integers(1, 5).flatmap(
    lambda rows: st.integers(1, 5).flatmap(
        lambda cols: st.lists(
            st.lists(st.integers(0, 40), min_size=cols, max_size=cols),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=300, deadline=None)
@given(values=grids, k=st.integers(2, 15))
def test_no_small_cell_is_shown_or_derivable(values: list[list[int]], k: int) -> None:
    hidden = suppress_cells(values, k)
    for i, row in enumerate(values):
        for j, v in enumerate(row):
            if 0 < v < k:
                assert (i, j) in hidden
    cells = len(values) * len(values[0])
    if cells == 1:
        return  # a single cell is its own total: nothing can protect it but not publishing
    for cell in hidden:
        if 0 < values[cell[0]][cell[1]] < k:
            low, high = _range_of(values, hidden, cell, k)
            assert high - low > 1e-6, (values, k, sorted(hidden), cell)


def test_a_lone_small_cell_in_a_row_gets_a_partner() -> None:
    values = [[3, 50, 60], [40, 45, 70], [30, 20, 25]]
    hidden = suppress_cells(values, 10)
    assert (0, 0) in hidden
    assert len(hidden) == 4  # the cheapest rectangle: (0,0), (0,1), (2,0), (2,1)
    assert hidden == {(0, 0), (0, 1), (2, 0), (2, 1)}


def test_large_cells_are_left_alone() -> None:
    assert suppress_cells([[10, 20], [30, 40]], 10) == set()
    assert suppress_cells([[0, 20], [30, 0]], 10) == set()


def test_one_column_needs_two_hidden_cells() -> None:
    assert suppress_cells([[4], [12], [30]], 10) == {(0, 0), (1, 0)}
