"""Fares: v1 and GTFS-JP rider categories on the real feeds (hand-worked from their fare
tables), GTFS-Fares v2 with transfer rules, per-operator sums and 「運賃不明」."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kyoso.mobility.algorithms.fares import FareRide, feed_fares, price_journey, price_run
from kyoso.mobility.models import FareTable, Feed, Stop
from kyoso.mobility.selectors import planner
from kyoso.mobility.services import feed_import
from tests.mobility.feed_surgery import split_folder_by_route
from tests.mobility.test_gtfs_feed import DONAN, LRT, need

TOKYO = ZoneInfo("Asia/Tokyo")


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TOKYO)


def _import(city, folder: Path, operator: str) -> Feed:  # type: ignore[no-untyped-def]
    result = feed_import(city=city, source=folder, actor=None, operator_name=operator)
    assert result.feed is not None, result.errors
    return result.feed


def _ride(route: str, a: str, b: str, depart: int, arrive: int, agency: str = "") -> FareRide:
    return FareRide(route, agency, a, b, a, b, depart, arrive)


# ---- on the real feeds, through the planner ------------------------------------------------


@pytest.mark.django_db
def test_lrt_fare_from_its_fare_rules(city) -> None:  # type: ignore[no-untyped-def]
    lrt = _import(city, need(LRT), "宇都宮ライトレール")
    journeys = planner.plan(
        city=city,
        origin=Stop.objects.get(feed=lrt, stop_id="1_01"),  # 宇都宮駅東口
        destination=Stop.objects.get(feed=lrt, stop_id="19_01"),  # 芳賀・高根沢工業団地
        depart_at=_at(date(2024, 6, 4), 8),
        realtime=False,
    )
    # fare_rules.txt: 400,1,1_01,19_01; fare_attributes.txt: 400,400,JPY,0,0
    assert journeys and all(j.fare.amount == Decimal(400) for j in journeys)
    assert journeys[0].fare.currency == "JPY" and not journeys[0].fare.by_category


@pytest.mark.django_db
def test_two_operators_fares_add_up_with_the_child_fare(city, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a_dir, b_dir = split_folder_by_route(need(DONAN), tmp_path, 2)
    a = _import(city, a_dir, "道南バス A")
    b = _import(city, b_dir, "道南バス B")
    assert FareTable.objects.filter(feed=a, name="fare_rider_categories").exists()
    best = planner.plan(
        city=city,
        origin=Stop.objects.get(feed=a, stop_id="0281_B"),
        destination=Stop.objects.get(feed=b, stop_id="0762_A"),
        depart_at=_at(date(2020, 6, 2), 8),
        realtime=False,
    )[0]
    rides = [
        (leg.route.route_id, leg.from_stop.stop_id, leg.to_stop.stop_id)
        for leg in best.legs
        if leg.route
    ]  # type: ignore[union-attr]
    assert rides == [("100710", "0281_B", "0262_B"), ("132200", "0261_A", "0762_A")]
    # fare_rules.txt line 1898 k_210,100710,0281_B,0262_B and line 63160 k_250,132200,0261_A,
    # 0762_A; fare_attributes k_210 = 210, k_250 = 250 (transfers 0: no discount);
    # fare_rider_categories k_210,2 = 110 and k_250,2 = 130, category 2 = 小学生.
    assert best.fare.amount == Decimal(460)
    assert best.fare.by_category == {"小学生": Decimal(240)}


@pytest.mark.django_db
def test_a_feed_without_fares_says_fare_unknown(city, client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "lrt"
    shutil.copytree(need(LRT), folder)
    for name in ("fare_attributes.txt", "fare_rules.txt"):
        (folder / name).unlink()
    lrt = _import(city, folder, "宇都宮ライトレール")
    o = Stop.objects.get(feed=lrt, stop_id="1_01")
    d = Stop.objects.get(feed=lrt, stop_id="19_01")
    journeys = planner.plan(
        city=city, origin=o, destination=d, depart_at=_at(date(2024, 6, 4), 8), realtime=False
    )
    assert journeys and journeys[0].fare.amount is None


def _next_weekday() -> date:
    from datetime import timedelta

    from django.utils import timezone

    day = timezone.localdate() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _page(client, city, o: Stop, d: Stop, day: date) -> str:  # type: ignore[no-untyped-def]
    query = {
        "origin": f"#{o.pk}",
        "destination": f"#{d.pk}",
        "date": day.isoformat(),
        "time": "09:00",
        "max_transfers": 3,
    }
    page = client.get(f"/{city.slug}/mobility/journey/", query, HTTP_ACCEPT_LANGUAGE="ja")
    assert page.status_code == 200
    return str(page.content.decode())


@pytest.mark.django_db
def test_page_and_api_show_the_fare(city, client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from kyoso.mobility.demo_feed import write_demo_feed

    feed = _import(city, write_demo_feed(tmp_path / "demo"), "日立市内バス")
    day = _next_weekday()
    o = Stop.objects.get(feed=feed, stop_id="BRT_OSAKANA")
    d = Stop.objects.get(feed=feed, stop_id="HOSPITAL")
    response = client.get(
        f"/api/v1/mobility/{city.slug}/journey",
        {"origin": o.pk, "destination": d.pk, "depart": _at(day, 9).isoformat()},
    )
    assert response.status_code == 200, response.content
    journey = response.json()["journeys"][0]
    # The demo feed's fares: bus_flat 200 on BRT, CHUO and HOSPITAL, jr_base 150 on JOBAN,
    # no transfers: each ride pays its own.
    routes = [leg["route"] for leg in journey["legs"] if leg["kind"] == "ride"]
    expected = sum(150 if "常磐線" in r else 200 for r in routes)
    assert journey["fare"]["known"] and Decimal(journey["fare"]["amount"]) == expected
    html = _page(client, city, o, d, day)
    assert f"{expected}円" in html and "運賃" in html


@pytest.mark.django_db
def test_fare_unknown_on_the_page(city, client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from kyoso.mobility.demo_feed import write_demo_feed

    folder = write_demo_feed(tmp_path / "demo")
    for name in ("fare_attributes.txt", "fare_rules.txt"):
        (folder / name).unlink()
    feed = _import(city, folder, "日立市内バス")
    o = Stop.objects.get(feed=feed, stop_id="BRT_OSAKANA")
    d = Stop.objects.get(feed=feed, stop_id="HOSPITAL")
    html = _page(client, city, o, d, _next_weekday())
    assert "運賃不明" in html and "0円" not in html


# ---- v1 rules and transfer allowances ------------------------------------------------------


def test_v1_transfer_allowance_prices_two_rides_as_one() -> None:
    fares = feed_fares(
        [
            ("single", Decimal(200), "JPY", 0, None, ""),
            ("pass", Decimal(300), "JPY", 1, 3600, ""),
        ],
        [
            ("single", "R1", "", "", ""),
            ("single", "R2", "", "", ""),
            ("pass", "R1", "", "", ""),
            ("pass", "R2", "", "", ""),
        ],
        {},
    )
    one = [_ride("R1", "a", "b", 0, 600)]
    two = [*one, _ride("R2", "b", "c", 900, 1500)]
    assert price_run(fares, one).amount == Decimal(200)
    assert price_run(fares, two).amount == Decimal(300)  # not 400
    late = [*one, _ride("R2", "b", "c", 4000, 4600)]
    assert price_run(fares, late).amount == Decimal(400)  # the pass has expired
    unknown = [_ride("R9", "a", "b", 0, 60)]
    assert price_run(fares, unknown).amount is None


def test_journey_across_operators_sums_and_unknown_part_makes_it_unknown() -> None:
    bus = feed_fares([("f", Decimal(170), "JPY", 0, None, "")], [], {})
    rail = feed_fares([("r", Decimal(240), "JPY", 0, None, "")], [], {})
    none = feed_fares([], [], {})
    ride = _ride("R", "a", "b", 0, 60)
    assert price_journey([(bus, [ride]), (rail, [ride])]).amount == Decimal(410)
    assert price_journey([(bus, [ride]), (none, [ride])]).amount is None


# ---- GTFS-Fares v2 -------------------------------------------------------------------------


def _v2(transfer: dict[str, str] | None) -> object:
    tables = {
        "fare_products": [
            {"fare_product_id": "bus", "amount": "200", "currency": "JPY"},
            {"fare_product_id": "bus", "amount": "100", "currency": "JPY", "rider_category_id": "child"},
            {"fare_product_id": "rail", "amount": "300", "currency": "JPY"},
            {"fare_product_id": "rail", "amount": "150", "currency": "JPY", "rider_category_id": "child"},
            {"fare_product_id": "change", "amount": "50", "currency": "JPY"},
            {"fare_product_id": "change", "amount": "20", "currency": "JPY", "rider_category_id": "child"},
        ],
        "rider_categories": [
            {"rider_category_id": "adult", "rider_category_name": "大人", "is_default_fare_category": "1"},
            {"rider_category_id": "child", "rider_category_name": "小児"},
        ],
        "fare_leg_rules": [
            {"leg_group_id": "g_bus", "network_id": "bus", "fare_product_id": "bus"},
            {"leg_group_id": "g_rail", "network_id": "rail", "from_area_id": "city", "to_area_id": "city", "fare_product_id": "rail"},
        ],
        "stop_areas": [{"area_id": "city", "stop_id": s} for s in ("s1", "s2", "s3")],
        "fare_transfer_rules": [transfer] if transfer else [],
    }  # fmt: skip
    return feed_fares([], [], tables, {"B1": "bus", "T1": "rail"})


def test_v2_leg_rules_and_transfer_types() -> None:
    # The bus ends outside the rail area: an empty area field matches only unnamed areas.
    trip = [_ride("B1", "x", "y", 0, 600), _ride("T1", "s1", "s3", 900, 1800)]
    plain = price_run(_v2(None), trip)  # type: ignore[arg-type]
    assert plain.amount == Decimal(500) and plain.by_category == {"小児": Decimal(250)}
    rule = {"from_leg_group_id": "g_bus", "to_leg_group_id": "g_rail", "fare_product_id": "change"}
    a_ab = price_run(_v2({**rule, "fare_transfer_type": "0"}), trip)  # type: ignore[arg-type]
    assert a_ab.amount == Decimal(250) and a_ab.by_category == {"小児": Decimal(120)}
    a_ab_b = price_run(_v2({**rule, "fare_transfer_type": "1"}), trip)  # type: ignore[arg-type]
    assert a_ab_b.amount == Decimal(550)
    ab = price_run(_v2({**rule, "fare_transfer_type": "2"}), trip)  # type: ignore[arg-type]
    assert ab.amount == Decimal(50)
    short = {**rule, "fare_transfer_type": "0", "duration_limit": "600", "duration_limit_type": "1"}
    assert price_run(_v2(short), trip).amount == Decimal(500)  # 900 s between departures  # type: ignore[arg-type]
    free = {"from_leg_group_id": "g_bus", "to_leg_group_id": "g_rail", "fare_transfer_type": "0"}
    assert price_run(_v2(free), trip).amount == Decimal(200)  # type: ignore[arg-type]
    # A rail ride leaving the area has no leg rule: unknown, not 0.
    assert price_run(_v2(None), [_ride("T1", "s1", "far", 0, 60)]).amount is None  # type: ignore[arg-type]


@pytest.mark.django_db
def test_v2_files_are_stored_and_priced(city, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "lrt"
    shutil.copytree(need(LRT), folder)
    (folder / "fare_products.txt").write_text(
        "fare_product_id,fare_product_name,amount,currency\nshort,近距離,180,JPY\nlong,遠距離,330,JPY\n",
        encoding="utf-8",
    )
    (folder / "stop_areas.txt").write_text(
        "area_id,stop_id\nterminal,1_01\nterminal,19_01\n", encoding="utf-8"
    )
    (folder / "fare_leg_rules.txt").write_text(
        "leg_group_id,from_area_id,to_area_id,fare_product_id\n"
        "end_to_end,terminal,terminal,long\nother,,,short\n",
        encoding="utf-8",
    )
    lrt = _import(city, folder, "宇都宮ライトレール")
    assert set(FareTable.objects.filter(feed=lrt).values_list("name", flat=True)) == {
        "fare_products", "stop_areas", "fare_leg_rules",
    }  # fmt: skip

    def fare(a: str, b: str) -> Decimal | None:
        journeys = planner.plan(
            city=city,
            origin=Stop.objects.get(feed=lrt, stop_id=a),
            destination=Stop.objects.get(feed=lrt, stop_id=b),
            depart_at=_at(date(2024, 6, 4), 8),
            realtime=False,
        )
        return journeys[0].fare.amount

    assert fare("1_01", "19_01") == Decimal(330)  # v2 replaces v1's 400
    assert fare("2_01", "5_01") == Decimal(180)
