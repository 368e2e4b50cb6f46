from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from kyoso.mobility import services
from kyoso.mobility.algorithms import gtfs_rt
from kyoso.mobility.models import Stop
from kyoso.mobility.selectors import planner

pytestmark = pytest.mark.django_db


def _weekday(hour: int, minute: int = 0):  # type: ignore[no-untyped-def]
    day = timezone.localdate() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return timezone.make_aware(
        timezone.datetime.combine(day, timezone.datetime.min.time())
    ).replace(hour=hour, minute=minute)


def _stop(feed, stop_id):  # type: ignore[no-untyped-def]
    return Stop.objects.get(feed=feed, stop_id=stop_id)


def test_brt_to_hospital_needs_a_change(city, demo_feed):
    origin, target = _stop(demo_feed, "BRT_OSAKANA"), _stop(demo_feed, "HOSPITAL")
    journeys = planner.plan(
        city=city, origin=origin, destination=target, depart_at=_weekday(8), realtime=False
    )
    assert journeys
    best = journeys[0]
    rides = [leg for leg in best.legs if leg.kind == "ride"]
    assert best.transfers >= 1 and rides[-1].to_stop.stop_id == "HOSPITAL"
    assert best.depart >= _weekday(8) and best.arrive > best.depart
    for a, b in itertools.pairwise(rides):
        assert a.arrive <= b.depart  # type: ignore[operator]


def test_station_to_station_and_walk_transfer(city, demo_feed):
    # JR 日立駅 → BRT 南部図書館: train to 大甕, walk to 大甕駅西口, BRT one stop.
    journeys = planner.plan(
        city=city,
        origin=_stop(demo_feed, "JR_HITACHI"),
        destination=_stop(demo_feed, "BRT_NANBU"),
        depart_at=_weekday(9),
        realtime=False,
    )
    kinds = [leg.kind for leg in journeys[0].legs]
    assert "ride" in kinds and "walk" in kinds


def test_realtime_delay_makes_arrival_later(city, demo_feed):
    origin, target = _stop(demo_feed, "BRT_OSAKANA"), _stop(demo_feed, "TAGA_EKIMAE")
    depart = _weekday(8)
    base = planner.plan(city=city, origin=origin, destination=target, depart_at=depart)[0]
    ride = next(leg for leg in base.legs if leg.kind == "ride")
    snap = gtfs_rt.Snapshot(
        timestamp=int(timezone.now().timestamp()),
        trip_updates=[
            gtfs_rt.TripUpdateData(
                trip_id=ride.trip_id, start_date=depart.strftime("%Y%m%d"), delay=600
            )
        ],
    )
    services.realtime_apply(city=city, snapshot=snap, source="test")
    live = planner.plan(city=city, origin=origin, destination=target, depart_at=depart)[0]
    assert live.arrive > base.arrive


def test_range_query_and_wheelchair(city, demo_feed):
    origin, target = _stop(demo_feed, "HITACHI_CHUO"), _stop(demo_feed, "TAGA_EKIMAE")
    start = _weekday(8)
    journeys = planner.plan(
        city=city,
        origin=origin,
        destination=target,
        depart_at=start,
        until=start + timedelta(hours=1),
        realtime=False,
    )
    assert len(journeys) >= 3
    assert all(start <= j.depart <= start + timedelta(hours=1, minutes=10) for j in journeys)
    # 中央線 is not wheelchair accessible in the demo feed; the hospital line is.
    accessible = planner.plan(
        city=city,
        origin=origin,
        destination=target,
        depart_at=start,
        wheelchair=True,
        realtime=False,
    )
    for j in accessible:
        assert all(leg.route is None or leg.route.route_id != "CHUO" for leg in j.legs)
