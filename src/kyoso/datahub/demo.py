"""Demo content of the data hub: the city's sensors (``datahub.sensors``) with two days of
15-minute history, so the map and charts have data before the simulator has run long, and a
handful of open-data datasets published through the catalogue's services."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from kyoso.core.models import City, Organisation
from kyoso.core.services import organisation_ensure, system_actor
from kyoso.datahub.models import Dataset, Device
from kyoso.datahub.sensors import DEMO_SENSORS, simulated_values
from kyoso.datahub.services import (
    dataset_create,
    dataset_publish,
    device_register,
    readings_ingest,
    resource_add,
)
from kyoso.datahub.wire import Observation

HISTORY = timedelta(days=2)
STEP = timedelta(minutes=15)


def load(city: City, rng: random.Random) -> None:
    city_hall = organisation_ensure(
        city=city, code="city-hall", name_ja=f"{city.name_ja}役所", kind="public", is_demo=True
    )
    load_catalogue(city, city_hall)
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


DATASETS: tuple[tuple[Any, ...], ...] = (
    # slug, title, description, generator, format, frequency, theme, keywords, extra
    (
        "sensor-daily",
        "市内センサーの日次値",
        "大気・河川の水位・騒音・駅の人の流れ・EV 充電器などのセンサーの日平均・最小・最大です。",
        "datahub.sensor_daily",
        "CSV",
        "DAILY",
        "green",
        ["大気", "河川", "騒音", "センサー"],
        {},
    ),
    (
        "kpi-actuals",
        "まちづくり KPI の実績値",
        "ビジョンの KPI について、毎年・毎月の実績値と出典です。",
        "vision.kpi_actuals",
        "JSON",
        "ANNUAL",
        "digital",
        ["KPI", "ビジョン"],
        {"licence": "gov-jp-2.0"},
    ),
    (
        "reports-by-district",
        "地区別・種類別の通報件数",
        "市民から寄せられた道路・街路灯などの通報を、年・地区・種類ごとに数えたものです。",
        "voice.reports_by_district",
        "CSV",
        "MONTHLY",
        "safety",
        ["通報", "道路", "地区"],
        {"derived_from_people": True},
    ),
    (
        "bus-ridership",
        "路線・停留所別の月間乗車人数",
        "IC カードの記録から、月・路線・停留所ごとの乗車人数を数えたものです。",
        "mobility.ridership_monthly",
        "CSV",
        "MONTHLY",
        "transport",
        ["バス", "乗車人数", "公共交通"],
        {"derived_from_people": True},
    ),
    (
        "business-sensors",
        "事業者向け: センサーの日次値 (限定公開)",
        "事業者の方だけが見られるデータセットの例です。閲覧はすべて記録されます。",
        "datahub.sensor_daily",
        "JSON",
        "DAILY",
        "green",
        ["事業者", "エネルギー"],
        {"access": "restricted", "allowed_roles": ["business"]},
    ),
)


def load_catalogue(city: City, owner: Organisation) -> None:
    """Publish the demo datasets through the catalogue's services (skipping ones that exist)."""
    actor = system_actor()
    for slug, title, description, generator, fmt, frequency, theme, keywords, extra in DATASETS:
        if Dataset.objects.filter(city=city, slug=slug).exists():
            continue
        dataset = dataset_create(
            actor=actor,
            city=city,
            slug=slug,
            title=title,
            description=description,
            organisation=owner,
            update_frequency=frequency,
            theme_code=theme,
            keywords=keywords,
            **extra,
        )
        resource_add(
            actor=actor,
            city=city,
            dataset=dataset,
            name=f"{title} ({fmt})",
            generator=generator,
            format=fmt,
        )
        dataset_publish(actor=actor, city=city, dataset=dataset)
