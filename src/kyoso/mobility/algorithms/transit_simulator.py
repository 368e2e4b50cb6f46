"""A GTFS-Realtime simulator for the demo: vehicles run the timetable with random delays (no Django).

Each running trip gets a deterministic delay profile from (seed, trip, day): a start delay and
a drift along the trip, a few trips much later than others. A vehicle's position is the point
its delayed schedule reaches, interpolated along the shape between stops (or the straight line
when the feed has no shape). ``serve`` publishes the snapshot as protobuf over HTTP, the same
format an operator's GTFS-RT endpoint returns.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import random
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from kyoso.mobility.algorithms import gtfs_rt
from kyoso.mobility.algorithms.service_clock import service_seconds


@dataclass(frozen=True, slots=True)
class TripPlan:
    trip_id: str
    route_id: str
    service_day: date
    stop_ids: tuple[str, ...]
    sequences: tuple[int, ...]
    arrivals: tuple[int, ...]  # seconds since the service day's midnight
    departures: tuple[int, ...]
    # For each stop, the polyline (lat, lon) from it to the next stop; the last is empty.
    legs: tuple[tuple[tuple[float, float], ...], ...]
    label: str = ""


def legs_from(
    stops: list[tuple[float, float]], shape: list[tuple[float, float]] | None
) -> tuple[tuple[tuple[float, float], ...], ...]:
    """Return the polyline between consecutive stops, cut from ``shape`` when there is one."""
    if not shape or len(shape) < 2:
        return (*((stops[i], stops[i + 1]) for i in range(len(stops) - 1)), ())
    cuts, start = [], 0
    for lat, lon in stops:
        best, best_d = start, math.inf
        for k in range(start, len(shape)):
            d = (shape[k][0] - lat) ** 2 + (shape[k][1] - lon) ** 2
            if d < best_d:
                best, best_d = k, d
        cuts.append(best)
        start = best
    out = []
    for i in range(len(stops) - 1):
        part = shape[cuts[i] : cuts[i + 1] + 1]
        out.append((stops[i], *part[1:-1], stops[i + 1]))
    out.append(())
    return tuple(out)


def _along(line: tuple[tuple[float, float], ...], fraction: float) -> tuple[float, float, float]:
    """Return (lat, lon, bearing) at ``fraction`` of the polyline's length."""
    if len(line) < 2:
        return line[0][0], line[0][1], 0.0
    lengths = [math.dist(a, b) for a, b in itertools.pairwise(line)]
    goal = max(0.0, min(1.0, fraction)) * sum(lengths)
    for (a, b), seg in zip(itertools.pairwise(line), lengths, strict=True):
        if goal <= seg or (seg == 0 and goal == 0):
            f = goal / seg if seg else 0.0
            bearing = math.degrees(math.atan2(b[1] - a[1], b[0] - a[0])) % 360
            return a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, bearing
        goal -= seg
    a, b = line[-2], line[-1]
    return b[0], b[1], math.degrees(math.atan2(b[1] - a[1], b[0] - a[0])) % 360


class Simulator:
    """Vehicles of the given trips at any instant; deterministic for a seed."""

    def __init__(self, plans: list[TripPlan], *, seed: int = 7, tz: str = "Asia/Tokyo") -> None:
        self.plans = plans
        self.seed = seed
        self.tz = tz
        self._profiles: dict[tuple[str, date], tuple[int, int]] = {}

    def _profile(self, plan: TripPlan) -> tuple[int, int]:
        key = (plan.trip_id, plan.service_day)
        if key not in self._profiles:
            digest = hashlib.sha256(
                f"{self.seed}|{plan.trip_id}|{plan.service_day}".encode()
            ).digest()
            rng = random.Random(digest)  # noqa: S311 - simulation, not security
            start = rng.randint(0, 90)
            drift = rng.randint(-30, 240)
            if rng.random() < 0.1:
                start += rng.randint(240, 540)
            self._profiles[key] = (start, drift)
        return self._profiles[key]

    def delay_at(self, plan: TripPlan, index: int) -> int:
        """Return the delay in seconds at stop ``index`` of the trip (never early at the start)."""
        start, drift = self._profile(plan)
        n = max(len(plan.stop_ids) - 1, 1)
        return max(0, round(start + drift * index / n))

    def snapshot(self, now: datetime) -> gtfs_rt.Snapshot:
        """Return trip updates and vehicle positions of every trip on the road at ``now``."""
        snap = gtfs_rt.Snapshot(timestamp=int(now.timestamp()))
        today, secs = service_seconds(now, self.tz)
        for plan in self.plans:
            offset = (today - plan.service_day).days * 86400
            t = secs + offset
            if (
                not plan.departures[0] - 60
                <= t
                <= plan.arrivals[-1] + self.delay_at(plan, len(plan.arrivals) - 1)
            ):
                continue
            state = self._where(plan, t)
            if state is None:
                continue
            index, fraction, at_stop = state
            delay = self.delay_at(plan, index)
            start_date = plan.service_day.strftime("%Y%m%d")
            vehicle_id = plan.label or f"V-{plan.trip_id}"
            updates = [
                gtfs_rt.StopTimeUpdateData(
                    stop_sequence=plan.sequences[k],
                    stop_id=plan.stop_ids[k],
                    arrival_delay=self.delay_at(plan, k),
                    departure_delay=self.delay_at(plan, k),
                )
                for k in range(index, len(plan.stop_ids))
            ]
            snap.trip_updates.append(
                gtfs_rt.TripUpdateData(
                    trip_id=plan.trip_id,
                    start_date=start_date,
                    route_id=plan.route_id,
                    vehicle_id=vehicle_id,
                    delay=delay,
                    timestamp=snap.timestamp,
                    stop_time_updates=updates,
                )
            )
            if at_stop:
                lat, lon = plan.legs[index][0] if plan.legs[index] else plan.legs[index - 1][-1]
                bearing = 0.0
                seq, stop_id, status = plan.sequences[index], plan.stop_ids[index], 1
            else:
                lat, lon, bearing = _along(plan.legs[index], fraction)
                seq, stop_id, status = plan.sequences[index + 1], plan.stop_ids[index + 1], 2
            snap.vehicles.append(
                gtfs_rt.VehicleData(
                    vehicle_id=vehicle_id,
                    label=vehicle_id,
                    lat=round(lat, 6),
                    lon=round(lon, 6),
                    trip_id=plan.trip_id,
                    route_id=plan.route_id,
                    start_date=start_date,
                    bearing=round(bearing, 1),
                    current_stop_sequence=seq,
                    stop_id=stop_id,
                    current_status=status,
                    timestamp=snap.timestamp,
                )
            )
        return snap

    def _where(self, plan: TripPlan, t: int) -> tuple[int, float, bool] | None:
        """Return (stop index, fraction to the next stop, standing at the stop) at time ``t``."""
        n = len(plan.stop_ids)
        for i in range(n):
            delay = self.delay_at(plan, i)
            arrive, depart = plan.arrivals[i] + delay, plan.departures[i] + delay
            if i == 0 and t < plan.departures[0] + delay:
                return 0, 0.0, True
            if arrive <= t <= depart:
                return i, 0.0, True
            if i + 1 < n:
                nxt = plan.arrivals[i + 1] + self.delay_at(plan, i + 1)
                if depart < t < nxt:
                    return i, (t - depart) / max(nxt - depart, 1), False
        return None


def serve(simulator: Simulator, host: str = "127.0.0.1", port: int = 8765) -> ThreadingHTTPServer:
    """Return a running HTTP server (in a daemon thread) publishing the simulator's feed."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = gtfs_rt.build_feed(simulator.snapshot(datetime.now(UTC)))
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return  # quiet: the consumer logs what it merged

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
