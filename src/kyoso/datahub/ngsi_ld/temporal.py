"""The temporal API's arithmetic: ``timerel`` windows, ISO 8601 durations and aggregation of
(time, value) instances into periods (``aggrMethods`` over ``aggrPeriodDuration``)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kyoso.datahub.ngsi_ld.entity import parse_datetime
from kyoso.datahub.ngsi_ld.errors import BadRequestData

AGGR_METHODS = ("totalCount", "distinctCount", "sum", "avg", "min", "max", "stddev", "sumsq")
_DURATION = re.compile(
    r"^P(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


@dataclass(frozen=True, slots=True)
class Window:
    """Instances with ``start <= t < end`` (either side may be open)."""

    start: datetime | None
    end: datetime | None

    def contains(self, moment: datetime) -> bool:
        return (self.start is None or moment >= self.start) and (
            self.end is None or moment < self.end
        )


def parse_window(timerel: str | None, time_at: str | None, end_time_at: str | None) -> Window:
    if not timerel:
        if time_at or end_time_at:
            raise BadRequestData("timeAt needs timerel (before, after or between)")
        return Window(None, None)
    if timerel not in ("before", "after", "between"):
        raise BadRequestData("timerel must be before, after or between")
    if not time_at:
        raise BadRequestData("timerel needs timeAt")
    start = parse_datetime(time_at, "timeAt")
    if timerel == "before":
        return Window(None, start)
    if timerel == "after":
        return Window(start, None)
    if not end_time_at:
        raise BadRequestData("timerel=between needs endTimeAt")
    end = parse_datetime(end_time_at, "endTimeAt")
    if end <= start:
        raise BadRequestData("endTimeAt must be after timeAt")
    return Window(start, end)


def parse_duration(text: str) -> timedelta:
    """Return an ISO 8601 duration of weeks, days, hours, minutes or seconds (not months)."""
    match = _DURATION.match(text or "")
    if not match or text in ("P", "PT"):
        raise BadRequestData(
            "aggrPeriodDuration must be an ISO 8601 duration in weeks, days or time (e.g. PT1H, P1D)"
        )
    parts = {k: float(v) if v else 0.0 for k, v in match.groupdict().items()}
    return timedelta(
        weeks=parts["w"], days=parts["d"], hours=parts["h"], minutes=parts["m"], seconds=parts["s"]
    )


def parse_methods(text: str | None) -> tuple[str, ...]:
    if not text:
        raise BadRequestData(f"aggrMethods is required: some of {', '.join(AGGR_METHODS)}")
    methods = tuple(m.strip() for m in text.split(",") if m.strip())
    bad = [m for m in methods if m not in AGGR_METHODS]
    if bad or not methods:
        raise BadRequestData(
            f"aggrMethods: unknown {', '.join(bad)}; use {', '.join(AGGR_METHODS)}"
        )
    return methods


@dataclass(slots=True)
class Bucket:
    start: datetime
    end: datetime
    count: int = 0
    total: float = 0.0
    sumsq: float = 0.0
    low: float = math.inf
    high: float = -math.inf
    distinct: set[float] | None = None

    def add(self, value: float) -> None:
        self.count += 1
        self.total += value
        self.sumsq += value * value
        self.low = min(self.low, value)
        self.high = max(self.high, value)
        if self.distinct is not None:
            self.distinct.add(value)

    def merge(self, count: int, total: float, low: float, high: float, sumsq: float | None) -> None:
        """Add a pre-aggregated group (a rollup) to the bucket."""
        self.count += count
        self.total += total
        self.sumsq += sumsq if sumsq is not None else math.nan
        self.low = min(self.low, low)
        self.high = max(self.high, high)

    def value(self, method: str) -> float | int | None:
        if self.count == 0:
            return None
        if method == "totalCount":
            return self.count
        if method == "distinctCount":
            return len(self.distinct) if self.distinct is not None else None
        if method == "sum":
            return self.total
        if method == "avg":
            return self.total / self.count
        if method == "min":
            return self.low
        if method == "max":
            return self.high
        if method == "sumsq":
            return None if math.isnan(self.sumsq) else self.sumsq
        variance = self.sumsq / self.count - (self.total / self.count) ** 2
        return None if math.isnan(variance) else math.sqrt(max(variance, 0.0))


def make_buckets(
    window: Window,
    period: timedelta | None,
    first: datetime,
    last: datetime,
    methods: Iterable[str],
) -> list[Bucket]:
    """Return empty buckets covering the window (or first..last where it is open)."""
    start = window.start or first
    end = window.end or last + timedelta(microseconds=1)
    distinct = "distinctCount" in methods
    if period is None or period <= timedelta(0):
        return [Bucket(start, end, distinct=set() if distinct else None)]
    steps = math.ceil((end - start) / period)
    if steps > 100_000:
        raise BadRequestData(
            "aggrPeriodDuration is too short for this time range (over 100,000 periods)"
        )
    return [
        Bucket(
            start + i * period,
            min(start + (i + 1) * period, end),
            distinct=set() if distinct else None,
        )
        for i in range(steps)
    ]


def bucket_index(buckets: list[Bucket], moment: datetime) -> int | None:
    if not buckets or moment < buckets[0].start or moment >= buckets[-1].end:
        return None
    period = buckets[0].end - buckets[0].start
    if period <= timedelta(0):
        return None
    return min(int((moment - buckets[0].start) / period), len(buckets) - 1)


def aggregate(
    instances: Iterable[tuple[datetime, float]],
    window: Window,
    period: timedelta | None,
    methods: tuple[str, ...],
) -> list[Bucket]:
    """Return the non-empty buckets of the instances inside the window."""
    points = sorted((t, v) for t, v in instances if window.contains(t))
    if not points:
        return []
    buckets = make_buckets(window, period, points[0][0], points[-1][0], methods)
    for moment, value in points:
        index = bucket_index(buckets, moment)
        if index is not None:
            buckets[index].add(value)
    return [b for b in buckets if b.count]


def render_aggregates(
    buckets: list[Bucket], methods: tuple[str, ...]
) -> dict[str, list[list[object]]]:
    """NGSI-LD's aggregated form: ``{"avg": [[value, startAt, endAt], …], …}``."""
    return {
        method: [[b.value(method), _iso(b.start), _iso(b.end)] for b in buckets]
        for method in methods
    }


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
