"""Timetables that follow demand: headways per route and period that cut riders' waiting and
crowding within the operator's vehicle-hours (issue 15 §4). Plain data in, plain data out.

The optimisation, stated as it is solved (a 0/1 integer programme, HiGHS):

    choose one frequency f[r,p] (trips an hour) for each route r and period p from FREQUENCIES
    minimise  Σ  L[p] · ( D[r,p] · 60 / (2 f)            riders' mean wait: half a headway
                         + max(0, D[r,p] − f · C) · 60/f )  riders left behind wait one more
    subject to  Σ  L[p] · f · T[r] / 60  ≤  today's vehicle-hours          (the budget)
                Σ_r ceil(f · T[r] / 60) ≤  today's peak vehicles, in every period  (the fleet)
                f[r,p] ≥ the policy minimum (1 an hour) wherever the route runs today

where D is boardings an hour, C a vehicle's capacity, L the period's length in hours and T the
route's cycle time in minutes (a round trip with layover). Waiting is in passenger-minutes a
weekday; a route-period with no riders still keeps the minimum service.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# Trips an hour a proposal may choose: headways of 120, 60, 40, 30, 20, 15, 12, 10, 7.5, 6 min.
FREQUENCIES = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
MIN_FREQUENCY = 1.0


@dataclass(frozen=True, slots=True)
class Period:
    name: str
    start_hour: int
    end_hour: int

    @property
    def hours(self) -> int:
        return self.end_hour - self.start_hour


PERIODS = (
    Period("early", 6, 7),
    Period("morning_peak", 7, 9),
    Period("daytime", 9, 16),
    Period("evening_peak", 16, 19),
    Period("evening", 19, 22),
)


@dataclass(frozen=True, slots=True)
class Demand:
    """One route in one period today: riders an hour, trips an hour, and the route's cycle."""

    route_id: str
    period: Period
    riders_per_hour: float
    trips_per_hour: float
    cycle_minutes: float
    capacity: int


@dataclass(frozen=True, slots=True)
class Choice:
    demand: Demand
    frequency: float  # proposed trips an hour
    wait_before: float  # passenger-minutes a weekday
    wait_after: float

    @property
    def headway_before(self) -> float | None:
        f = self.demand.trips_per_hour
        return 60.0 / f if f > 0 else None

    @property
    def headway_after(self) -> float:
        return 60.0 / self.frequency


@dataclass(frozen=True, slots=True)
class Proposal:
    status: str  # "optimal", or "infeasible" (nothing proposed)
    choices: tuple[Choice, ...]
    vehicle_hours_before: float
    vehicle_hours_after: float
    wait_before: float
    wait_after: float
    peak_vehicles: int


def waiting_minutes(d: Demand, f: float) -> float:
    """Return the passenger-minutes of waiting a weekday for this route-period at ``f`` an hour."""
    if f <= 0:
        # No service: every rider waits (at least) until the next period; count two hours.
        return d.riders_per_hour * d.period.hours * 120.0
    headway = 60.0 / f
    left_behind = max(0.0, d.riders_per_hour - f * d.capacity)
    return d.period.hours * (d.riders_per_hour * headway / 2 + left_behind * headway)


def vehicles(d: Demand, f: float) -> int:
    return math.ceil(f * d.cycle_minutes / 60.0 - 1e-9)


def vehicle_hours(d: Demand, f: float) -> float:
    return d.period.hours * f * d.cycle_minutes / 60.0


def propose(demands: list[Demand], *, budget_vehicle_hours: float | None = None,
            fleet: int | None = None) -> Proposal:  # fmt: skip
    """Return the headways that minimise waiting within the budget and fleet (today's by default)."""
    import highspy  # the solver is loaded by the use case that needs it

    served = [d for d in demands if d.trips_per_hour > 0 and d.cycle_minutes > 0]
    before_vh = sum(vehicle_hours(d, d.trips_per_hour) for d in served)
    periods = sorted({d.period for d in served}, key=lambda p: p.start_hour)
    peak_before = max(
        (sum(vehicles(d, d.trips_per_hour) for d in served if d.period == p) for p in periods),
        default=0,
    )
    budget = before_vh if budget_vehicle_hours is None else budget_vehicle_hours
    fleet = peak_before if fleet is None else fleet
    wait_before = sum(waiting_minutes(d, d.trips_per_hour) for d in served)
    if not served:
        return Proposal("optimal", (), 0.0, 0.0, 0.0, 0.0, 0)
    columns: list[tuple[int, float]] = []  # (demand index, frequency)
    for i, d in enumerate(served):
        floor = min(MIN_FREQUENCY, d.trips_per_hour)
        # Today's frequency is always a choice, so today's timetable is feasible and no worse.
        options = sorted({*(f for f in FREQUENCIES if f >= floor - 1e-9), d.trips_per_hour})
        columns += [(i, f) for f in options]
    n = len(columns)
    cost = np.array([waiting_minutes(served[i], f) for i, f in columns])
    rows: list[tuple[dict[int, float], float, float]] = []
    for i in range(len(served)):  # exactly one frequency per route-period
        rows.append(({j: 1.0 for j, (k, _) in enumerate(columns) if k == i}, 1.0, 1.0))
    rows.append(
        ({j: vehicle_hours(served[i], f) for j, (i, f) in enumerate(columns)}, -np.inf, budget)
    )
    for p in periods:
        rows.append((
            {j: float(vehicles(served[i], f)) for j, (i, f) in enumerate(columns)
             if served[i].period == p},
            -np.inf, float(fleet),
        ))  # fmt: skip
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, len(rows)
    lp.col_cost_ = cost.astype(float)
    lp.col_lower_, lp.col_upper_ = np.zeros(n), np.ones(n)
    lp.row_lower_ = np.array([r[1] for r in rows], dtype=float)
    lp.row_upper_ = np.array([r[2] for r in rows], dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    starts, index, values = [0], [], []
    for coefficients, _lo, _hi in rows:
        for j, v in sorted(coefficients.items()):
            index.append(j)
            values.append(v)
        starts.append(len(index))
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(values, dtype=float)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return Proposal(
            "infeasible", (), before_vh, before_vh, wait_before, wait_before, peak_before
        )
    chosen = np.round(np.array(h.getSolution().col_value)).astype(bool)
    picks = {columns[j][0]: columns[j][1] for j in np.flatnonzero(chosen)}
    choices = tuple(
        Choice(d, picks[i], waiting_minutes(d, d.trips_per_hour), waiting_minutes(d, picks[i]))
        for i, d in enumerate(served)
    )
    peak_after = max(
        (sum(vehicles(c.demand, c.frequency) for c in choices if c.demand.period == p)
         for p in periods),
        default=0,
    )  # fmt: skip
    return Proposal(
        "optimal",
        choices,
        round(before_vh, 2),
        round(sum(vehicle_hours(c.demand, c.frequency) for c in choices), 2),
        round(wait_before, 1),
        round(sum(c.wait_after for c in choices), 1),
        peak_after,
    )
