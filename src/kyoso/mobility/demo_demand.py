"""Demo content of demand-responsive transport: a hillside zone of 日立市 with three vehicles.

Built through the services, as an operator would: the zone (invented for the demo, west of
日立駅 where the streets climb the hills), its named places, two vans and a shared taxi that
reports its position as taxi TX-02, and a few rides tomorrow — one booked by city staff on the
phone for 日立 はな.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from kyoso.core.models import City, User
from kyoso.core.services import system_actor
from kyoso.mobility.models import DemandVehicleKind, RideRequest, Taxi
from kyoso.mobility.services import Place, demand_service_save, demand_vehicle_save, ride_book

ZONE = {
    "type": "Polygon",
    "coordinates": [
        [[140.600, 36.575], [140.655, 36.575], [140.655, 36.620], [140.600, 36.620],
         [140.600, 36.575]]
    ],
}  # fmt: skip
PLACES = [
    ("諏訪の杜集会所（デモ）", 36.6050, 140.6150),
    ("塙山団地入口（デモ）", 36.5850, 140.6200),
    ("山側診療所（デモ）", 36.5950, 140.6400),
    ("スーパー山側店（デモ）", 36.5870, 140.6480),
    ("神峰公園口（デモ）", 36.6000, 140.6300),
]
VEHICLES = [
    # code, name, kind, seats, wheelchair places, depot
    ("van-1", "やまびこ号1（ワゴン）", DemandVehicleKind.VAN, 7, 1, (36.5870, 140.6480)),
    ("van-2", "やまびこ号2（ワゴン）", DemandVehicleKind.VAN, 7, 1, (36.5870, 140.6480)),
    ("taxi-1", "電鉄タクシー 乗合（デモ）", DemandVehicleKind.SHARED_TAXI, 4, 0, (36.5860, 140.6490)),
]  # fmt: skip
RIDES = [
    # rider e-mail, from, to, hour, minute, passengers, wheelchairs, booked by staff
    ("citizen@hitachi.example", 1, 2, 9, 30, 1, 0, False),
    ("young@hitachi.example", 0, 3, 9, 40, 2, 0, False),
    ("citizen@hitachi.example", 2, 1, 11, 0, 1, 0, True),
    ("young@hitachi.example", 4, 2, 10, 0, 1, 1, False),
]


def load_demand(city: City) -> None:
    if city.slug != "hitachi":
        return
    actor = User.objects.filter(email="operator@hitachi.example").first() or system_actor()
    service = demand_service_save(
        city=city,
        actor=actor,
        code="yamabiko",
        name="やまびこ号（デマンド交通・デモ）",
        operator_name="日立市デモ交通網",
        zone=ZONE,
        zone_name="山側地区（デモ）",
        start_seconds=8 * 3600,
        end_seconds=17 * 3600,
        weekdays="1111111",  # the demo runs every day so it can always be tried
        min_notice_minutes=30,
        phone="0294-00-0000",
        message="これはデモです。実際の運行ではありません。",
        places=[{"name": n, "lat": lat, "lon": lon} for n, lat, lon in PLACES],
    )
    taxi = Taxi.objects.filter(city=city, vehicle_id="TX-02").first()
    for code, name, kind, seats, chairs, depot in VEHICLES:
        demand_vehicle_save(city=city, actor=actor, service=service, code=code, name=name,
                            kind=kind, seats=seats, wheelchair_places=chairs, depot=depot,
                            shift_start_seconds=8 * 3600, shift_end_seconds=17 * 3600,
                            taxi=taxi if kind == DemandVehicleKind.SHARED_TAXI else None)  # fmt: skip
    if RideRequest.objects.filter(city=city, service=service).exists():
        return
    tz = ZoneInfo(city.time_zone)
    day = timezone.localdate() + timedelta(days=1)
    staff = User.objects.filter(email="staff@hitachi.example").first()
    for email, a, b, hour, minute, passengers, chairs, proxy in RIDES:
        rider = User.objects.filter(email=email).first()
        if rider is None or (proxy and staff is None):
            continue
        ride_book(
            city=city,
            actor=staff if proxy and staff else rider,
            rider=rider,
            service=service,
            origin=Place(*PLACES[a]),
            destination=Place(*PLACES[b]),
            earliest_pickup=datetime.combine(day, datetime.min.time(), tzinfo=tz)
            + timedelta(hours=hour, minutes=minute),
            passengers=passengers,
            wheelchairs=chairs,
        )
