"""Demo content of the data hub: the city's sensors (``datahub.sensors``) with two days of
15-minute history, so the map and charts have data before the simulator has run long."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from kyoso.core.models import City, Organisation
from kyoso.core.services import organisation_ensure, system_actor
from kyoso.datahub.models import Device
from kyoso.datahub.sensors import DEMO_SENSORS, simulated_values
from kyoso.datahub.services import device_register, readings_ingest
from kyoso.datahub.wire import Observation

HISTORY = timedelta(days=2)
STEP = timedelta(minutes=15)


def load(city: City, rng: random.Random) -> None:
    city_hall = organisation_ensure(
        city=city, code="city-hall", name_ja=f"{city.name_ja}役所", kind="public", is_demo=True
    )
    now = timezone.now().replace(second=0, microsecond=0)
    for sensor in DEMO_SENSORS:
        if Device.objects.filter(city=city, key=sensor.key).exists():
            continue
        owner = city_hall
        if sensor.owner:
            owner = (
                Organisation.objects.filter(city=city, name_ja=sensor.owner).first() or city_hall
            )
        device = device_register(
            actor=system_actor(),
            city=city,
            key=sensor.key,
            name=sensor.name,
            entity_type=sensor.entity_type,
            owner=owner,
            lat=sensor.lat
            if city.slug == "hitachi"
            else city.center_lat + rng.uniform(-0.02, 0.02),
            lon=sensor.lon
            if city.slug == "hitachi"
            else city.center_lon + rng.uniform(-0.02, 0.02),
            properties=list(sensor.properties),
        )
        observations = []
        moment = now - HISTORY
        while moment <= now:
            for name, value in simulated_values(sensor, moment, rng).items():
                observations.append(Observation(name, moment, value))
            moment += STEP
        readings_ingest(city=city, device=device, observations=observations)
