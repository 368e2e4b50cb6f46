"""Headway proposals from ridership and the weekday timetable (issue 15 §4).

Per route and period: riders an hour (ridership records averaged over the days with data),
today's trips an hour in the busier direction, and the route's cycle (the mean trip time of each
direction, plus 10% layover). ``algorithms.headways.propose`` then chooses the headways; the
draft is downloadable as a GTFS ``frequencies.txt`` over template trips.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from kyoso.core.models import City
from kyoso.mobility.algorithms.headways import PERIODS, Demand, Proposal, propose
from kyoso.mobility.models import Route, Trip
from kyoso.mobility.selectors.stops import active_feeds, service_ids_on

LAYOVER = 1.1


@dataclass(frozen=True, slots=True)
class HeadwayPlan:
    proposal: Proposal
    route_names: dict[str, str]
    # (route_id, period name) -> [(trip_id, direction)] of today's first trips in that period
    templates: dict[tuple[str, str], list[str]]


def headway_plan(city: City, *, start: date, end: date, capacity: int = 60) -> HeadwayPlan:
    """Return the proposed headways for weekdays, from ridership between ``start`` and ``end``."""
    from django.db.models import Count, Sum

    from kyoso.mobility.models import RidershipRecord

    trips: dict[tuple[str, str, int | None], int] = defaultdict(int)
    durations: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    templates: dict[tuple[str, str], list[str]] = defaultdict(list)
    names: dict[str, str] = {}
    period_of = {h: p for p in PERIODS for h in range(p.start_hour, p.end_hour)}
    for feed in active_feeds(city):
        day = start
        while day.weekday() >= 5:
            day += timedelta(days=1)
        services = service_ids_on(feed.pk, day)
        for route in Route.objects.filter(feed=feed):
            names[route.route_id] = route.display_name
        rows = (
            Trip.objects.filter(feed=feed, service_id__in=services)
            .order_by("first_departure")
            .values_list(
                "route__route_id", "trip_id", "direction_id", "first_departure", "last_arrival"
            )
        )
        for route_id, trip_id, direction, first, last in rows:
            durations[(route_id, direction)].append(max(0, last - first))
            period = period_of.get(first // 3600)
            if period is None:
                continue
            if trips[(route_id, period.name, direction)] == 0:
                templates[(route_id, period.name)].append(trip_id)
            trips[(route_id, period.name, direction)] += 1
    cycle: dict[str, float] = {}
    for (route_id, _direction), values in durations.items():
        mean = sum(values) / len(values) / 60.0
        cycle[route_id] = cycle.get(route_id, 0.0) + mean * LAYOVER
    directions = {d for (_r, d) in durations}
    for route_id in list(cycle):
        if len([1 for (r, _d) in durations if r == route_id]) == 1:
            cycle[route_id] *= 2  # one direction in the feed: the vehicle comes back empty
    riders_qs = (
        RidershipRecord.objects.filter(city=city, date__gte=start, date__lte=end)
        .values("route_id", "hour")
        .annotate(total=Sum("boardings"), days=Count("date", distinct=True))
    )
    riders: dict[tuple[str, str], float] = defaultdict(float)
    for r in riders_qs:
        period = period_of.get(r["hour"])
        if period is not None:
            riders[(r["route_id"], period.name)] += r["total"] / max(r["days"], 1) / period.hours
    demands = []
    for p in PERIODS:
        for route_id in sorted(cycle):
            per_direction = max(
                (trips.get((route_id, p.name, d), 0) for d in directions), default=0
            )
            if per_direction == 0:
                continue
            demands.append(
                Demand(route_id, p, round(riders.get((route_id, p.name), 0.0), 2),
                       per_direction / p.hours, round(cycle[route_id], 1), capacity)
            )  # fmt: skip
    return HeadwayPlan(propose(demands), names, dict(templates))


def headway_frequencies_txt(plan: HeadwayPlan) -> str:
    """Return the proposal as GTFS ``frequencies.txt`` rows over today's first trip of each
    route, direction and period (``exact_times=0``: the operator promises the headway)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["trip_id", "start_time", "end_time", "headway_secs", "exact_times"])
    for choice in plan.proposal.choices:
        period = choice.demand.period
        for trip_id in plan.templates.get((choice.demand.route_id, period.name), []):
            writer.writerow([
                trip_id, f"{period.start_hour:02d}:00:00", f"{period.end_hour:02d}:00:00",
                round(3600 / choice.frequency), 0,
            ])  # fmt: skip
    return out.getvalue()
