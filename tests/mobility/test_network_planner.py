"""The planner over every active feed of a city: journeys that change operator, the cache.

No two of the shared real feeds serve the same area (Donan Bus runs in Muroran, Hokkaido;
the LRT in Utsunomiya, Tochigi, about 600 km apart), so operators that meet are made from
one real feed: Donan Bus's routes split into two operators' feeds, each imported as published
(every stop, fare and calendar file kept). Each operator then has its own copy of every stop,
as a railway and a bus company each publish their own 日立駅.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from kyoso.mobility.algorithms.gtfs_feed import read_feed
from kyoso.mobility.algorithms.network import merge, part_from_feed
from kyoso.mobility.algorithms.raptor import Raptor
from kyoso.mobility.algorithms.timetable import build_timetable
from kyoso.mobility.demo_feed import write_demo_feed
from kyoso.mobility.models import Feed, Stop
from kyoso.mobility.selectors import planner, transit_network
from kyoso.mobility.services import feed_import
from tests.mobility.feed_surgery import split_by_route, split_folder_by_route
from tests.mobility.test_gtfs_feed import DONAN, LRT, need

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
DONAN_DAY = date(2020, 6, 2)  # a Tuesday inside the feed's calendar
LRT_DAY = date(2024, 6, 4)


def _import(city, folder: Path, operator: str) -> Feed:  # type: ignore[no-untyped-def]
    result = feed_import(city=city, source=folder, actor=None, operator_name=operator)
    assert result.feed is not None, result.errors
    return result.feed


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TOKYO)


def _summary(journeys: list[planner.JourneyView]) -> list[tuple[object, ...]]:
    return [
        (
            j.depart,
            j.arrive,
            j.transfers,
            tuple(
                (leg.kind, leg.from_stop.stop_id, leg.to_stop.stop_id, leg.trip_id)
                for leg in j.legs
            ),
        )
        for j in journeys
    ]


def test_a_journey_changes_operator_on_real_timetables(city, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a_dir, b_dir = split_folder_by_route(need(DONAN), tmp_path, 2)
    a = _import(city, a_dir, "道南バス A")
    b = _import(city, b_dir, "道南バス B")
    origin = Stop.objects.get(feed=a, stop_id="0281_B")  # 大川原病院前: only A's buses stop
    target = Stop.objects.get(feed=b, stop_id="0762_A")  # 3号通: only B's buses stop
    journeys = planner.plan(
        city=city, origin=origin, destination=target, depart_at=_at(DONAN_DAY, 8), realtime=False
    )
    assert journeys
    best = journeys[0]
    rides = [leg for leg in best.legs if leg.kind == "ride"]
    assert [leg.operator for leg in rides] == ["道南バス A", "道南バス B"]
    assert rides[0].from_stop.feed_id == a.pk and rides[-1].to_stop.feed_id == b.pk
    assert [leg.kind for leg in best.legs] == ["ride", "walk", "ride"]
    assert rides[0].arrive <= rides[1].depart  # type: ignore[operator]
    # The same journey as the merged network built straight from the files.
    feed, _ = read_feed(need(DONAN))
    fa, fb = split_by_route(feed, 2)
    net = merge([part_from_feed(fa, DONAN_DAY, "a"), part_from_feed(fb, DONAN_DAY, "b")], DONAN_DAY)
    ref = Raptor(net.timetable).earliest_arrival_time(
        net.stop_index("a", "0281_B"), net.stop_index("b", "0762_A"), 8 * 3600
    )
    assert ref is not None and best.arrive == _at(DONAN_DAY, 0) + timedelta(seconds=ref)
    # Neither operator alone reaches 3号通 from 大川原病院前 this early, if at all.
    alone = Raptor(merge([part_from_feed(fa, DONAN_DAY, "a")], DONAN_DAY).timetable)
    ta = net.stop_index("a", "0762_A")
    later = alone.earliest_arrival_time(net.stop_index("a", "0281_B"), ta, 8 * 3600)
    assert later is None or later > ref


def test_one_feed_journeys_are_unchanged_by_a_far_feed(city, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lrt = _import(city, need(LRT), "宇都宮ライトレール")
    stops = list(Stop.objects.filter(feed=lrt, location_type=0).order_by("stop_id"))
    rng = random.Random(15)
    queries = [tuple(rng.sample(stops, 2)) for _ in range(25)]

    def run() -> list[list[tuple[object, ...]]]:
        return [
            _summary(
                planner.plan(
                    city=city, origin=o, destination=d, depart_at=_at(LRT_DAY, 7), realtime=False
                )
            )
            for o, d in queries
        ]

    alone = run()
    # The stored feed routes exactly as the feed read from its files (the benchmark's input).
    feed, _ = read_feed(need(LRT))
    tt = build_timetable(feed, LRT_DAY)
    router = Raptor(tt, max_rounds=5)
    for (o, d), found in zip(queries, alone, strict=True):
        ref = router.earliest_arrival_time(
            tt.stop_index(o.stop_id), tt.stop_index(d.stop_id), 7 * 3600
        )
        assert (found[0][1] if found else None) == (
            None if ref is None else _at(LRT_DAY, 0) + timedelta(seconds=ref)
        )
    assert sum(bool(f) for f in alone) >= 20
    _import(city, write_demo_feed(tmp_path / "demo"), "日立市内バス")
    assert len(transit_network.active_feeds(city)) == 2
    assert run() == alone


def test_replacing_one_operator_keeps_the_others_part(city, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    demo = write_demo_feed(tmp_path / "demo")
    jr_dir, bus_dir = split_folder_by_route(demo, tmp_path / "split", 2, by_agency=True)
    jr = _import(city, jr_dir, "JR")
    bus = _import(city, bus_dir, "バス")
    day = timezone.localdate() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    first = transit_network.city_network(city, day)
    assert first is transit_network.city_network(city, day)  # built once, then cached
    jr_part = transit_network._parts[((jr.pk, jr.imported_at.timestamp()), day)]
    new_bus = _import(city, bus_dir, "バス")  # the operator publishes its feed again
    assert not Feed.objects.get(pk=bus.pk).is_active
    second = transit_network.city_network(city, day)
    assert second is not first and second.feed_ids == [jr.pk, new_bus.pk]
    assert transit_network._parts[((jr.pk, jr.imported_at.timestamp()), day)] is jr_part
    # JR's 日立駅 to the bus company's おさかなセンター: train, walk, BRT.
    journeys = planner.plan(
        city=city,
        origin=Stop.objects.get(feed=jr, stop_id="JR_HITACHI"),
        destination=Stop.objects.get(feed=new_bus, stop_id="BRT_OSAKANA"),
        depart_at=_at(day, 9),
        realtime=False,
    )
    rides = [leg for leg in journeys[0].legs if leg.kind == "ride"]
    assert {leg.operator for leg in rides} == {"JR", "バス"}


def test_api_and_page_show_a_change_of_operator(city, client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    demo = write_demo_feed(tmp_path / "demo")
    jr_dir, bus_dir = split_folder_by_route(demo, tmp_path / "split", 2, by_agency=True)
    jr = _import(city, jr_dir, "JR常磐線")
    bus = _import(city, bus_dir, "日立市内バス")
    day = timezone.localdate() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    o = Stop.objects.get(feed=jr, stop_id="JR_HITACHI")
    d = Stop.objects.get(feed=bus, stop_id="BRT_OSAKANA")
    response = client.get(
        f"/api/v1/mobility/{city.slug}/journey",
        {"origin": o.pk, "destination": d.pk, "depart": _at(day, 9).isoformat(), "walk": "elderly"},
    )
    assert response.status_code == 200, response.content
    legs = response.json()["journeys"][0]["legs"]
    assert {leg["operator"] for leg in legs if leg["kind"] == "ride"} == {
        "JR常磐線",
        "日立市内バス",
    }
    bad = client.get(
        f"/api/v1/mobility/{city.slug}/journey",
        {"origin": o.pk, "destination": d.pk, "walk": "run"},
    )
    assert bad.status_code in (400, 422)
    page = client.get(
        f"/{city.slug}/mobility/journey/",
        {
            "origin": f"#{o.pk}",
            "destination": f"#{d.pk}",
            "date": day.isoformat(),
            "time": "09:00",
            "max_transfers": 3,
            "walk": "wheelchair",
        },
    )
    html = page.content.decode()
    assert page.status_code == 200 and "JR常磐線" in html and "日立市内バス" in html
