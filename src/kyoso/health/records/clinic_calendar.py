"""A clinic's calendar: opening hours per weekday, 休診日, Japanese public holidays, and slots.

Japanese public holidays come from the maintained ``holidays`` library (振替休日 and 国民の休日
included), so the calendar follows the law's changes with a library update, not a code change.
Times are local (Asia/Tokyo); the caller converts to UTC for storage.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

TOKYO = ZoneInfo("Asia/Tokyo")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@lru_cache(maxsize=64)
def _japan(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("JP", years=year, language="ja")


def holiday_name(day: date) -> str | None:
    """Return the name of the Japanese public holiday on ``day`` (e.g. 文化の日), or None."""
    name = _japan(day.year).get(day)
    return str(name) if name else None


@dataclass(frozen=True)
class Session:
    """One block of opening hours, e.g. 09:00–12:00."""

    start: time
    end: time


@dataclass(frozen=True)
class ClinicCalendar:
    # weekday name ("mon") -> sessions; a missing weekday is a regular 休診日
    hours: dict[str, tuple[Session, ...]]
    slot_minutes: int = 15
    closed_dates: frozenset[date] = field(default_factory=frozenset)
    open_on_holidays: bool = False

    def closed_reason(self, day: date) -> str | None:
        """Return why the clinic is closed on ``day`` (休診日, holiday name), or None if open."""
        if day in self.closed_dates:
            return "休診日"
        if not self.open_on_holidays and (name := holiday_name(day)):
            return name
        if not self.hours.get(WEEKDAYS[day.weekday()]):
            return "休診日"
        return None

    def slots_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """Return the (start, end) local times of every slot on ``day``; empty when closed."""
        if self.closed_reason(day) is not None:
            return []
        step = timedelta(minutes=self.slot_minutes)
        out: list[tuple[datetime, datetime]] = []
        for session in self.hours[WEEKDAYS[day.weekday()]]:
            start = datetime.combine(day, session.start, tzinfo=TOKYO)
            end = datetime.combine(day, session.end, tzinfo=TOKYO)
            while start + step <= end:
                out.append((start, start + step))
                start += step
        return out

    def slots_between(self, first: date, last: date) -> Iterator[tuple[datetime, datetime]]:
        day = first
        while day <= last:
            yield from self.slots_on(day)
            day += timedelta(days=1)


def parse_hours(spec: Mapping[str, Iterable[str]]) -> dict[str, tuple[Session, ...]]:
    """Return opening hours from ``{"mon": ["09:00-12:00", "14:00-17:30"], …}``.

    Raises ValueError naming the weekday on a malformed or overlapping session.
    """
    out: dict[str, tuple[Session, ...]] = {}
    for weekday, blocks in spec.items():
        if weekday not in WEEKDAYS:
            raise ValueError(f"hours.{weekday}: unknown weekday")
        sessions = []
        for block in blocks:
            try:
                a, b = block.split("-")
                session = Session(time.fromisoformat(a.strip()), time.fromisoformat(b.strip()))
            except ValueError as exc:
                raise ValueError(f"hours.{weekday}: {block!r} is not HH:MM-HH:MM") from exc
            if session.end <= session.start:
                raise ValueError(f"hours.{weekday}: {block!r} ends before it starts")
            sessions.append(session)
        sessions.sort(key=lambda s: s.start)
        for before, after in itertools.pairwise(sessions):
            if after.start < before.end:
                raise ValueError(f"hours.{weekday}: sessions overlap")
        if sessions:
            out[weekday] = tuple(sessions)
    return out
