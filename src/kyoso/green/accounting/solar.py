"""Local renewables (地産地消): hourly PV output with pvlib, matched against sites' demand.

Irradiance comes from the city's hourly file (GHI/DNI/DHI and air temperature, e.g. columns of
an EPW) or, without one, from pvlib's clear-sky model at the city's coordinates scaled by a
clearness factor (clear sky overstates a cloudy climate, so the factor is stated on the page).
The chain is pvlib's: solar position → transposition to the module plane (Hay–Davies) → cell
temperature (SAPM, open rack) → PVWatts DC → PVWatts inverter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pvlib


@dataclass(frozen=True)
class PvArray:
    kw_dc: float
    tilt: float = 20.0
    azimuth: float = 180.0  # south
    gamma_pdc: float = -0.004  # per °C
    inverter_efficiency: float = 0.96
    dc_ac_ratio: float = 1.1
    losses: float = 0.10  # soiling, wiring, mismatch


def year_hours(year: int) -> pd.DatetimeIndex:
    return pd.date_range(f"{year}-01-01 00:30", f"{year}-12-31 23:30", freq="h", tz="Asia/Tokyo")


def clear_sky_weather(lat: float, lon: float, year: int, clearness: float = 1.0) -> pd.DataFrame:
    """Return hourly ghi/dni/dhi (W/m²) and temp_air for a year from the clear-sky model."""
    times = year_hours(year)
    loc = pvlib.location.Location(lat, lon, tz="Asia/Tokyo")
    cs = loc.get_clearsky(times, model="simplified_solis")
    month = times.month.to_numpy()
    # a smooth seasonal air temperature for Ibaraki's coast: 4 °C in January to 25 °C in August
    temp = 14.5 - 10.5 * np.cos(2 * np.pi * (month - 1.5) / 12)
    return pd.DataFrame(
        {
            "ghi": cs["ghi"] * clearness,
            "dni": cs["dni"] * clearness,
            "dhi": cs["dhi"] * clearness,
            "temp_air": temp,
            "wind_speed": 2.0,
        },
        index=times,
    )


def hourly_ac_kw(array: PvArray, weather: pd.DataFrame, lat: float, lon: float) -> np.ndarray:
    """Return the array's AC output (kW) for each hour of ``weather``."""
    loc = pvlib.location.Location(lat, lon, tz="Asia/Tokyo")
    sun = loc.get_solarposition(weather.index)
    extra = pvlib.irradiance.get_extra_radiation(weather.index)
    poa = pvlib.irradiance.get_total_irradiance(
        array.tilt,
        array.azimuth,
        sun["apparent_zenith"],
        sun["azimuth"],
        weather["dni"],
        weather["ghi"],
        weather["dhi"],
        dni_extra=extra,
        model="haydavies",
    )
    params = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]["open_rack_glass_polymer"]
    cell = pvlib.temperature.sapm_cell(
        poa["poa_global"], weather["temp_air"], weather.get("wind_speed", 1.0), **params
    )
    dc = pvlib.pvsystem.pvwatts_dc(poa["poa_global"].fillna(0), cell, array.kw_dc, array.gamma_pdc)
    dc = dc * (1 - array.losses)
    ac = pvlib.inverter.pvwatts(dc, array.kw_dc / array.dc_ac_ratio, array.inverter_efficiency)
    return np.clip(np.nan_to_num(np.asarray(ac, dtype=float)), 0, None)


def demand_from_monthly(monthly_kwh: list[float], year: int) -> np.ndarray:
    """Return an hourly profile (kWh) of a factory from its 12 monthly totals.

    80% of a month's use falls in weekday working hours (8–18), the rest spread evenly: a
    plain day-shift profile, used when the site has no hourly meter data.
    """
    times = year_hours(year)
    working = (times.dayofweek < 5) & (times.hour >= 8) & (times.hour < 18)
    out = np.zeros(len(times))
    for m in range(12):
        in_month = times.month == m + 1
        w = working & in_month
        out[w] += 0.8 * monthly_kwh[m] / max(1, w.sum())
        out[in_month] += 0.2 * monthly_kwh[m] / max(1, in_month.sum())
    return out


@dataclass(frozen=True)
class SelfUse:
    generation_kwh: float
    demand_kwh: float
    self_consumed_kwh: float
    surplus_kwh: float
    self_consumption_rate: float  # share of generation used on site
    self_sufficiency_rate: float  # share of demand met by the site's PV


def self_use(generation: np.ndarray, demand: np.ndarray) -> SelfUse:
    used = np.minimum(generation, demand)
    g, d, u = float(generation.sum()), float(demand.sum()), float(used.sum())
    return SelfUse(g, d, u, g - u, u / g if g else 0.0, u / d if d else 0.0)


@dataclass(frozen=True)
class LocalSupply:
    surplus_kwh: float
    deficit_kwh: float
    matched_kwh: float  # surplus of some sites (and the city's plant) used by others, hour by hour
    co2_avoided_t: float  # (self-consumed + matched) × grid factor


def local_supply(
    generation: list[np.ndarray],
    demand: list[np.ndarray],
    grid_factor: float,
    extra_plant: np.ndarray | None = None,
) -> LocalSupply:
    """Return the hour-by-hour pooling of all sites' surpluses against all sites' shortfalls."""
    gen = np.vstack(generation)
    dem = np.vstack(demand)
    used = np.minimum(gen, dem)
    surplus = (gen - used).sum(axis=0)
    if extra_plant is not None:
        surplus = surplus + extra_plant
    deficit = (dem - used).sum(axis=0)
    matched = np.minimum(surplus, deficit)
    avoided = (float(used.sum()) + float(matched.sum())) * grid_factor
    return LocalSupply(float(surplus.sum()), float(deficit.sum()), float(matched.sum()), avoided)
