"""Local PV (地産地消) for a company's sites and for the city's consenting companies."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from kyoso.core.models import City
from kyoso.green.accounting import solar
from kyoso.green.accounting.units import convert
from kyoso.green.models import Activity, Category, Company, Site, WeatherFile
from kyoso.green.selectors.access import aggregate_ids

# Clear sky overstates a cloudy climate; 0.6 brings clear-sky output close to the ~1,200–1,300
# kWh/kW a year measured in Ibaraki. Used only while the city has no weather file.
CLEARNESS = 0.6
M2_PER_KW = 6.7
GRID_FACTOR = 0.000423  # 全国平均係数 (location-based), R6年度実績 list


@lru_cache(maxsize=8)
def _clear_sky_per_kw(lat: float, lon: float, year: int) -> np.ndarray:
    weather = solar.clear_sky_weather(lat, lon, year, CLEARNESS)
    return solar.hourly_ac_kw(solar.PvArray(1.0), weather, lat, lon)


@lru_cache(maxsize=8)
def _file_per_kw(file_id: int, lat: float, lon: float, year: int) -> np.ndarray:
    from kyoso.green.accounting.weather import read_weather, weather_for_year

    data = WeatherFile.objects.values_list("data", flat=True).get(pk=file_id)
    keyed, _meta = read_weather(bytes(data))
    weather = weather_for_year(keyed, solar.year_hours(year))
    return solar.hourly_ac_kw(solar.PvArray(1.0), weather, lat, lon)


def weather_file_of(city: City) -> WeatherFile | None:
    """Return the city's newest weather file (without its data), or None: clear sky then."""
    return WeatherFile.objects.filter(city=city).defer("data").first()


def _per_kw(city: City, lat: float, lon: float, year: int) -> np.ndarray:
    """Return the hourly AC output of 1 kW of panels: from the city's file, else clear sky."""
    wf = weather_file_of(city)
    if wf is not None:
        return _file_per_kw(wf.pk, lat, lon, year)
    return _clear_sky_per_kw(lat, lon, year)


def _monthly_kwh(sites: list[Site], year_start: int) -> dict[int, list[float]]:
    """Return each site's 12 monthly kWh (April–March of ``year_start``, as Jan–Dec order)."""
    out: dict[int, list[float]] = defaultdict(lambda: [0.0] * 12)
    for site_id, month, qty, unit in Activity.objects.filter(
        site__in=sites,
        category=Category.ELECTRICITY,
        month__gte=f"{year_start}-04-01",
        month__lt=f"{year_start + 1}-04-01",
    ).values_list("site_id", "month", "quantity", "unit"):
        out[site_id][month.month - 1] += convert(float(qty), unit, "kWh")
    return out


@dataclass
class SiteSolar:
    site: Site
    kw: float
    result: solar.SelfUse
    co2_avoided_t: float


def _latest_fy(company_ids: list[int]) -> int | None:
    m = (
        Activity.objects.filter(company_id__in=company_ids)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    return None if m is None else (m.year if m.month >= 4 else m.year - 1)


def company_solar(company: Company) -> list[SiteSolar]:
    """Return the rooftop PV each site could host, with self-consumption against its demand."""
    fy = _latest_fy([company.pk])
    sites = [s for s in company.sites.all() if s.roof_area_m2 > 0]
    if fy is None or not sites:
        return []
    monthly = _monthly_kwh(sites, fy)
    out = []
    for s in sites:
        lat, lon = s.lat or company.city.center_lat, s.lon or company.city.center_lon
        kw = s.roof_area_m2 / M2_PER_KW
        gen = _per_kw(company.city, round(lat, 2), round(lon, 2), fy) * kw
        demand = solar.demand_from_monthly(monthly[s.pk], fy)
        r = solar.self_use(gen, demand)
        out.append(SiteSolar(s, kw, r, r.self_consumed_kwh * GRID_FACTOR))
    return out


def city_local_supply(city: City) -> dict[str, object] | None:
    """Return the local-supply scenario: rooftop PV on consenting companies' sites plus the
    city's mega-solar (``green.mega_solar_kw`` rule, 2 MW by default), matched hour by hour."""
    ids = list(aggregate_ids(city))
    fy = _latest_fy(ids)
    sites = list(Site.objects.filter(city=city, company_id__in=ids))
    if fy is None or not sites:
        return None
    per_kw = _per_kw(city, round(city.center_lat, 2), round(city.center_lon, 2), fy)
    monthly = _monthly_kwh(sites, fy)
    gen = [per_kw * (s.roof_area_m2 / M2_PER_KW) for s in sites]
    dem = [solar.demand_from_monthly(monthly[s.pk], fy) for s in sites]
    plant_kw = float(city.rule("green.mega_solar_kw", 2000))
    result = solar.local_supply(gen, dem, GRID_FACTOR, extra_plant=per_kw * plant_kw)
    on_site = sum(solar.self_use(g, d).self_consumed_kwh for g, d in zip(gen, dem, strict=True))
    demand_total = float(sum(d.sum() for d in dem))
    return {
        "fy": fy,
        "sites": len(sites),
        "plant_kw": plant_kw,
        "result": result,
        "on_site_kwh": on_site,
        "demand_kwh": demand_total,
        "self_sufficiency": (on_site + result.matched_kwh) / demand_total if demand_total else 0.0,
    }
