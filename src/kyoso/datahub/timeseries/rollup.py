"""Hourly and daily rollups kept incrementally: count, sum, min and max merge associatively,
so a batch of new readings adds to a stored bucket without reading the bucket's readings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

PERIODS = ("hour", "day")


@dataclass(slots=True)
class Aggregate:
    count: int
    total: float
    minimum: float
    maximum: float

    @classmethod
    def of(cls, value: float) -> Aggregate:
        return cls(1, value, value, value)

    def add(self, other: Aggregate) -> None:
        self.count += other.count
        self.total += other.total
        self.minimum = min(self.minimum, other.minimum)
        self.maximum = max(self.maximum, other.maximum)

    @property
    def mean(self) -> float:
        return self.total / self.count if self.count else float("nan")


def bucket_start(moment: datetime, period: str, tz: str = "UTC") -> datetime:
    """Return the UTC start of the hour or local day (``tz``) that holds ``moment`` (aware)."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    if period == "hour":
        utc = moment.astimezone(ZoneInfo("UTC"))
        return utc.replace(minute=0, second=0, microsecond=0)
    if period == "day":
        local = moment.astimezone(ZoneInfo(tz))
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        return start.astimezone(ZoneInfo("UTC"))
    raise ValueError(f"unknown period {period!r}")


def rollup(
    rows: Iterable[tuple[int, datetime, float]], period: str, tz: str = "UTC"
) -> dict[tuple[int, datetime], Aggregate]:
    """Group ``(series_id, time, value)`` rows into ``{(series_id, bucket): Aggregate}``."""
    out: dict[tuple[int, datetime], Aggregate] = {}
    for series, moment, value in rows:
        key = (series, bucket_start(moment, period, tz))
        if key in out:
            out[key].add(Aggregate.of(value))
        else:
            out[key] = Aggregate.of(value)
    return out


def buckets(start: datetime, end: datetime, period: str) -> list[datetime]:
    """Return the bucket starts from ``start`` (a bucket start) up to, not including, ``end``."""
    step = timedelta(hours=1) if period == "hour" else timedelta(days=1)
    out = []
    moment = start
    while moment < end:
        out.append(moment)
        moment += step
    return out
