"""GTFS service days: a wall-clock instant as (service date, seconds since that day's midnight).

GTFS times count from "noon minus 12 h" of the service day and pass 24:00:00 for trips running
after midnight, so 00:30 today is also 24:30 of yesterday's service; Japan has no DST, so the
local midnight is the reference.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def local_now(now: datetime, tz: str = "Asia/Tokyo") -> datetime:
    return now.astimezone(ZoneInfo(tz))


def service_seconds(now: datetime, tz: str = "Asia/Tokyo") -> tuple[date, int]:
    """Return today's service date and the seconds since its local midnight."""
    local = local_now(now, tz)
    return local.date(), local.hour * 3600 + local.minute * 60 + local.second


def instant(day: date, seconds: int, tz: str = "Asia/Tokyo") -> datetime:
    """Return the aware instant ``seconds`` after the local midnight of service day ``day``."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(tz)) + timedelta(seconds=seconds)


def hhmm(seconds: int) -> str:
    """Return a GTFS time as H:MM on a 24-hour clock (25:10 is shown as 1:10)."""
    seconds %= 86400
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}"
