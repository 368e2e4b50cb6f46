"""Tables voice contributes to the data hub's open-data catalogue (registered in ready())."""

from __future__ import annotations

from collections import Counter
from zoneinfo import ZoneInfo

from kyoso.core.models import City
from kyoso.core.registry import DataTable
from kyoso.voice.models import Report


def reports_by_district_table(city: City) -> DataTable:
    """Return problem reports counted per year, district and category (people-derived)."""
    tz = ZoneInfo(city.time_zone)
    counts: Counter[tuple[int, str, str]] = Counter()
    for requested_at, district, category in Report.objects.filter(city=city).values_list(
        "requested_at", "district__name_ja", "service__name_ja"
    ):
        counts[(requested_at.astimezone(tz).year, district or "", category)] += 1
    return DataTable(
        columns=("year", "district", "category", "reports"),
        rows=[(*key, n) for key, n in sorted(counts.items())],
        dimensions=("year", "district", "category"),
        count="reports",
    )
