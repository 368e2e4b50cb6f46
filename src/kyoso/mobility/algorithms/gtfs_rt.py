"""GTFS-Realtime protobuf to plain records and back (no Django).

The consumer parses an operator's feed into a ``Snapshot``; the merged state stored by the
services is turned back into protobuf by ``build_feed`` so downstream apps can read Kyoso as a
GTFS-RT source. Unknown or partial entities are skipped rather than failing the whole feed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from google.protobuf.message import DecodeError
from google.transit import gtfs_realtime_pb2 as rt


class FeedDecodeError(ValueError):
    """The bytes are not a GTFS-Realtime FeedMessage."""


@dataclass(slots=True)
class StopTimeUpdateData:
    stop_sequence: int | None = None
    stop_id: str = ""
    arrival_delay: int | None = None
    arrival_time: int | None = None
    departure_delay: int | None = None
    departure_time: int | None = None
    schedule_relationship: int = 0


@dataclass(slots=True)
class TripUpdateData:
    trip_id: str
    start_date: str = ""
    route_id: str = ""
    vehicle_id: str = ""
    schedule_relationship: int = 0
    delay: int | None = None
    timestamp: int = 0
    stop_time_updates: list[StopTimeUpdateData] = field(default_factory=list)


@dataclass(slots=True)
class VehicleData:
    vehicle_id: str
    lat: float
    lon: float
    label: str = ""
    trip_id: str = ""
    route_id: str = ""
    start_date: str = ""
    bearing: float | None = None
    speed: float | None = None
    current_stop_sequence: int | None = None
    stop_id: str = ""
    current_status: int = 2
    occupancy_status: int | None = None
    timestamp: int = 0


@dataclass(slots=True)
class AlertData:
    alert_id: str
    header: dict[str, str]
    description: dict[str, str] = field(default_factory=dict)
    url: str = ""
    cause: int = 1
    effect: int = 8
    active_from: int | None = None
    active_until: int | None = None
    route_ids: list[str] = field(default_factory=list)
    stop_ids: list[str] = field(default_factory=list)
    trip_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Snapshot:
    timestamp: int = 0
    trip_updates: list[TripUpdateData] = field(default_factory=list)
    vehicles: list[VehicleData] = field(default_factory=list)
    alerts: list[AlertData] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _translations(ts: rt.TranslatedString) -> dict[str, str]:
    out: dict[str, str] = {}
    for t in ts.translation:
        lang = (t.language or "ja").split("-")[0].lower()
        out.setdefault(lang, t.text)
    return out


def parse_feed(data: bytes) -> Snapshot:
    """Return the trip updates, vehicle positions and alerts of a FeedMessage."""
    message = rt.FeedMessage()
    try:
        message.ParseFromString(data)
    except DecodeError as exc:
        raise FeedDecodeError(str(exc)) from exc
    if not message.HasField("header"):
        raise FeedDecodeError("FeedMessage without a header")
    snap = Snapshot(timestamp=int(message.header.timestamp))
    for entity in message.entity:
        if entity.HasField("trip_update") and entity.trip_update.trip.trip_id:
            snap.trip_updates.append(_trip_update(entity.trip_update, snap.timestamp))
        if entity.HasField("vehicle") and entity.vehicle.HasField("position"):
            v = _vehicle(entity.id, entity.vehicle, snap.timestamp)
            if v is not None:
                snap.vehicles.append(v)
        if entity.HasField("alert"):
            header = _translations(entity.alert.header_text)
            if header:
                snap.alerts.append(_alert(entity.id, entity.alert, header))
    return snap


def _trip_update(tu: rt.TripUpdate, default_ts: int) -> TripUpdateData:
    out = TripUpdateData(
        trip_id=tu.trip.trip_id,
        start_date=tu.trip.start_date,
        route_id=tu.trip.route_id,
        vehicle_id=tu.vehicle.id,
        schedule_relationship=int(tu.trip.schedule_relationship),
        delay=int(tu.delay) if tu.HasField("delay") else None,
        timestamp=int(tu.timestamp) or default_ts,
    )
    for s in tu.stop_time_update:
        out.stop_time_updates.append(
            StopTimeUpdateData(
                stop_sequence=int(s.stop_sequence) if s.HasField("stop_sequence") else None,
                stop_id=s.stop_id,
                arrival_delay=int(s.arrival.delay) if s.arrival.HasField("delay") else None,
                arrival_time=int(s.arrival.time) if s.arrival.HasField("time") else None,
                departure_delay=int(s.departure.delay) if s.departure.HasField("delay") else None,
                departure_time=int(s.departure.time) if s.departure.HasField("time") else None,
                schedule_relationship=int(s.schedule_relationship),
            )
        )
    return out


def _vehicle(entity_id: str, vp: rt.VehiclePosition, default_ts: int) -> VehicleData | None:
    lat, lon = vp.position.latitude, vp.position.longitude
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return VehicleData(
        vehicle_id=vp.vehicle.id or entity_id,
        label=vp.vehicle.label,
        lat=float(lat),
        lon=float(lon),
        trip_id=vp.trip.trip_id,
        route_id=vp.trip.route_id,
        start_date=vp.trip.start_date,
        bearing=float(vp.position.bearing) if vp.position.HasField("bearing") else None,
        speed=float(vp.position.speed) if vp.position.HasField("speed") else None,
        current_stop_sequence=int(vp.current_stop_sequence)
        if vp.HasField("current_stop_sequence")
        else None,
        stop_id=vp.stop_id,
        current_status=int(vp.current_status),
        occupancy_status=int(vp.occupancy_status) if vp.HasField("occupancy_status") else None,
        timestamp=int(vp.timestamp) or default_ts,
    )


def _alert(entity_id: str, a: rt.Alert, header: dict[str, str]) -> AlertData:
    start = min((int(p.start) for p in a.active_period if p.start), default=None)
    ends = [int(p.end) for p in a.active_period if p.end]
    return AlertData(
        alert_id=entity_id,
        header=header,
        description=_translations(a.description_text),
        url=next(iter(_translations(a.url).values()), ""),
        cause=int(a.cause),
        effect=int(a.effect),
        active_from=start,
        active_until=max(ends) if ends else None,
        route_ids=sorted({e.route_id for e in a.informed_entity if e.route_id}),
        stop_ids=sorted({e.stop_id for e in a.informed_entity if e.stop_id}),
        trip_ids=sorted({e.trip.trip_id for e in a.informed_entity if e.trip.trip_id}),
    )


def _set_text(target: rt.TranslatedString, texts: dict[str, str]) -> None:
    for lang, text in texts.items():
        if text:
            t = target.translation.add()
            t.text, t.language = text, lang


def build_feed(snapshot: Snapshot, *, include: str = "all") -> bytes:
    """Return a serialized FeedMessage; ``include`` is all, trip_updates, vehicles or alerts."""
    message = rt.FeedMessage()
    message.header.gtfs_realtime_version = "2.0"
    message.header.incrementality = rt.FeedHeader.FULL_DATASET
    message.header.timestamp = snapshot.timestamp
    if include in ("all", "trip_updates"):
        for tu in snapshot.trip_updates:
            e = message.entity.add()
            e.id = f"tu-{tu.trip_id}-{tu.start_date}"
            _fill_trip_update(e.trip_update, tu)
    if include in ("all", "vehicles"):
        for v in snapshot.vehicles:
            e = message.entity.add()
            e.id = f"v-{v.vehicle_id}"
            _fill_vehicle(e.vehicle, v)
    if include in ("all", "alerts"):
        for a in snapshot.alerts:
            e = message.entity.add()
            e.id = a.alert_id
            _fill_alert(e.alert, a)
    return message.SerializeToString()


def _fill_trip_update(out: rt.TripUpdate, tu: TripUpdateData) -> None:
    out.trip.trip_id = tu.trip_id
    if tu.start_date:
        out.trip.start_date = tu.start_date
    if tu.route_id:
        out.trip.route_id = tu.route_id
    out.trip.schedule_relationship = tu.schedule_relationship  # type: ignore[assignment]
    if tu.vehicle_id:
        out.vehicle.id = tu.vehicle_id
    if tu.delay is not None:
        out.delay = tu.delay
    if tu.timestamp:
        out.timestamp = tu.timestamp
    for s in tu.stop_time_updates:
        u = out.stop_time_update.add()
        if s.stop_sequence is not None:
            u.stop_sequence = s.stop_sequence
        if s.stop_id:
            u.stop_id = s.stop_id
        if s.arrival_delay is not None:
            u.arrival.delay = s.arrival_delay
        if s.arrival_time is not None:
            u.arrival.time = s.arrival_time
        if s.departure_delay is not None:
            u.departure.delay = s.departure_delay
        if s.departure_time is not None:
            u.departure.time = s.departure_time
        u.schedule_relationship = s.schedule_relationship  # type: ignore[assignment]


def _fill_vehicle(out: rt.VehiclePosition, v: VehicleData) -> None:
    out.vehicle.id = v.vehicle_id
    if v.label:
        out.vehicle.label = v.label
    if v.trip_id:
        out.trip.trip_id = v.trip_id
    if v.route_id:
        out.trip.route_id = v.route_id
    if v.start_date:
        out.trip.start_date = v.start_date
    out.position.latitude = v.lat
    out.position.longitude = v.lon
    if v.bearing is not None:
        out.position.bearing = v.bearing
    if v.speed is not None:
        out.position.speed = v.speed
    if v.current_stop_sequence is not None:
        out.current_stop_sequence = v.current_stop_sequence
    if v.stop_id:
        out.stop_id = v.stop_id
    out.current_status = v.current_status  # type: ignore[assignment]
    if v.occupancy_status is not None:
        out.occupancy_status = v.occupancy_status  # type: ignore[assignment]
    if v.timestamp:
        out.timestamp = v.timestamp


def _fill_alert(out: rt.Alert, a: AlertData) -> None:
    if a.active_from or a.active_until:
        p = out.active_period.add()
        if a.active_from:
            p.start = a.active_from
        if a.active_until:
            p.end = a.active_until
    for route_id in a.route_ids:
        out.informed_entity.add().route_id = route_id
    for stop_id in a.stop_ids:
        out.informed_entity.add().stop_id = stop_id
    for trip_id in a.trip_ids:
        out.informed_entity.add().trip.trip_id = trip_id
    out.cause = a.cause  # type: ignore[assignment]
    out.effect = a.effect  # type: ignore[assignment]
    _set_text(out.header_text, a.header)
    _set_text(out.description_text, a.description)
    if a.url:
        _set_text(out.url, {"ja": a.url})
