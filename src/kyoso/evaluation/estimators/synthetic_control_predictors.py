"""Predictor specifications for synthetic control and the matrices built from a long panel.

A predictor is the mean of one column over chosen times, as in R's Synth ``dataprep``:
"mean of invest over 1964–1969", "popdens in 1969", "sec.energy in odd years 1961–1969".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kyoso.evaluation.estimators.errors import EstimationError

_SPEC = re.compile(r"^(?P<column>[^@]+?)(?:@(?P<times>.+))?$")
_RANGE = re.compile(r"^(?P<start>-?\d+(?:\.\d+)?)-(?P<end>-?\d+(?:\.\d+)?)(?:/(?P<step>\d+))?$")


@dataclass(frozen=True)
class Predictor:
    """The mean of ``column`` over ``times``; ``times=None`` means every pre-treatment time."""

    column: str
    times: tuple[float, ...] | None = None

    @classmethod
    def mean_over(cls, column: str, start: float, end: float, step: float = 1) -> Predictor:
        """Return the predictor "mean of column over start..end (inclusive), every step-th time"."""
        if step <= 0 or end < start:
            raise EstimationError(f"predictor {column}: empty time range {start}..{end}/{step}")
        count = int(np.floor((end - start) / step + 1e-9)) + 1
        return cls(column, tuple(float(start + i * step) for i in range(count)))

    @classmethod
    def value_in(cls, column: str, time: float) -> Predictor:
        """Return the predictor "value of column at time"."""
        return cls(column, (float(time),))

    @property
    def label(self) -> str:
        """Return a short human-readable name such as ``invest@1964-1969``."""
        if self.times is None:
            return self.column
        shown = [f"{t:g}" for t in self.times]
        if len(shown) > 2:
            steps = {round(b - a, 9) for a, b in zip(self.times, self.times[1:], strict=False)}
            if len(steps) == 1:
                step = steps.pop()
                suffix = "" if step == 1 else f"/{step:g}"
                return f"{self.column}@{shown[0]}-{shown[-1]}{suffix}"
        return f"{self.column}@{','.join(shown)}"


def parse_predictor(spec: str) -> Predictor:
    """Return the Predictor described by ``COL``, ``COL@Y``, ``COL@A-B``, ``COL@A-B/STEP`` or ``COL@Y1,Y2``."""
    match = _SPEC.match(spec.strip())
    if match is None or not match["column"]:
        raise EstimationError(f"cannot read predictor spec {spec!r}")
    column, times = match["column"], match["times"]
    if times is None:
        return Predictor(column)
    ranged = _RANGE.match(times)
    if ranged is not None:
        step = float(ranged["step"]) if ranged["step"] else 1.0
        return Predictor.mean_over(column, float(ranged["start"]), float(ranged["end"]), step)
    try:
        return Predictor(column, tuple(float(t) for t in times.split(",")))
    except ValueError as exc:
        raise EstimationError(f"cannot read the times in predictor spec {spec!r}") from exc


def predictor_matrix(
    panel: pd.DataFrame,
    *,
    unit: str,
    time: str,
    units: Sequence[str],
    predictors: Sequence[Predictor],
    pre_times: Sequence[float],
) -> NDArray[np.float64]:
    """Return the predictors × units matrix of predictor values (means ignoring missing cells)."""
    rows = []
    for predictor in predictors:
        if predictor.column not in panel.columns:
            raise EstimationError(f"predictor column {predictor.column!r} is not in the panel")
        times = pre_times if predictor.times is None else predictor.times
        unknown = sorted(set(times) - set(panel[time].astype(float)))
        if unknown:
            raise EstimationError(
                f"predictor {predictor.label} asks for times not in the panel: {unknown}"
            )
        wide = panel.pivot(index=time, columns=unit, values=predictor.column)
        wide.index = wide.index.astype(float)
        block = wide.reindex(index=list(times), columns=list(units)).astype(float)
        empty = [str(u) for u in units if block[u].isna().all()]
        if empty:
            raise EstimationError(
                f"predictor {predictor.label} has no data for unit(s): {', '.join(empty)}"
            )
        rows.append(block.mean(axis=0, skipna=True).to_numpy())
    return np.vstack(rows)
