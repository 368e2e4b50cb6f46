"""Demo content of the mobility app: Hitachi's invented network, facilities, taxis, ridership.

The timetable goes through the same import service an operator's feed uses; everything here is
labelled demo data (the feed is flagged ``is_demo`` and its agencies say デモデータ).
"""

from __future__ import annotations

import random
import tempfile
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from kyoso.core.models import City, District, Organisation, User
from kyoso.core.services import system_actor
from kyoso.mobility.demo_feed import DEMO_FEED_VERSION, ROUTES, STOPS, write_demo_feed
from kyoso.mobility.models import (
    Alert,
    CrowdingLevel,
    Facility,
    FacilityStatus,
    Feed,
    RidershipRecord,
    Taxi,
    TaxiStatus,
)
from kyoso.mobility.services import facility_save, feed_import
from kyoso.mobility.services.feed_bulk import raw_insert

DEMO_OPERATOR = "日立市デモ交通網"

FACILITIES = [
    # code, ja, en, kind, stop_ids, waiting minutes, crowding
    ("hitachi-general-hospital", "日立総合病院", "Hitachi General Hospital", "hospital",
     ["HOSPITAL"], 40, CrowdingLevel.MEDIUM),
    ("hitachi-medical-center", "ひたち医療センター", "Hitachi Medical Center", "hospital",
     ["TAGA_EKIMAE", "JR_TAGA", "JR_TAGA_P"], 25, CrowdingLevel.LOW),
    ("city-hall", "日立市役所", "Hitachi City Hall", "office",
     ["HITACHI_CHUO", "JR_HITACHI", "JR_HITACHI_P"], 10, CrowdingLevel.LOW),
    ("taga-kodomo-clinic", "多賀こどもクリニック (demo)", "Taga Children's Clinic (demo)", "clinic",
     ["TAGA_EKIMAE", "JR_TAGA"], 15, CrowdingLevel.LOW),
]  # fmt: skip
# Which demo organisation owns each facility (city hall is the city's own: staff publish it).
FACILITY_OWNERS = {
    "hitachi-general-hospital": "hitachi-general-hospital",
    "hitachi-medical-center": "hitachi-medical-center",
    "taga-kodomo-clinic": "taga-kodomo-clinic",
}

TAXIS = [
    ("TX-01", "電鉄タクシー（デモ）", 36.5930, 140.6610, TaxiStatus.FREE, True),
    ("TX-02", "電鉄タクシー（デモ）", 36.5860, 140.6490, TaxiStatus.FREE, False),
    ("TX-03", "電鉄タクシー（デモ）", 36.5530, 140.6335, TaxiStatus.HIRED, False),
    ("TX-04", "電鉄タクシー（デモ）", 36.5140, 140.6195, TaxiStatus.FREE, False),
    ("TX-05", "電鉄タクシー（デモ）", 36.6705, 140.6850, TaxiStatus.OFF, False),
]


def load(city: City, rng: random.Random) -> None:
    if city.slug != "hitachi":
        return  # the other demo city stays without transit, which shows the empty state
    if not Feed.objects.filter(
        city=city, operator_name=DEMO_OPERATOR, version=DEMO_FEED_VERSION, is_active=True
    ).exists():
        with tempfile.TemporaryDirectory() as tmp:
            folder = write_demo_feed(Path(tmp) / "hitachi-demo-gtfs")
            result = feed_import(
                city=city,
                source=folder,
                actor=system_actor(),
                operator_name=DEMO_OPERATOR,
                is_demo=True,
            )
        if not result.ok:  # pragma: no cover - the generator is tested
            raise RuntimeError(f"demo feed rejected: {result.errors[:3]}")
    now = timezone.now()
    far = now + timedelta(days=3650)
    operator = User.objects.filter(email="operator@hitachi.example").first()
    clinic = User.objects.filter(email="clinic@hitachi.example").first()
    for code, ja, en, kind, stop_ids, minutes, crowding in FACILITIES:
        lat, lon = STOPS[stop_ids[0]][2], STOPS[stop_ids[0]][3]
        facility, _created = Facility.objects.update_or_create(
            city=city,
            code=code,
            defaults={
                "name_ja": ja,
                "name_en": en,
                "kind": kind,
                "stop_ids": stop_ids,
                "lat": lat,
                "lon": lon,
                "organisation": Organisation.objects.filter(
                    city=city, code=FACILITY_OWNERS.get(code, "")
                ).first(),
            },
        )
        if not FacilityStatus.objects.filter(facility=facility).exists():
            FacilityStatus.objects.create(
                city=city,
                facility=facility,
                waiting_minutes=minutes,
                crowding=crowding,
                note="デモデータ",
                reported_by=clinic if FACILITY_OWNERS.get(code) == "taga-kodomo-clinic" else None,
                reported_at=now,
                valid_until=far,  # demo only: kept current so the demo always shows it
            )
    # Every school district's community centre (交流センター), beside its centre (approximate).
    for district in District.objects.filter(city=city):
        facility_save(
            city=city,
            actor=system_actor(),
            code=f"community-centre-{district.code}",
            name_ja=f"{district.name_ja}交流センター",
            name_en=f"{district.name_en} Community Centre",
            kind="community_centre",
            lat=district.center_lat - 0.0012,
            lon=district.center_lon + 0.0010,
        )
    for vehicle_id, company, lat, lon, status, wheelchair in TAXIS:
        Taxi.objects.update_or_create(
            city=city,
            vehicle_id=vehicle_id,
            defaults={
                "company": company,
                "operator": operator,
                "status": status,
                "lat": lat,
                "lon": lon,
                "wheelchair": wheelchair,
                "updated_at": far,  # demo only: never stale
            },
        )
    Alert.objects.update_or_create(
        city=city,
        alert_id="demo-brt-level4",
        defaults={
            "header_ja": "【デモ】BRT 南部図書館〜河原子は自動運転（レベル4）区間です",
            "header_en": "[Demo] BRT runs driverless (Level 4) between Nanbu Library and Kawarago",
            "description_ja": "最高速度40km/hで運行します。これはデモ用のお知らせです。",
            "description_en": "Top speed 40 km/h. This is a demo notice.",
            "route_ids": ["BRT"],
            "timestamp": now,
            "expires_at": far,
        },
    )
    _ridership(city, rng)
    from kyoso.mobility.demo_demand import load_demand

    load_demand(city)


def _ridership(city: City, rng: random.Random) -> None:
    """Invent four weeks of weekday boardings by stop and hour (an IC-card export)."""
    if RidershipRecord.objects.filter(city=city).exists():
        return
    today = timezone.localdate()
    peak = {7: 2.2, 8: 2.0, 9: 1.1, 12: 0.8, 16: 1.0, 17: 1.6, 18: 1.4}
    rows = []
    for back in range(1, 29):
        day = today - timedelta(days=back)
        if day.weekday() >= 5:
            continue
        for route_id, spec in ROUTES.items():
            stops = spec[6]
            base = {"JOBAN": 30, "BRT": 9, "CHUO": 7, "HOSPITAL": 2}[route_id]
            for hour in range(6, 23):
                factor = peak.get(hour, 0.5 if hour >= 20 else 0.7)
                for stop_id in stops:
                    on = max(0, round(rng.gauss(base * factor, base * factor * 0.25)))
                    rows.append(
                        (city.pk, day, route_id, stop_id, hour, on, max(0, on + rng.randint(-2, 2)))
                    )
    raw_insert(
        RidershipRecord,
        ("city_id", "date", "route_id", "stop_id", "hour", "boardings", "alightings"),
        rows,
    )
