"""PV from the city's own hourly weather file (EPW or CSV, a staff upload), else clear sky."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from django.test import Client

from kyoso.core.errors import DomainError, PermissionDeniedError
from kyoso.green import services
from kyoso.green.accounting import solar
from kyoso.green.accounting.weather import read_weather, weather_for_year
from kyoso.green.selectors.solar import company_solar

pytestmark = pytest.mark.django_db

LAT, LON = 36.59, 140.65
HEADER = (
    "LOCATION,Hitachi,Ibaraki,JPN,Kyoso test,000000,{lat},{lon},9.0,30.0\n"
    "DESIGN CONDITIONS,0\nTYPICAL/EXTREME PERIODS,0\nGROUND TEMPERATURES,0\n"
    "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0\nCOMMENTS 1,written by the test\nCOMMENTS 2,\n"
    "DATA PERIODS,1,1,Data,Sunday, 1/ 1,12/31\n"
)


def _sky(clearness: float) -> pd.DataFrame:
    """A year of hours at :30 (as the PV model uses) from the clear-sky model, rounded."""
    w = solar.clear_sky_weather(LAT, LON, 2025, clearness)
    return w.round(1)


def epw(clearness: float, hours: int = 8760) -> bytes:
    """Return an EPW whose hour h (1..24, the hour ending at h) holds the sky at (h-1):30."""
    w = _sky(clearness)
    lines = [HEADER.format(lat=LAT, lon=LON)]
    for t, r in list(w.iterrows())[:hours]:
        fields = [
            2025,
            t.month,
            t.day,
            t.hour + 1,
            0,
            "?9?9?9?9E0?9?9?9?9?9?9?9?9?9?9?9?9?9?9?9*9*9?9?9?9",
        ]
        fields += [r.temp_air, 5.0, 70, 101300, 0, 0, 300, r.ghi, r.dni, r.dhi]
        fields += [
            0,
            0,
            0,
            0,
            180,
            r.wind_speed,
            5,
            5,
            20.0,
            77777,
            9,
            999999999,
            0,
            0.1,
            0,
            88,
            0.2,
            0,
            0,
        ]
        lines.append(",".join(str(f) for f in fields) + "\n")
    return "".join(lines).encode()


def test_epw_hours_land_on_the_model_hours() -> None:
    keyed, meta = read_weather(epw(0.5))
    assert meta["kind"] == "epw" and meta["lat"] == LAT
    laid = weather_for_year(keyed, solar.year_hours(2025))
    expected = _sky(0.5)
    assert np.allclose(laid["ghi"].to_numpy(), expected["ghi"].to_numpy())
    # 2028 is a leap year: 29 February borrows the 28th, nothing is missing.
    leap = weather_for_year(keyed, solar.year_hours(2028))
    assert len(leap) == 8784 and not leap["ghi"].isna().any()


def test_csv_and_broken_files() -> None:
    w = _sky(0.4)
    csv = "time,ghi,dni,dhi,temp_air\n" + "".join(
        f"{t:%Y-%m-%d %H:%M},{r.ghi},{r.dni},{r.dhi},{r.temp_air}\n" for t, r in w.iterrows()
    )
    keyed, meta = read_weather(csv.encode())
    assert meta["kind"] == "csv" and len(keyed) == 8760
    from kyoso.green.accounting.weather import WeatherFileError

    with pytest.raises(WeatherFileError):
        read_weather(epw(0.5, hours=100))
    with pytest.raises(WeatherFileError):
        read_weather(b"time,ghi\n2025-01-01 00:00,0\n")


def test_pv_follows_the_city_file(company, business, city, staff, citizen) -> None:  # type: ignore[no-untyped-def]
    site = company.sites.get()
    site.roof_area_m2 = 670  # 100 kW
    site.save()
    for m in (4, 5, 6):
        services.activity_record(
            actor=business,
            company=company,
            inp=services.ActivityInput(
                site.pk, date(2025, m, 1), "electricity", Decimal(30000), "kWh", "A0269"
            ),
        )
    clear = company_solar(company)[0].result.generation_kwh  # clear sky × 0.6, no file yet
    with pytest.raises(PermissionDeniedError):
        services.weather_file_upload(
            actor=citizen, city=city, name="x.epw", data=epw(0.3), source="test"
        )
    with pytest.raises(DomainError) as err:
        services.weather_file_upload(
            actor=staff, city=city, name="x.epw", data=epw(0.3, hours=500), source="test"
        )
    assert err.value.field == "file"

    c = Client()
    c.force_login(staff)
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = c.post(
        "/hitachi/green/staff/weather/",
        {"file": SimpleUploadedFile("hitachi.epw", epw(0.3)), "source": "テスト用の気象データ"},
    )
    assert r.status_code == 302
    page = c.get("/hitachi/green/staff/weather/").content.decode()
    assert "hitachi.epw" in page and "テスト用の気象データ" in page

    # The same pvlib chain on the file's own hours gives the page's figure.
    weather = _sky(0.3)
    weather.index = solar.year_hours(2025)
    per_kw = solar.hourly_ac_kw(solar.PvArray(1.0), weather, LAT, LON)
    got = company_solar(company)[0]
    assert got.result.generation_kwh == pytest.approx(float(per_kw.sum()) * got.kw, rel=1e-9)
    # A cloudier year than the clear-sky fallback's 0.6 makes less power, roughly in proportion.
    assert 0.4 < got.result.generation_kwh / clear < 0.6

    plan = Client()
    plan.force_login(business)
    text = plan.get(f"/hitachi/green/companies/{company.pk}/plan/").content.decode()
    assert "hitachi.epw" in text
