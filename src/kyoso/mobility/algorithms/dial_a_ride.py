"""The dial-a-ride problem of a demand-responsive service (デマンド交通), with no Django.

Riders ask to go from a place to a place between an earliest pickup and a latest arrival; each
ride is picked up and set down by the same vehicle, pickup first, within its time windows, never
longer than its maximum ride time, and no vehicle ever carries more seated riders than its seats
or more wheelchairs than its wheelchair places. ``solve`` answers with OR-Tools' routing library
(a pickup-and-delivery model with time, seat and wheelchair dimensions); ``insert_greedy`` is the
baseline a dispatcher without a solver would use (each request, in booking order, at its cheapest
feasible place). Both share one travel model and one schedule, so their figures compare.

Travel is the straight-line distance times a detour factor at one zone speed (``TravelModel``):
a stated approximation, since a demo zone has no road graph; a dwell time is added at each stop.
Times are whole seconds since midnight of the service day.
"""

from __future__ import annotations

import itertools
import math
import time as clock
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from kyoso.mobility.algorithms.timetable import haversine_m

Point = tuple[float, float]  # (lat, lon)

UNSERVED_PENALTY = 10_000_000  # metres a served request is worth: serving comes first
PROMISED_PENALTY = 1_000_000_000  # dropping a ride already promised to a rider is last resort
PROMISE_EARLY_S = 5 * 60  # a promised pickup may move this much earlier ...
PROMISE_LATE_S = 10 * 60  # ... or this much later when the plan is re-optimised


@dataclass(frozen=True)
class TravelModel:
    """Straight-line metres × ``detour`` at ``speed_kmh``; ``dwell_s`` at each stop (more for a wheelchair)."""

    speed_kmh: float = 20.0
    detour: float = 1.3
    dwell_s: int = 60
    wheelchair_dwell_s: int = 180
    max_ride_factor: float = 1.5
    max_ride_slack_s: int = 10 * 60


@dataclass(frozen=True)
class Vehicle:
    id: str
    seats: int
    wheelchair_places: int
    depot: Point
    shift_start: int
    shift_end: int


@dataclass(frozen=True)
class Request:
    """A ride; ``passengers`` counts everyone, ``wheelchairs`` those of them who stay in a wheelchair."""

    id: str
    origin: Point
    destination: Point
    earliest_pickup: int
    latest_arrival: int
    passengers: int = 1
    wheelchairs: int = 0
    max_ride_s: int | None = None
    promised_pickup: int | None = None  # once told to the rider, kept near it on re-optimising
    vehicle_id: str | None = None  # locked to this vehicle (e.g. the rider is already on board)


@dataclass(frozen=True)
class Stop:
    request_id: str
    kind: str  # "pickup" or "dropoff"
    time: int  # arrival, when boarding or alighting starts
    point: Point


@dataclass
class Route:
    vehicle_id: str
    stops: list[Stop]
    metres: int
    start: int  # leaves the depot
    end: int  # back at the depot


@dataclass
class Plan:
    routes: list[Route]
    unserved: list[str]
    method: str
    seconds: float = 0.0
    status: str = ""
    by_request: dict[str, tuple[str, Stop, Stop]] = field(default_factory=dict)

    @property
    def metres(self) -> int:
        return sum(r.metres for r in self.routes)

    @property
    def served(self) -> int:
        return len(self.by_request)


class Instance:
    """Nodes and matrices: vehicle ``v``'s depot is node v, request k's pickup V+k, its dropoff V+R+k."""

    def __init__(
        self, vehicles: Sequence[Vehicle], requests: Sequence[Request], travel: TravelModel
    ) -> None:
        self.vehicles, self.requests, self.travel = list(vehicles), list(requests), travel
        v, r = len(self.vehicles), len(self.requests)
        self.n_vehicles, self.n_requests = v, r
        points = [x.depot for x in self.vehicles]
        points += [q.origin for q in self.requests] + [q.destination for q in self.requests]
        self.points = points
        lat = np.array([p[0] for p in points], dtype=np.float64)
        lon = np.array([p[1] for p in points], dtype=np.float64)
        metres = haversine_m(lat[:, None], lon[:, None], lat[None, :], lon[None, :]) * travel.detour
        self.metres = np.rint(metres).astype(np.int64)
        self.seconds = np.ceil(metres / (travel.speed_kmh / 3.6)).astype(np.int64)
        dwell = [0] * v + [self._dwell(q) for q in self.requests] * 2
        self.dwell = np.array(dwell, dtype=np.int64)
        seats = [q.passengers - q.wheelchairs for q in self.requests]
        chairs = [q.wheelchairs for q in self.requests]
        self.seats = np.array([0] * v + seats + [-s for s in seats], dtype=np.int64)
        self.chairs = np.array([0] * v + chairs + [-c for c in chairs], dtype=np.int64)
        self.window_lo = np.zeros(len(points), dtype=np.int64)
        self.window_hi = np.zeros(len(points), dtype=np.int64)
        self.max_ride = np.zeros(r, dtype=np.int64)
        for i, veh in enumerate(self.vehicles):
            self.window_lo[i], self.window_hi[i] = veh.shift_start, veh.shift_end
        for k, q in enumerate(self.requests):
            p, d = v + k, v + r + k
            direct = int(self.seconds[p, d]) + int(self.dwell[p])
            self.max_ride[k] = q.max_ride_s or direct + max(
                travel.max_ride_slack_s, int((travel.max_ride_factor - 1) * direct)
            )
            lo, hi = q.earliest_pickup, q.latest_arrival - direct
            if q.promised_pickup is not None:
                lo = max(lo, q.promised_pickup - PROMISE_EARLY_S)
                hi = min(hi, q.promised_pickup + PROMISE_LATE_S)
            self.window_lo[p], self.window_hi[p] = lo, hi
            self.window_lo[d], self.window_hi[d] = lo + direct, q.latest_arrival

    def _dwell(self, q: Request) -> int:
        return self.travel.wheelchair_dwell_s if q.wheelchairs else self.travel.dwell_s

    def pickup(self, k: int) -> int:
        return self.n_vehicles + k

    def dropoff(self, k: int) -> int:
        return self.n_vehicles + self.n_requests + k

    def request_of(self, node: int) -> int:
        return (node - self.n_vehicles) % self.n_requests

    def direct_seconds(self, k: int) -> int:
        return int(self.seconds[self.pickup(k), self.dropoff(k)])

    def route_metres(self, v: int, seq: Sequence[int]) -> int:
        path = [v, *seq, v]
        return int(sum(self.metres[a, b] for a, b in itertools.pairwise(path)))

    def schedule(self, v: int, seq: Sequence[int]) -> list[int] | None:
        """Return the earliest feasible arrival times (depot start, each stop, depot end), or None.

        Waiting is allowed. A ride over its maximum is shortened by picking its rider up later
        and the pass repeated: every rule is a lower bound on a later time, so the least
        schedule is reached or some window closes (no schedule exists for this order).
        """
        veh = self.vehicles[v]
        load_seats = load_chairs = 0
        for node in seq:
            load_seats += int(self.seats[node])
            load_chairs += int(self.chairs[node])
            if load_seats > veh.seats or load_chairs > veh.wheelchair_places:
                return None
        lower = [int(self.window_lo[n]) for n in seq]
        pos = {node: i for i, node in enumerate(seq)}
        for _ in range(4 * len(seq) + 4):
            times, t, prev = [], veh.shift_start, v
            for i, node in enumerate(seq):
                t = max(t + int(self.seconds[prev, node]), lower[i])
                if t > self.window_hi[node]:
                    return None
                times.append(t)
                t += int(self.dwell[node])
                prev = node
            end = t + int(self.seconds[prev, v])
            if end > veh.shift_end:
                return None
            changed = False
            for i, node in enumerate(seq):
                if node >= self.n_vehicles + self.n_requests:
                    k = self.request_of(node)
                    j = pos[self.pickup(k)]
                    if times[i] - times[j] > self.max_ride[k]:
                        lower[j] = times[i] - int(self.max_ride[k])
                        changed = True
            if not changed:
                start = (times[0] - int(self.seconds[v, seq[0]])) if seq else veh.shift_start
                return [start, *times, end]
        return None

    def plan(self, sequences: Sequence[Sequence[int]], method: str, seconds: float) -> Plan:
        """Return the plan of these stop orders, one per vehicle (each must be schedulable)."""
        routes, by_request = [], {}
        for v, seq in enumerate(sequences):
            times = self.schedule(v, seq)
            if times is None:
                raise ValueError(f"vehicle {self.vehicles[v].id}: the stop order has no schedule")
            stops = []
            for node, t in zip(seq, times[1:-1], strict=False):
                k = self.request_of(node)
                kind = "pickup" if node < self.n_vehicles + self.n_requests else "dropoff"
                stops.append(Stop(self.requests[k].id, kind, t, self.points[node]))
            routes.append(
                Route(self.vehicles[v].id, stops, self.route_metres(v, seq), times[0], times[-1])
            )
            picks = {s.request_id: s for s in stops if s.kind == "pickup"}
            for s in stops:
                if s.kind == "dropoff":
                    by_request[s.request_id] = (self.vehicles[v].id, picks[s.request_id], s)
        unserved = [q.id for q in self.requests if q.id not in by_request]
        return Plan(routes, unserved, method, round(seconds, 4), by_request=by_request)

    def sequences_of(self, plan: Plan) -> list[list[int]]:
        """Return a plan's stop orders as nodes of this instance (unknown requests dropped)."""
        index = {q.id: k for k, q in enumerate(self.requests)}
        by_vehicle = {r.vehicle_id: r for r in plan.routes}
        sequences: list[list[int]] = []
        for veh in self.vehicles:
            seq: list[int] = []
            route = by_vehicle.get(veh.id)
            for s in route.stops if route else []:
                if s.request_id in index:
                    k = index[s.request_id]
                    seq.append(self.pickup(k) if s.kind == "pickup" else self.dropoff(k))
            sequences.append(seq)
        return sequences


def insert_greedy(
    vehicles: Sequence[Vehicle],
    requests: Sequence[Request],
    travel: TravelModel,
    *,
    initial: Plan | None = None,
) -> Plan:
    """Return the plan made by inserting each request, in the given order, where it adds least distance."""
    started = clock.perf_counter()
    inst = Instance(vehicles, requests, travel)
    sequences = inst.sequences_of(initial) if initial else [[] for _ in inst.vehicles]
    placed = {inst.request_of(n) for seq in sequences for n in seq}
    for k in range(inst.n_requests):
        if k not in placed:
            _insert_one(inst, sequences, k)
    return inst.plan(sequences, "greedy insertion", clock.perf_counter() - started)


def _insert_one(inst: Instance, sequences: list[list[int]], k: int) -> bool:
    p, d = inst.pickup(k), inst.dropoff(k)
    allowed = inst.requests[k].vehicle_id
    candidates: list[tuple[int, int, int, int]] = []
    for v, seq in enumerate(sequences):
        if allowed is not None and inst.vehicles[v].id != allowed:
            continue
        times = inst.schedule(v, seq)
        if times is None:
            continue
        path = [v, *seq, v]
        for i in range(len(seq) + 1):
            if times[i] > inst.window_hi[p]:  # the stop before is already too late
                break
            a, b = path[i], path[i + 1]
            add_p = inst.metres[a, p] + inst.metres[p, b] - inst.metres[a, b]
            for j in range(i, len(seq) + 1):
                if j > i and times[j] - max(times[i], int(inst.window_lo[p])) > inst.max_ride[k]:
                    break
                if j == i:
                    cost = inst.metres[a, p] + inst.metres[p, d] + inst.metres[d, b]
                    cost -= inst.metres[a, b]
                else:
                    c, e = path[j], path[j + 1]
                    cost = add_p + inst.metres[c, d] + inst.metres[d, e] - inst.metres[c, e]
                candidates.append((int(cost), v, i, j))
    for _cost, v, i, j in sorted(candidates):
        seq = sequences[v]
        trial = [*seq[:i], p, *seq[i:j], d, *seq[j:]]
        if inst.schedule(v, trial) is not None:
            sequences[v] = trial
            return True
    return False


def solve(
    vehicles: Sequence[Vehicle],
    requests: Sequence[Request],
    travel: TravelModel,
    *,
    time_limit_s: float | None = None,
    initial: Plan | None = None,
) -> Plan:
    """Return the plan OR-Tools finds: most requests served, then least vehicle-metres.

    Without ``time_limit_s`` the search stops at the first local optimum (fast, for re-planning
    on each booking); with it, guided local search improves the plan until the limit. ``initial``
    (the previous plan) is the starting point when it still fits, so re-optimising as requests
    arrive starts from what riders were told.
    """
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    started = clock.perf_counter()
    inst = Instance(vehicles, requests, travel)
    if inst.n_requests == 0:
        return inst.plan([[] for _ in inst.vehicles], "OR-Tools", clock.perf_counter() - started)
    n, nv = len(inst.points), inst.n_vehicles
    manager = pywrapcp.RoutingIndexManager(n, nv, list(range(nv)), list(range(nv)))
    routing = pywrapcp.RoutingModel(manager)
    cost = routing.RegisterTransitMatrix(inst.metres.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(cost)
    timing = routing.RegisterTransitMatrix((inst.seconds + inst.dwell[:, None]).tolist())
    horizon = int(max(inst.window_hi.max(), max(x.shift_end for x in inst.vehicles))) + 1
    routing.AddDimension(timing, horizon, horizon, False, "time")
    time_dim = routing.GetDimensionOrDie("time")
    for name, demand, caps in (
        ("seats", inst.seats, [x.seats for x in inst.vehicles]),
        ("wheelchairs", inst.chairs, [x.wheelchair_places for x in inst.vehicles]),
    ):
        unary = routing.RegisterUnaryTransitVector(demand.tolist())
        routing.AddDimensionWithVehicleCapacity(unary, 0, caps, True, name)
    for v, veh in enumerate(inst.vehicles):
        time_dim.CumulVar(routing.Start(v)).SetRange(veh.shift_start, veh.shift_end)
        time_dim.CumulVar(routing.End(v)).SetRange(veh.shift_start, veh.shift_end)
    solver = routing.solver()
    vehicle_index = {x.id: v for v, x in enumerate(inst.vehicles)}
    for k, q in enumerate(inst.requests):
        p = manager.NodeToIndex(inst.pickup(k))
        d = manager.NodeToIndex(inst.dropoff(k))
        routing.AddPickupAndDelivery(p, d)
        solver.Add(routing.VehicleVar(p) == routing.VehicleVar(d))
        solver.Add(time_dim.CumulVar(p) <= time_dim.CumulVar(d))
        solver.Add(time_dim.CumulVar(d) - time_dim.CumulVar(p) <= int(inst.max_ride[k]))
        penalty = PROMISED_PENALTY if q.promised_pickup is not None else UNSERVED_PENALTY
        routing.AddDisjunction([p, d], penalty, 2)
        if q.vehicle_id is not None and q.vehicle_id in vehicle_index:
            routing.SetAllowedVehiclesForIndex([vehicle_index[q.vehicle_id]], p)
            routing.SetAllowedVehiclesForIndex([vehicle_index[q.vehicle_id]], d)
        if inst.window_hi[inst.pickup(k)] < inst.window_lo[inst.pickup(k)]:
            solver.Add(routing.ActiveVar(p) == 0)  # no drive is fast enough: cannot be served
            continue
        for node, index in ((inst.pickup(k), p), (inst.dropoff(k), d)):
            time_dim.CumulVar(index).SetRange(int(inst.window_lo[node]), int(inst.window_hi[node]))
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    if time_limit_s is not None:
        params.local_search_metaheuristic = (
            routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
        )
        params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    else:
        params.time_limit.FromSeconds(60)
    solution = None
    if initial is not None:
        start = [[manager.NodeToIndex(x) for x in seq] for seq in inst.sequences_of(initial)]
        assignment = routing.ReadAssignmentFromRoutes(start, True)
        if assignment is not None:
            solution = routing.SolveFromAssignmentWithParameters(assignment, params)
    if solution is None:
        solution = routing.SolveWithParameters(params)
    if solution is None:  # no plan at all: serve nothing rather than fail the booking
        return inst.plan([[] for _ in inst.vehicles], "OR-Tools", clock.perf_counter() - started)
    sequences = []
    for v in range(nv):
        seq, index = [], solution.Value(routing.NextVar(routing.Start(v)))
        while not routing.IsEnd(index):
            seq.append(manager.IndexToNode(index))
            index = solution.Value(routing.NextVar(index))
        sequences.append(_feasible_order(inst, v, seq))
    plan = inst.plan(sequences, "OR-Tools", clock.perf_counter() - started)
    plan.status = str(routing.status())
    return plan


def _feasible_order(inst: Instance, v: int, seq: list[int]) -> list[int]:
    """Return the solver's order if our schedule accepts it, else the rides of it that fit.

    Both use the same integer matrices, so this is a guard: a plan handed out is always kept.
    """
    if inst.schedule(v, seq) is not None:
        return seq
    kept: set[int] = set()
    for node in seq:
        if node < inst.n_vehicles + inst.n_requests:
            trial = kept | {inst.request_of(node)}
            if inst.schedule(v, [x for x in seq if inst.request_of(x) in trial]) is not None:
                kept = trial
    return [x for x in seq if inst.request_of(x) in kept]


def ride_time_ratio(plan: Plan, instance_requests: Sequence[Request], travel: TravelModel) -> float:
    """Return the mean over served rides of ride time ÷ direct drive time (1.0 is a private taxi)."""
    inst = Instance([], instance_requests, travel)
    ratios = []
    for k, q in enumerate(inst.requests):
        if q.id in plan.by_request:
            _vid, pick, drop = plan.by_request[q.id]
            direct = inst.direct_seconds(k) + int(inst.dwell[inst.pickup(k)])
            ratios.append((drop.time - pick.time) / max(direct, 1))
    return float(np.mean(ratios)) if ratios else math.nan
