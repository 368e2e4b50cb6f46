"""Level of service by district, from the city's merged network: the share of residents near a
frequent stop (all and 65+), and the trip to the main hospital at 10:00 on a weekday.

These are the mobility theme's KPIs (registered as providers), so the vision's targets move
when service changes. The rules are stated on the page and in :class:`AccessRules`; a city
changes them in ``City.rules["accessibility"]`` (e.g. ``{"radius_m": 500}``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.utils import timezone

from kyoso.core.models import City, District
from kyoso.mobility.models import Facility, Stop
from kyoso.mobility.selectors.transit_network import active_feeds, city_network

# A trip that takes longer than this (or finds no way) counts as this long in the city's mean,
# so making a district reachable at all lowers the KPI.
CAP_MINUTES = 120.0


@dataclass(frozen=True, slots=True)
class AccessRules:
    """How "near a frequent stop" and "the trip to the hospital" are measured."""

    radius_m: float = 300.0  # a bus stop's catchment in 国交省's 交通空白 guidance (300–500 m)
    per_hour: float = 2.0  # frequent: at least this many departures an hour on average …
    window: tuple[int, int] = (7, 19)  # … between these hours of a weekday
    depart_hour: int = 10  # the hospital trip leaves home at 10:00
    spacing_m: float = 400.0  # residents' points: a grid this fine over each district
    walk_speed_mps: float = 1.2
    max_access_m: float = 800.0
    destination: str = ""  # a Facility code; empty: the city's first hospital

    @classmethod
    def of(cls, city: City) -> AccessRules:
        given = (city.rules or {}).get("accessibility", {})
        known = {k: v for k, v in given.items() if k in cls.__dataclass_fields__}
        if "window" in known:
            known["window"] = tuple(known["window"])
        return replace(cls(), **known)


@dataclass(frozen=True, slots=True)
class DistrictAccess:
    district: District
    population: int
    aged_65_plus: int
    near_frequent: float  # share 0–1 of residents near a frequent stop
    minutes: float | None  # population-weighted mean minutes to the destination (capped)
    reachable: float  # share 0–1 of residents who reach it within CAP_MINUTES


@dataclass(frozen=True, slots=True)
class AccessReport:
    day: date
    rules: AccessRules
    destination: Facility | None
    rows: list[DistrictAccess] = field(default_factory=list)
    near_frequent: float = 0.0
    near_frequent_65: float = 0.0
    minutes: float | None = None


def _next_weekday(today: date) -> date:
    day = today
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def destination_of(city: City, rules: AccessRules) -> Facility | None:
    found = Facility.objects.filter(city=city)
    if rules.destination:
        return found.filter(code=rules.destination).first()
    return found.filter(kind="hospital", lat__isnull=False).order_by("pk").first()


def accessibility_report(city: City, day: date | None = None) -> AccessReport:
    """Return the level of service by district on ``day`` (the next weekday by default)."""
    rules = AccessRules.of(city)
    if day is None:
        day = _next_weekday(timezone.localtime(timezone=ZoneInfo(city.time_zone)).date())
    facility = destination_of(city, rules)
    parts = f"{active_feeds(city)}:{day}:{rules}:{facility and facility.pk}"
    key = f"mobility.access:{city.pk}:{hashlib.sha256(parts.encode()).hexdigest()[:32]}"
    cached = cache.get(key)
    if cached is None:
        cached = _compute(city, day, rules, facility)
        cache.set(key, cached, 3600)
    districts = {d.pk: d for d in District.objects.filter(city=city)}
    rows = [
        DistrictAccess(districts[pk], *values) for pk, *values in cached["rows"] if pk in districts
    ]
    return AccessReport(day, rules, facility, rows, *cached["totals"])


def _compute(
    city: City, day: date, rules: AccessRules, facility: Facility | None
) -> dict[str, Any]:
    import numpy as np

    from kyoso.mobility.algorithms import accessibility as acc
    from kyoso.mobility.algorithms.raptor import Raptor

    net = city_network(city, day)
    tt = net.network.timetable
    coords = {
        pk: (lat, lon)
        for pk, lat, lon in Stop.objects.filter(pk__in=net.pks).values_list("pk", "lat", "lon")
    }
    nan = (float("nan"), float("nan"))
    stop_lat = np.array([coords.get(pk, nan)[0] or np.nan for pk in net.pks], dtype=np.float64)
    stop_lon = np.array([coords.get(pk, nan)[1] or np.nan for pk in net.pks], dtype=np.float64)
    start, end = rules.window[0] * 3600, rules.window[1] * 3600
    frequent = acc.departures_per_stop(tt, start, end) >= rules.per_hour * (
        rules.window[1] - rules.window[0]
    )
    targets: dict[int, int] = {}
    if facility is not None and facility.lat is not None and facility.lon is not None:
        near = acc.haversine_m(facility.lat, facility.lon, stop_lat, stop_lon) * acc.WALK_DETOUR
        for i in np.flatnonzero(near <= 500.0):
            targets[int(i)] = int(np.ceil(near[i] / rules.walk_speed_mps))
    router = Raptor(tt, max_rounds=5)
    rows, flags, flags_65, weights, weights_65, minutes = [], [], [], [], [], []
    for d in District.objects.filter(city=city).order_by("sort_order", "code"):
        population = int(d.population or 0)
        share_65 = float(d.aged_65_plus_percent or 0) / 100.0
        points = acc.district_points(
            d.outline or {}, (d.center_lat, d.center_lon), population, rules.spacing_m
        )
        near_flags = acc.covered(points, stop_lat, stop_lon, frequent, rules.radius_m)
        flags.append(near_flags)
        weights.append(points.weight)
        flags_65.append(near_flags)
        weights_65.append(points.weight * share_65)
        near_share = float(near_flags.mean()) if len(near_flags) else 0.0
        mean_minutes = None
        reachable = 0.0
        if targets:
            times = acc.travel_times(
                router, points, stop_lat, stop_lon, targets, (facility.lat, facility.lon),  # type: ignore[union-attr,arg-type]
                rules.depart_hour * 3600, walk_speed_mps=rules.walk_speed_mps,
                max_access_m=rules.max_access_m,
            )  # fmt: skip
            capped = np.minimum(times, CAP_MINUTES)
            mean_minutes = round(float(capped.mean()), 1)
            reachable = float((times <= CAP_MINUTES).mean())
            minutes.append((capped, points.weight))
        rows.append(
            (d.pk, population, round(population * share_65), round(near_share, 4), mean_minutes,
             round(reachable, 4))
        )  # fmt: skip
    city_minutes = None
    if minutes:
        total = sum(w * len(m) for m, w in minutes)
        city_minutes = (
            round(sum(w * float(m.sum()) for m, w in minutes) / total, 1) if total else None
        )
    totals = (
        round(acc.weighted_share(flags, weights), 4),
        round(acc.weighted_share(flags_65, weights_65), 4),
        city_minutes,
    )
    return {"rows": rows, "totals": totals}


def frequent_transit_share(city: City, kpi: object = None) -> list[tuple[int, float]]:
    """KPI provider: [(this year, % of residents within the radius of a frequent stop)]."""
    report = accessibility_report(city)
    return [(report.day.year, round(report.near_frequent * 100, 1))] if report.rows else []


def frequent_transit_share_65(city: City, kpi: object = None) -> list[tuple[int, float]]:
    """KPI provider: the same share among residents aged 65 and over."""
    report = accessibility_report(city)
    return [(report.day.year, round(report.near_frequent_65 * 100, 1))] if report.rows else []


def hospital_minutes(city: City, kpi: object = None) -> list[tuple[int, float]]:
    """KPI provider: [(this year, residents' mean minutes to the hospital at 10:00, capped)]."""
    report = accessibility_report(city)
    return [(report.day.year, report.minutes)] if report.minutes is not None else []
