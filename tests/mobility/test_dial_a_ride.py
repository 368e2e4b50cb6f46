"""The dial-a-ride dispatcher: every plan keeps the rules, checked here from first principles."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kyoso.mobility.algorithms.dial_a_ride import (
    PROMISE_EARLY_S,
    PROMISE_LATE_S,
    Plan,
    Request,
    TravelModel,
    Vehicle,
    insert_greedy,
    ride_time_ratio,
    solve,
)

TRAVEL = TravelModel()
BASE = (36.60, 140.65)


def drive_s(a: tuple[float, float], b: tuple[float, float]) -> int:
    """Straight line × detour at the zone speed, written out again so the tests do not trust the module."""
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    metres = 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(h))) * TRAVEL.detour
    return math.ceil(metres / (TRAVEL.speed_kmh / 3.6))


def dwell(q: Request) -> int:
    return TRAVEL.wheelchair_dwell_s if q.wheelchairs else TRAVEL.dwell_s


def max_ride(q: Request) -> int:
    direct = drive_s(q.origin, q.destination) + dwell(q)
    return q.max_ride_s or direct + max(TRAVEL.max_ride_slack_s, int(0.5 * direct))


def assert_plan_keeps_the_rules(
    plan: Plan, vehicles: list[Vehicle], requests: list[Request]
) -> None:
    by_id = {q.id: q for q in requests}
    seen: dict[str, str] = {}
    for route in plan.routes:
        veh = next(v for v in vehicles if v.id == route.vehicle_id)
        assert veh.shift_start <= route.start and route.end <= veh.shift_end
        seats = chairs = 0
        where, t, picked = veh.depot, route.start, {}
        for stop in route.stops:
            q = by_id[stop.request_id]
            assert stop.time >= t + drive_s(where, stop.point), "arrives before it can drive there"
            if stop.kind == "pickup":
                assert stop.request_id not in seen, "a ride picked up twice"
                seen[stop.request_id] = route.vehicle_id
                picked[stop.request_id] = stop.time
                assert stop.point == q.origin and stop.time >= q.earliest_pickup
                if q.promised_pickup is not None:
                    assert q.promised_pickup - PROMISE_EARLY_S <= stop.time
                    assert stop.time <= q.promised_pickup + PROMISE_LATE_S
                seats += q.passengers - q.wheelchairs
                chairs += q.wheelchairs
            else:
                assert stop.request_id in picked, "set down before (or without) its pickup"
                assert stop.point == q.destination and stop.time <= q.latest_arrival
                assert stop.time - picked.pop(stop.request_id) <= max_ride(q)
                seats -= q.passengers - q.wheelchairs
                chairs -= q.wheelchairs
            assert 0 <= seats <= veh.seats and 0 <= chairs <= veh.wheelchair_places
            if q.vehicle_id is not None:
                assert route.vehicle_id == q.vehicle_id
            where, t = stop.point, stop.time + dwell(q)
        assert not picked, "a rider left on board"
        assert route.end >= t + drive_s(where, veh.depot)
    assert set(seen) == set(plan.by_request)
    assert set(seen) | set(plan.unserved) == set(by_id)
    assert not set(seen) & set(plan.unserved)


points = st.tuples(
    st.floats(BASE[0] - 0.03, BASE[0] + 0.03), st.floats(BASE[1] - 0.03, BASE[1] + 0.03)
)


@st.composite
def instances(draw: st.DrawFn) -> tuple[list[Vehicle], list[Request]]:
    n_vehicles = draw(st.integers(1, 3))
    vehicles = [
        Vehicle(
            f"v{i}",
            draw(st.integers(1, 5)),
            draw(st.integers(0, 1)),
            draw(points),
            8 * 3600,
            draw(st.integers(10, 14)) * 3600,
        )
        for i in range(n_vehicles)
    ]
    requests = []
    for k in range(draw(st.integers(1, 9))):
        earliest = draw(st.integers(8 * 3600, 12 * 3600))
        passengers = draw(st.integers(1, 4))
        requests.append(
            Request(
                f"r{k}",
                draw(points),
                draw(points),
                earliest,
                earliest + draw(st.integers(5, 120)) * 60,
                passengers,
                draw(st.integers(0, min(1, passengers))),
                max_ride_s=draw(st.one_of(st.none(), st.integers(5, 40).map(lambda m: m * 60))),
            )
        )
    return vehicles, requests


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(instances())
def test_solver_plans_keep_every_rule(instance: tuple[list[Vehicle], list[Request]]) -> None:
    vehicles, requests = instance
    assert_plan_keeps_the_rules(solve(vehicles, requests, TRAVEL), vehicles, requests)


@SETTINGS
@given(instances())
def test_greedy_plans_keep_every_rule(instance: tuple[list[Vehicle], list[Request]]) -> None:
    vehicles, requests = instance
    assert_plan_keeps_the_rules(insert_greedy(vehicles, requests, TRAVEL), vehicles, requests)


@SETTINGS
@given(instances(), st.data())
def test_reoptimising_keeps_promises(
    instance: tuple[list[Vehicle], list[Request]], data: st.DataObject
) -> None:
    """Requests arrive one more at a time; a ride once promised stays served near its promised time."""
    vehicles, requests = instance
    cut = data.draw(st.integers(0, len(requests)))
    first = solve(vehicles, requests[:cut], TRAVEL)
    promised = [
        Request(**{**q.__dict__, "promised_pickup": first.by_request[q.id][1].time})
        if q.id in first.by_request
        else q
        for q in requests[:cut]
    ]
    later = [*promised, *requests[cut:]]
    second = solve(vehicles, later, TRAVEL, initial=first)
    assert_plan_keeps_the_rules(second, vehicles, later)
    assert set(first.by_request) <= set(second.by_request)


def vehicle(seats: int = 4, chairs: int = 0, vid: str = "v0") -> Vehicle:
    return Vehicle(vid, seats, chairs, BASE, 8 * 3600, 18 * 3600)


def test_a_single_ride_is_picked_up_as_early_as_it_can() -> None:
    far = (BASE[0] + 0.01, BASE[1])
    q = Request("r", far, (BASE[0] + 0.02, BASE[1]), 9 * 3600, 10 * 3600)
    for plan in (solve([vehicle()], [q], TRAVEL), insert_greedy([vehicle()], [q], TRAVEL)):
        _vid, pick, drop = plan.by_request["r"]
        assert pick.time == 9 * 3600
        assert drop.time == 9 * 3600 + TRAVEL.dwell_s + drive_s(far, q.destination)
        assert ride_time_ratio(plan, [q], TRAVEL) == pytest.approx(1.0)


def test_a_wheelchair_needs_a_wheelchair_place() -> None:
    q = Request("r", BASE, (BASE[0] + 0.01, BASE[1]), 9 * 3600, 11 * 3600, 1, 1)
    assert solve([vehicle()], [q], TRAVEL).unserved == ["r"]
    assert insert_greedy([vehicle()], [q], TRAVEL).unserved == ["r"]
    plan = solve([vehicle(), vehicle(2, 1, "wagon")], [q], TRAVEL)
    assert plan.by_request["r"][0] == "wagon"


def test_two_groups_that_do_not_fit_together_ride_one_after_the_other() -> None:
    a = Request("a", BASE, (BASE[0] + 0.01, BASE[1]), 9 * 3600, 12 * 3600, 3)
    b = Request("b", BASE, (BASE[0] + 0.01, BASE[1]), 9 * 3600, 12 * 3600, 3)
    plan = solve([vehicle(4)], [a, b], TRAVEL)
    assert plan.served == 2
    stops = [(s.request_id, s.kind) for s in plan.routes[0].stops]
    assert stops.index((stops[0][0], "dropoff")) == 1  # the first group is set down first


def test_the_solver_finds_the_order_greedy_insertion_misses() -> None:
    """Booked first, a far ride takes the only vehicle; planned together, both rides fit."""
    near = Request("near", BASE, (BASE[0] + 0.005, BASE[1]), 9 * 3600, 9 * 3600 + 900)
    far = Request(
        "far", (BASE[0] - 0.05, BASE[1]), (BASE[0] - 0.06, BASE[1]), 8 * 3600 + 1800, 11 * 3600
    )
    greedy = insert_greedy([vehicle()], [far, near], TRAVEL)
    solved = solve([vehicle()], [far, near], TRAVEL)
    assert solved.served == 2
    assert greedy.served <= solved.served
