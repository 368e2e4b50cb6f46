from __future__ import annotations

import pytest

from kyoso.core.services import system_actor
from kyoso.datahub.services import device_credential_issue, device_register
from kyoso.datahub.services.devices import PropertySpec


@pytest.fixture
def air_device(city):  # type: ignore[no-untyped-def]
    return device_register(
        actor=system_actor(),
        city=city,
        key="air-1",
        name="大みか 大気",
        entity_type="AirQualityObserved",
        lat=36.58,
        lon=140.64,
        properties=[
            PropertySpec("pm25", "µg/m3", 0, 500),
            PropertySpec("no2", "ppm", 0, 2),
        ],
    )


@pytest.fixture
def air_token(city, air_device):  # type: ignore[no-untyped-def]
    return device_credential_issue(actor=system_actor(), city=city, device=air_device)[1]
