from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from kyoso.core.services import system_actor
from kyoso.datahub.selectors.kpis import (
    ev_charger_utilisation_by_year,
    pm25_days_over_standard_by_year,
)
from kyoso.datahub.services import device_register, readings_ingest
from kyoso.datahub.services.devices import PropertySpec
from kyoso.datahub.wire import Observation
from kyoso.vision.kpi_providers import get_provider


@pytest.mark.django_db
def test_pm25_days_over_the_standard(city, air_device) -> None:  # type: ignore[no-untyped-def]
    day = datetime(2026, 7, 1, 3, tzinfo=UTC)  # noon in Tokyo
    obs = [Observation("pm25", day, 50), Observation("pm25", day + timedelta(hours=1), 30)]
    obs += [Observation("pm25", day + timedelta(days=1), 20)]  # below
    obs += [Observation("pm25", day + timedelta(days=2), 400)]  # above, within the range
    obs += [Observation("pm25", day + timedelta(days=3), 900)]  # above 500: flagged, not counted
    readings_ingest(city=city, device=air_device, observations=obs)
    assert pm25_days_over_standard_by_year(city) == [(2026, 2)]
    provider = get_provider("datahub.pm25_days_over_standard")
    assert provider is not None


@pytest.mark.django_db
def test_ev_charger_utilisation(city) -> None:  # type: ignore[no-untyped-def]
    ev = device_register(
        actor=system_actor(),
        city=city,
        key="ev-1",
        name="EV",
        properties=[PropertySpec("occupiedSpots", "", 0, 4)],
    )
    t = datetime(2026, 5, 1, tzinfo=UTC)
    readings_ingest(
        city=city,
        device=ev,
        observations=[
            Observation("occupiedSpots", t, 1),
            Observation("occupiedSpots", t + timedelta(hours=1), 3),
        ],
    )
    assert ev_charger_utilisation_by_year(city) == [(2026, Decimal("50.0"))]
