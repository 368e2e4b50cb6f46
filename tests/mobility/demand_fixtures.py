"""A demand-responsive zone for page and browser tests, built through the services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from kyoso.mobility.models import DemandService
from kyoso.mobility.services import demand_service_save, demand_vehicle_save

ZONE = {
    "type": "Polygon",
    "coordinates": [
        [[140.62, 36.57], [140.68, 36.57], [140.68, 36.63], [140.62, 36.63], [140.62, 36.57]]
    ],
}
PLACES = [
    {"name": "坂下集会所", "lat": 36.58, "lon": 140.63},
    {"name": "みなみ診療所", "lat": 36.62, "lon": 140.67},
    {"name": "スーパー坂下店", "lat": 36.60, "lon": 140.65},
]


def demand_zone(city: Any, actor: Any) -> DemandService:
    service = demand_service_save(
        city=city,
        actor=actor,
        code="minami",
        name="みなみ号",
        operator_name="坂下地区まちづくり推進会",
        zone=ZONE,
        zone_name="坂下地区",
        start_seconds=8 * 3600,
        end_seconds=17 * 3600,
        weekdays="1111111",
        places=PLACES,
    )
    demand_vehicle_save(city=city, actor=actor, service=service, code="van1", name="みなみ号1",
                        seats=6, wheelchair_places=1, shift_start_seconds=8 * 3600,
                        shift_end_seconds=17 * 3600)  # fmt: skip
    return service


def tomorrow() -> date:
    return timezone.localdate() + timedelta(days=1)
