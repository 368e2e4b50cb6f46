"""Headway proposals: hand-worked waiting, the budget and fleet kept, demand followed, and the
integer programme equal to exhaustive search on small cases."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kyoso.mobility.algorithms import headways as hw

PEAK = hw.Period("morning_peak", 7, 9)
DAY = hw.Period("daytime", 9, 16)


def test_waiting_is_half_a_headway_plus_a_headway_for_those_left_behind() -> None:
    d = hw.Demand("R", PEAK, riders_per_hour=60, trips_per_hour=4, cycle_minutes=60, capacity=10)
    # 2 h × (60 riders × 7.5 min) + 2 h × (60 − 4 × 10 left behind) × 15 min
    assert hw.waiting_minutes(d, 4) == pytest.approx(2 * 60 * 7.5 + 2 * 20 * 15)
    assert hw.waiting_minutes(d, 6) == pytest.approx(2 * 60 * 5)  # 60 seats: nobody left
    assert hw.vehicles(d, 4) == 4 and hw.vehicle_hours(d, 4) == pytest.approx(8)


def test_service_moves_from_an_empty_route_to_a_crowded_one_within_the_budget() -> None:
    busy = hw.Demand(
        "A", PEAK, riders_per_hour=240, trips_per_hour=2, cycle_minutes=60, capacity=60
    )
    empty = hw.Demand("B", PEAK, riders_per_hour=5, trips_per_hour=4, cycle_minutes=60, capacity=60)
    plan = hw.propose([busy, empty])
    assert plan.status == "optimal"
    after = {c.demand.route_id: c.frequency for c in plan.choices}
    assert after["A"] > 2 and after["B"] < 4
    assert after["B"] >= hw.MIN_FREQUENCY  # the quiet route keeps its minimum service
    assert plan.vehicle_hours_after <= plan.vehicle_hours_before + 1e-9
    assert plan.peak_vehicles <= 6
    assert plan.wait_after < plan.wait_before


def _exhaustive(demands: list[hw.Demand]) -> float:
    budget = sum(hw.vehicle_hours(d, d.trips_per_hour) for d in demands)
    periods = {d.period for d in demands}
    fleet = max(
        sum(hw.vehicles(d, d.trips_per_hour) for d in demands if d.period == p) for p in periods
    )
    best = float("inf")
    options = [
        {
            *(f for f in hw.FREQUENCIES if f >= min(hw.MIN_FREQUENCY, d.trips_per_hour) - 1e-9),
            d.trips_per_hour,
        }
        for d in demands
    ]
    for combo in itertools.product(*options):
        if sum(hw.vehicle_hours(d, f) for d, f in zip(demands, combo, strict=True)) > budget + 1e-6:
            continue
        if any(
            sum(hw.vehicles(d, f) for d, f in zip(demands, combo, strict=True) if d.period == p)
            > fleet
            for p in periods
        ):
            continue
        best = min(best, sum(hw.waiting_minutes(d, f) for d, f in zip(demands, combo, strict=True)))
    return best


demand = st.builds(
    hw.Demand,
    route_id=st.sampled_from(["A", "B", "C"]),
    period=st.sampled_from([PEAK, DAY]),
    riders_per_hour=st.floats(0, 400),
    trips_per_hour=st.sampled_from([1.0, 2.0, 2.5, 3.0, 4.0, 6.0]),
    cycle_minutes=st.floats(20, 150),
    capacity=st.sampled_from([30, 60, 80]),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(demand, min_size=1, max_size=3))
def test_the_programme_finds_the_exhaustive_optimum_and_keeps_every_constraint(demands) -> None:  # type: ignore[no-untyped-def]
    plan = hw.propose(demands)
    assert plan.status == "optimal"  # today's timetable is always feasible
    assert len(plan.choices) == len(demands)
    assert plan.vehicle_hours_after <= plan.vehicle_hours_before + 1e-6
    assert plan.wait_after <= plan.wait_before + 1e-6
    assert plan.wait_after == pytest.approx(_exhaustive(demands), abs=0.1)


@pytest.mark.django_db
def test_operators_see_the_proposal_and_download_it_as_gtfs_frequencies(
    city, tiny_feed, staff, citizen, client
):  # type: ignore[no-untyped-def]
    import csv
    import io
    from datetime import timedelta

    from django.utils import timezone

    from kyoso.mobility.models import RidershipRecord

    today = timezone.localdate()
    RidershipRecord.objects.bulk_create(
        RidershipRecord(city=city, date=today - timedelta(days=d), route_id="R1", stop_id="駅_1",
                        hour=8, boardings=120)
        for d in range(1, 8)
    )  # fmt: skip
    client.force_login(citizen)
    assert client.get(f"/{city.slug}/mobility/staff/headways/").status_code == 403
    client.force_login(staff)
    page = client.get(f"/{city.slug}/mobility/staff/headways/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="headway-table"' in body and "病院線" in body
    draft = client.get(f"/{city.slug}/mobility/staff/headways/frequencies.txt")
    assert draft.status_code == 200
    rows = list(csv.DictReader(io.StringIO(draft.content.decode())))
    assert rows and {r["trip_id"] for r in rows} <= {"T1", "T2"}
    for r in rows:
        assert int(r["headway_secs"]) in {round(3600 / f) for f in (*hw.FREQUENCIES, 0.5, 1 / 7)}
        assert r["exact_times"] == "0"
