"""City health statistics that reveal no one: OpenDP counts, small-cell suppression, a budget.

Each person falls in exactly one cell (district × age band × sex), so adding or removing one
person changes one count by one: the L1 sensitivity of the table is 1 and the discrete Laplace
mechanism with scale ``1/ε`` makes the whole table ε-differentially private. Cells whose
*noisy* count is below the threshold are suppressed; suppressing on the noisy value is
post-processing, so the guarantee is kept (suppressing on the true count would leak it).

Every query spends ε from the dataset's budget; once spent, queries are refused, so averaging
many answers (or differencing overlapping ones) cannot strip the noise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from types import ModuleType


@cache
def _opendp() -> ModuleType:
    """Return OpenDP's prelude, imported on first use (it pulls in pandas and SciPy)."""
    import opendp.prelude as dp

    dp.enable_features("contrib")
    return dp


SUPPRESS_BELOW = 10
AGE_BANDS = ("0-14", "15-39", "40-64", "65-74", "75+")
SEXES = ("female", "male", "other")

Cell = tuple[str, str, str]  # district code, age band, sex


class BudgetExhaustedError(Exception):
    """The dataset's privacy budget cannot pay for this query."""


def age_band(age: int) -> str:
    """Return the statistics age band of an age in years."""
    if age < 15:
        return "0-14"
    if age < 40:
        return "15-39"
    if age < 65:
        return "40-64"
    if age < 75:
        return "65-74"
    return "75+"


@dataclass
class Budget:
    total: float
    spent: float = 0.0

    @property
    def remaining(self) -> float:
        return max(0.0, self.total - self.spent)

    def charge(self, epsilon: float) -> None:
        """Spend ε, or raise BudgetExhaustedError leaving the budget unchanged."""
        if epsilon <= 0:
            raise ValueError("epsilon must be positive")
        if self.spent + epsilon > self.total + 1e-12:
            raise BudgetExhaustedError(
                f"the budget has {self.remaining:.3f} left; this query needs {epsilon:.3f}"
            )
        self.spent += epsilon


@dataclass(frozen=True)
class NoisyCell:
    cell: Cell
    value: int | None  # None when suppressed


@dataclass(frozen=True)
class NoisyTable:
    cells: list[NoisyCell]
    epsilon: float
    accuracy95: float  # |noise| stays within this with probability 0.95 per cell

    def released(self) -> dict[Cell, int]:
        return {c.cell: c.value for c in self.cells if c.value is not None}


def count_table(
    counts: Mapping[Cell, int],
    *,
    cells: Iterable[Cell],
    epsilon: float,
    budget: Budget,
    suppress_below: int = SUPPRESS_BELOW,
) -> NoisyTable:
    """Return the ε-DP counts of every cell (zeros included), charging the budget first."""
    if not 0 < epsilon <= 10:
        raise ValueError("epsilon must be in (0, 10]")
    budget.charge(epsilon)
    order = list(cells)
    scale = 1.0 / epsilon
    dp = _opendp()
    mechanism = dp.m.make_laplace(
        dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=scale
    )
    noisy = mechanism([int(counts.get(cell, 0)) for cell in order])
    out = [
        NoisyCell(cell, None if value < suppress_below else int(value))
        for cell, value in zip(order, noisy, strict=True)
    ]
    return NoisyTable(
        cells=out,
        epsilon=epsilon,
        accuracy95=float(dp.discrete_laplacian_scale_to_accuracy(scale, 0.05)),
    )


def share_table(
    numerators: Mapping[Cell, int],
    denominators: Mapping[Cell, int],
    *,
    cells: Iterable[Cell],
    epsilon: float,
    budget: Budget,
    suppress_below: int = SUPPRESS_BELOW,
) -> dict[Cell, float | None]:
    """Return a DP share (0–1) per cell, half of ε on each count; None where either is suppressed."""
    order = list(cells)
    if budget.spent + epsilon > budget.total + 1e-12:
        raise BudgetExhaustedError(
            f"the budget has {budget.remaining:.3f} left; this query needs {epsilon:.3f}"
        )
    top = count_table(
        numerators, cells=order, epsilon=epsilon / 2, budget=budget, suppress_below=suppress_below
    ).released()
    bottom = count_table(
        denominators, cells=order, epsilon=epsilon / 2, budget=budget, suppress_below=suppress_below
    ).released()
    shares: dict[Cell, float | None] = {}
    for cell in order:
        if cell in top and cell in bottom and bottom[cell] > 0:
            shares[cell] = min(1.0, max(0.0, top[cell] / bottom[cell]))
        else:
            shares[cell] = None
    return shares
