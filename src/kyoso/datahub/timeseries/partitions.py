"""Monthly range partitions of the readings table on PostgreSQL: which exist, which to create
ahead, which to drop once every reading in them is older than the retention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

TABLE = "datahub_reading"


@dataclass(frozen=True, slots=True)
class MonthPartition:
    year: int
    month: int

    @property
    def name(self) -> str:
        return f"{TABLE}_p{self.year:04d}{self.month:02d}"

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        return self.next().start

    def next(self) -> MonthPartition:
        if self.month == 12:
            return MonthPartition(self.year + 1, 1)
        return MonthPartition(self.year, self.month + 1)

    @classmethod
    def holding(cls, moment: datetime | date) -> MonthPartition:
        if isinstance(moment, datetime):
            moment = moment.astimezone(UTC)
        return cls(moment.year, moment.month)

    @classmethod
    def from_name(cls, name: str) -> MonthPartition | None:
        prefix = f"{TABLE}_p"
        tail = name.removeprefix(prefix)
        if tail == name or len(tail) != 6 or not tail.isdigit():
            return None
        return cls(int(tail[:4]), int(tail[4:]))

    def create_sql(self) -> str:
        return (
            f'CREATE TABLE IF NOT EXISTS "{self.name}" PARTITION OF "{TABLE}" '
            f"FOR VALUES FROM ('{self.start.isoformat()}') TO ('{self.end.isoformat()}')"
        )

    def drop_sql(self) -> str:
        return f'DROP TABLE IF EXISTS "{self.name}"'


def partition_plan(
    existing: list[str], now: datetime, *, months_ahead: int, retention_days: int
) -> tuple[list[MonthPartition], list[MonthPartition]]:
    """Return (to create, to drop): months from the retention horizon's month to
    ``months_ahead`` after now's are kept; a month ending before the horizon is dropped."""
    horizon = now - timedelta(days=retention_days)
    have = {p for p in (MonthPartition.from_name(n) for n in existing) if p is not None}
    wanted = []
    month = MonthPartition.holding(horizon)
    last = MonthPartition.holding(now)
    for _ in range(months_ahead):
        last = last.next()
    while (month.year, month.month) <= (last.year, last.month):
        wanted.append(month)
        month = month.next()
    create = [m for m in wanted if m not in have]
    drop = sorted((m for m in have if m.end <= horizon), key=lambda m: (m.year, m.month))
    return create, drop
