"""Demand against supply per route and hour, and the KPI providers built on it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from kyoso.core.models import City
from kyoso.mobility.models import (
    RealtimeTripUpdate,
    Route,
    Trip,
)
from kyoso.mobility.selectors.stops import active_feeds, service_ids_on


@dataclass(frozen=True, slots=True)
class SupplyDemandRow:
    route_id: str
    route_name: str
    hour: int
    trips: int
    seats: int
    riders: float  # mean boardings per day in the period
    load: float | None  # riders / seats

    @property
    def state(self) -> str:
        if self.load is None:
            return ""
        if self.load >= 0.9:
            return "over"
        if self.load <= 0.15:
            return "empty"
        return "ok"


def supply_demand(
    city: City, *, start: date, end: date, capacity: int = 60
) -> list[SupplyDemandRow]:
    """Return per route and hour the seats offered on weekdays and the mean riders per day.

    Seats: trips leaving their first stop in that hour on a weekday of the active feeds times
    ``capacity``; riders: boardings from the ridership records averaged over days with data.
    """
    from django.db.models import Count, Sum

    from kyoso.mobility.models import RidershipRecord

    feeds = active_feeds(city)
    supply: dict[tuple[str, int], int] = defaultdict(int)
    names: dict[str, str] = {}
    for feed in feeds:
        day = start
        while day.weekday() >= 5 and day < end:
            day += timedelta(days=1)
        services = service_ids_on(feed.pk, day)
        for route in Route.objects.filter(feed=feed):
            names[route.route_id] = route.display_name
        for route_id, first in Trip.objects.filter(feed=feed, service_id__in=services).values_list(
            "route__route_id", "first_departure"
        ):
            supply[(route_id, first // 3600)] += 1
    riders_qs = (
        RidershipRecord.objects.filter(city=city, date__gte=start, date__lte=end)
        .values("route_id", "hour")
        .annotate(total=Sum("boardings"), days=Count("date", distinct=True))
    )
    riders = {(r["route_id"], r["hour"]): r["total"] / max(r["days"], 1) for r in riders_qs}
    rows = []
    for key in sorted(set(supply) | set(riders)):
        trips = supply.get(key, 0)
        seats = trips * capacity
        demand = riders.get(key, 0.0)
        rows.append(
            SupplyDemandRow(
                key[0],
                names.get(key[0], key[0]),
                key[1],
                trips,
                seats,
                round(demand, 1),
                round(demand / seats, 2) if seats else None,
            )
        )
    return rows


def ridership_by_year(city: City, kpi: object = None) -> list[tuple[int, int]]:
    """Return (year, boardings) from the ridership records: a KPI provider."""
    from django.db.models import Sum
    from django.db.models.functions import ExtractYear

    from kyoso.mobility.models import RidershipRecord

    rows = (
        RidershipRecord.objects.filter(city=city)
        .annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(total=Sum("boardings"))
        .order_by("year")
    )
    return [(int(r["year"]), int(r["total"] or 0)) for r in rows]


def punctuality_now(city: City, kpi: object = None) -> list[tuple[int, float]]:
    """Return [(this year, % of tracked trips under 3 minutes late)] from live trip updates."""
    now = timezone.now()
    delays = [
        d or 0
        for d in RealtimeTripUpdate.objects.filter(city=city, expires_at__gt=now).values_list(
            "delay", flat=True
        )
    ]
    if not delays:
        return []
    on_time = sum(1 for d in delays if d < 180)
    return [(timezone.localdate().year, round(100 * on_time / len(delays), 1))]
