from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from kyoso.datahub.services import readings_ingest
from kyoso.datahub.wire import Observation


@pytest.mark.django_db
def test_sensor_page_and_map_points(city, air_device) -> None:  # type: ignore[no-untyped-def]
    readings_ingest(
        city=city,
        device=air_device,
        observations=[Observation("pm25", datetime(2026, 12, 3, tzinfo=UTC), 12.25)],
    )
    client = Client()
    page = client.get(f"/{city.slug}/datahub/")
    assert page.status_code == 200
    assert "大みか 大気" in page.content.decode() and "12.25" in page.content.decode()
    points = client.get(f"/{city.slug}/datahub/sensors.geojson").json()
    (feature,) = points["features"]
    assert feature["geometry"]["coordinates"] == [140.64, 36.58]
    assert "pm25 12.25" in feature["properties"]["description"]
