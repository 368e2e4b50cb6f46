"""KPI providers fed by sensor rollups (registered in ``DatahubConfig.ready``)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from kyoso.core.models import City
from kyoso.datahub.models import Rollup

# Japan's environmental quality standard for PM2.5: a daily mean of 35 µg/m³.
PM25_DAILY_STANDARD = 35.0


def pm25_days_over_standard_by_year(city: City, kpi: Any = None) -> list[tuple[int, int]]:
    """Days a year on which any station's daily mean PM2.5 exceeded 35 µg/m³."""
    tz = ZoneInfo(city.time_zone)
    days: dict[int, set[str]] = defaultdict(set)
    years: set[int] = set()
    for bucket, count, total in Rollup.objects.filter(
        city=city, period="day", prop__name="pm25"
    ).values_list("bucket", "count", "total"):
        local = bucket.astimezone(tz)
        years.add(local.year)
        if count and total / count > PM25_DAILY_STANDARD:
            days[local.year].add(local.date().isoformat())
    return [(year, len(days[year])) for year in sorted(years)]


def ev_charger_utilisation_by_year(city: City, kpi: Any = None) -> list[tuple[int, Decimal]]:
    """Mean share (%) of EV charging spots occupied, over every charger's readings of the year."""
    tz = ZoneInfo(city.time_zone)
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for bucket, count, total, capacity in Rollup.objects.filter(
        city=city, period="day", prop__name="occupiedSpots", prop__max_value__gt=0
    ).values_list("bucket", "count", "total", "prop__max_value"):
        year = bucket.astimezone(tz).year
        sums[year][0] += total / (capacity or 1)
        sums[year][1] += count
    return [
        (year, Decimal(f"{100 * used / n:.1f}")) for year, (used, n) in sorted(sums.items()) if n
    ]
