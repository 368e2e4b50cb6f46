"""Backcasting arithmetic: the trajectory a KPI needs, and how much of it measures cover.

Pure functions on numbers, no Django, so they can be tested alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise


def needed_trajectory(
    *,
    baseline_year: int,
    baseline_value: float,
    target_year: int,
    target_value: float,
    milestones: Sequence[tuple[int, float]] = (),
) -> list[tuple[int, float]]:
    """Return the value needed in each year from baseline to target, through the milestones.

    Between two anchor points (baseline, milestones, target) the path is a straight line.
    """
    if target_year <= baseline_year:
        return [(baseline_year, baseline_value)]
    anchors = {baseline_year: baseline_value, target_year: target_value}
    for year, value in milestones:
        if baseline_year < year < target_year:
            anchors[int(year)] = float(value)
    points = sorted(anchors.items())
    path: list[tuple[int, float]] = []
    for (y0, v0), (y1, v1) in pairwise(points):
        for year in range(y0, y1):
            path.append((year, v0 + (v1 - v0) * (year - y0) / (y1 - y0)))
    path.append(points[-1])
    return path


def needed_value(trajectory: Sequence[tuple[int, float]], year: int) -> float | None:
    """Return the needed value in ``year`` (the last one after the target year)."""
    if not trajectory:
        return None
    for y, v in trajectory:
        if y == year:
            return v
    if year > trajectory[-1][0]:
        return trajectory[-1][1]
    return None


@dataclass(frozen=True)
class Coverage:
    """How much of a KPI's needed change the linked measures are expected to bring."""

    needed_change: float
    expected_change: float
    measures: int

    @property
    def share(self) -> float | None:
        """Return expected / needed (1.0 = fully covered); None when nothing is needed."""
        if self.needed_change == 0:
            return None
        return self.expected_change / self.needed_change


def coverage(needed_change: float, expected_changes: Sequence[float]) -> Coverage:
    """Return the coverage of ``needed_change`` by the measures' expected changes."""
    return Coverage(
        needed_change=float(needed_change),
        expected_change=float(sum(expected_changes)),
        measures=len(expected_changes),
    )
