"""A city's hourly weather file (EPW or CSV) read into the frame the PV model takes.

An EPW (EnergyPlus weather, e.g. a typical meteorological year) is read with
``pvlib.iotools.read_epw``; a CSV has a header with ``time`` and ``ghi``, ``dni``, ``dhi``
(W/m²) and ``temp_air`` (°C), optionally ``wind_speed`` (m/s). Either must cover one year
hour by hour. Typical years mix source years, so rows are matched to the year being modelled
by month, day and hour (29 February borrows the 28th).
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

COLUMNS = ("ghi", "dni", "dhi", "temp_air", "wind_speed")


class WeatherFileError(ValueError):
    pass


def read_weather(data: bytes) -> tuple[pd.DataFrame, dict[str, object]]:
    """Return hourly ``COLUMNS`` keyed by (month, day, hour) and the file's metadata."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if text.startswith("LOCATION"):
        frame, meta = _read_epw(text)
    else:
        frame, meta = _read_csv(text)
    if len(frame) < 8760:
        raise WeatherFileError(f"The file has {len(frame)} hours; a whole year has 8,760.")
    if frame[["ghi", "dni", "dhi"]].isna().any().any():
        raise WeatherFileError("Some hours have no irradiance.")
    if (frame[["ghi", "dni", "dhi"]] < 0).any().any() or (frame["ghi"] > 1500).any():
        raise WeatherFileError("Irradiance must be between 0 and 1,500 W/m².")
    return frame, meta


def _read_epw(text: str) -> tuple[pd.DataFrame, dict[str, object]]:
    from pvlib.iotools import read_epw

    try:
        data, meta = read_epw(io.StringIO(text))
    except (ValueError, IndexError, KeyError) as exc:
        raise WeatherFileError(f"Not a readable EPW file: {exc}") from exc
    # EPW hours are 1..24, stamped at the end of each hour: pvlib shifts them to 0..23.
    keyed = pd.DataFrame(
        {c: data[c].to_numpy(dtype=float) for c in COLUMNS},
        index=pd.MultiIndex.from_arrays(
            [data.index.month, data.index.day, data.index.hour], names=["month", "day", "hour"]
        ),
    )
    return keyed[~keyed.index.duplicated()], {
        "kind": "epw",
        "place": str(meta.get("city", "")),
        "lat": float(meta["latitude"]),
        "lon": float(meta["longitude"]),
    }


def _read_csv(text: str) -> tuple[pd.DataFrame, dict[str, object]]:
    try:
        raw = pd.read_csv(io.StringIO(text))
    except (ValueError, pd.errors.ParserError) as exc:
        raise WeatherFileError(f"Not a readable CSV file: {exc}") from exc
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    missing = {"time", "ghi", "dni", "dhi", "temp_air"} - set(raw.columns)
    if missing:
        raise WeatherFileError("Columns missing: " + ", ".join(sorted(missing)))
    times = pd.to_datetime(raw["time"], errors="coerce")
    if times.isna().any():
        raise WeatherFileError("Write each time as 2025-04-01 13:00.")
    if "wind_speed" not in raw:
        raw["wind_speed"] = 1.0
    keyed = pd.DataFrame(
        {c: pd.to_numeric(raw[c], errors="coerce").to_numpy(dtype=float) for c in COLUMNS},
        index=pd.MultiIndex.from_arrays(
            [times.dt.month, times.dt.day, times.dt.hour], names=["month", "day", "hour"]
        ),
    )
    return keyed[~keyed.index.duplicated()], {"kind": "csv", "place": "", "lat": None, "lon": None}


def weather_for_year(keyed: pd.DataFrame, times: pd.DatetimeIndex) -> pd.DataFrame:
    """Return the file's hours laid on ``times`` (the PV model's hours of one year)."""
    day = np.where((times.month == 2) & (times.day == 29), 28, times.day)
    index = pd.MultiIndex.from_arrays([times.month, day, times.hour])
    out = keyed.reindex(index)
    if out[["ghi", "dni", "dhi"]].isna().any().any():
        raise WeatherFileError("The file does not cover every hour of the year.")
    out.index = times
    return out
