"""The consumer reads the simulator's protobuf over real HTTP, as it would an operator's feed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Max
from django.utils import timezone

from kyoso.core.errors import DomainError
from kyoso.mobility import selectors, services
from kyoso.mobility.algorithms import gtfs_rt
from kyoso.mobility.algorithms.transit_simulator import Simulator, serve
from kyoso.mobility.models import RealtimeTripUpdate, Stop, StopTime, VehiclePosition

pytestmark = pytest.mark.django_db


def _busy_time():  # type: ignore[no-untyped-def]
    """The latest weekday 10:00 local that has passed, when every demo line runs.

    Not a future one: real-time data expires some minutes after it arrives (real time), so a
    departure board asked about a time hours ahead would rightly show no predictions.
    """
    day = timezone.localdate()
    if timezone.localtime().hour < 11:
        day -= timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return timezone.make_aware(
        timezone.datetime.combine(day, timezone.datetime.min.time())
    ).replace(hour=10)


def test_simulator_moves_vehicles_along_trips(city, demo_feed):
    now = _busy_time()
    sim = Simulator(selectors.simulator_plans(city, now), seed=3)
    first = sim.snapshot(now)
    later = sim.snapshot(now + timedelta(seconds=60))
    assert len(first.vehicles) >= 8
    moved = {v.vehicle_id: (v.lat, v.lon) for v in later.vehicles}
    assert any(moved.get(v.vehicle_id, (v.lat, v.lon)) != (v.lat, v.lon) for v in first.vehicles)
    for tu in first.trip_updates:
        delays = [s.departure_delay for s in tu.stop_time_updates]
        assert all(d is not None and d >= 0 for d in delays)
    assert sim.snapshot(now).vehicles == first.vehicles  # deterministic for a seed


def test_consumer_polls_simulator_over_http(city, demo_feed, monkeypatch):
    now = _busy_time()
    sim = Simulator(selectors.simulator_plans(city, now), seed=5)
    monkeypatch.setattr(sim, "snapshot", lambda _now, s=sim.snapshot: s(now))
    server = serve(sim, "127.0.0.1", 0)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        counts = services.realtime_poll(city=city, url=url)
    finally:
        server.shutdown()
    assert counts["vehicles"] == VehiclePosition.objects.filter(city=city).count() >= 8
    assert counts["trip_updates"] == RealtimeTripUpdate.objects.filter(city=city).count()
    # The merged state shows up in departures and is re-published as GTFS-RT.
    # (A trip's last stop is an arrival, not a departure: take an update of an earlier stop.)
    last = dict(
        StopTime.objects.filter(feed=demo_feed)
        .values_list("trip__trip_id")
        .annotate(Max("stop_sequence"))
    )
    tu, stu = next(
        (tu, stu)
        for tu in RealtimeTripUpdate.objects.filter(city=city).prefetch_related("stop_time_updates")
        for stu in tu.stop_time_updates.all()
        if stu.stop_sequence is not None and stu.stop_sequence < last.get(tu.trip_id, 0)
    )
    stop = Stop.objects.get(feed=demo_feed, stop_id=stu.stop_id)
    deps = selectors.departures_at(city, stop, now=now - timedelta(minutes=10), minutes=60)
    assert any(d.trip_id == tu.trip_id and d.predicted is not None for d in deps)
    republished = gtfs_rt.parse_feed(
        gtfs_rt.build_feed(selectors.realtime_snapshot(city, now=timezone.now()))
    )
    assert len(republished.vehicles) == counts["vehicles"]


def test_poll_of_dead_url_is_a_domain_error(city):
    with pytest.raises(DomainError):
        services.realtime_poll(city=city, url="http://127.0.0.1:9/", timeout=1)
