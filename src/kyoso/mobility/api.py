"""API of mobility at /api/v1/mobility/: stops, departures, vehicles, alerts, journeys, taxis,
crowding, feed upload and GTFS-RT push. Reads are public; pushes need an operator's token."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Path, Query, Router, Status
from ninja.files import UploadedFile

from kyoso.core.errors import DomainError
from kyoso.core.schemas import ErrorOut
from kyoso.core.selectors import city_get
from kyoso.mobility import selectors, services
from kyoso.mobility.models import Stop
from kyoso.mobility.schemas import (
    AlertOut,
    CrowdingIn,
    DepartureOut,
    FacilityStatusOut,
    FeedImportOut,
    JourneyResultOut,
    NearbyTaxiOut,
    RealtimeCountsOut,
    RidershipImportOut,
    StopOut,
    TaxiIn,
    TaxiOut,
)

router = Router(tags=["mobility"])
PathId = Annotated[int, Path(ge=1, le=2**53)]
ERRORS: dict[int, type] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def _stop_out(s: Stop) -> dict[str, Any]:
    return {
        "id": s.pk,
        "stop_id": s.stop_id,
        "name": s.name,
        "name_en": s.name_en,
        "lat": s.lat,
        "lon": s.lon,
        "location_type": s.location_type,
        "wheelchair_boarding": s.wheelchair_boarding,
    }


def _facility_out(item: selectors.FacilityNow) -> dict[str, Any]:
    f, s = item.facility, item.status
    minutes = s.waiting_minutes if s else None
    return {
        "code": f.code,
        "name": f.name,
        "kind": f.kind,
        "stop_ids": list(f.stop_ids),
        "waiting_minutes": minutes,
        "crowding": s.crowding if s else "",
        "reported_at": s.reported_at if s else None,
        "valid_until": s.valid_until if s else None,
        "text": f"{f.name_ja}の待ち時間 約{minutes}分" if minutes is not None else "",
    }


@router.get("/{city_slug}/stops", response={200: list[StopOut], **ERRORS}, auth=None)
def list_stops(
    request: HttpRequest, city_slug: str, q: Annotated[str, Query(max_length=80)] = ""
) -> Any:
    """Stops and stations whose name (Japanese or English) or GTFS id matches ``q``."""
    return [_stop_out(s) for s in selectors.stops_search(city_get(city_slug), q, limit=50)]


@router.get(
    "/{city_slug}/stops/{stop_pk}/departures",
    response={200: list[DepartureOut], **ERRORS},
    auth=None,
)
def stop_departures(
    request: HttpRequest,
    city_slug: str,
    stop_pk: PathId,
    minutes: Annotated[int, Query(ge=1, le=24 * 60)] = 90,
) -> Any:
    """Next departures with scheduled and predicted times (delays propagated along the trip)."""
    city = city_get(city_slug)
    stop = selectors.stop_get(city, stop_pk)
    return [
        {
            "trip_id": d.trip_id,
            "route_id": d.route_id,
            "route_name": d.route_name,
            "headsign": d.headsign,
            "stop_name": d.stop_name,
            "stop_sequence": d.stop_sequence,
            "scheduled": d.scheduled,
            "predicted": d.predicted,
            "delay_minutes": d.delay_minutes,
            "cancelled": d.cancelled,
            "wheelchair": d.wheelchair,
        }
        for d in selectors.departures_at(city, stop, minutes=minutes, limit=50)
    ]


@router.get("/{city_slug}/vehicles", response={200: dict, **ERRORS}, auth=None)
def vehicles(request: HttpRequest, city_slug: str) -> Any:
    """Live vehicles as a GeoJSON FeatureCollection."""
    return selectors.vehicles_geojson(city_get(city_slug))


@router.get("/{city_slug}/alerts", response={200: list[AlertOut], **ERRORS}, auth=None)
def alerts(request: HttpRequest, city_slug: str) -> Any:
    return [
        {
            "alert_id": a.alert_id,
            "header": a.header,
            "description": a.description,
            "active_from": a.active_from,
            "active_until": a.active_until,
            "route_ids": a.route_ids,
            "stop_ids": a.stop_ids,
        }
        for a in selectors.alerts_live(city_get(city_slug))
    ]


@router.get("/{city_slug}/journey", response={200: JourneyResultOut, **ERRORS}, auth=None)
def journey(
    request: HttpRequest,
    city_slug: str,
    origin: Annotated[int, Query(ge=1, le=2**53)],
    destination: Annotated[int, Query(ge=1, le=2**53)],
    depart: datetime | None = None,
    until: datetime | None = None,
    max_transfers: Annotated[int, Query(ge=0, le=5)] = 3,
    wheelchair: bool = False,
    walk: Annotated[str, Query(pattern=r"^(standard|elderly|wheelchair)$")] = "standard",
) -> Any:
    """Pareto-optimal journeys (arrival, changes) over every operator's feed; with ``until``,
    all departures in the range. ``walk`` sets the walking pace of changes between stops."""
    from kyoso.mobility.algorithms.network import WALK_SPEEDS_MPS
    from kyoso.mobility.selectors import planner

    city = city_get(city_slug)
    o, d = selectors.stop_get(city, origin), selectors.stop_get(city, destination)
    depart_at = depart or timezone.now()
    if timezone.is_naive(depart_at):
        depart_at = timezone.make_aware(depart_at)
    if abs((depart_at - timezone.now()).days) > 366:
        raise DomainError("depart must be within a year of today", field="depart")
    if until is not None:
        if timezone.is_naive(until):
            until = timezone.make_aware(until)
        if until < depart_at or (until - depart_at).total_seconds() > 6 * 3600:
            raise DomainError("until must be after depart and within 6 hours", field="until")
    results = planner.plan(
        city=city,
        origin=o,
        destination=d,
        depart_at=depart_at,
        until=until,
        max_transfers=max_transfers,
        wheelchair=wheelchair,
        walk_speed_mps=WALK_SPEEDS_MPS[walk],
    )
    gtfs_ids = [d.stop_id, *[c.stop_id for c in d.children.all()]]
    return {
        "origin": _stop_out(o),
        "destination": _stop_out(d),
        "journeys": [
            {
                "depart": j.depart,
                "arrive": j.arrive,
                "minutes": j.minutes,
                "transfers": j.transfers,
                "fare": {
                    "known": j.fare.amount is not None,
                    "amount": j.fare.amount,
                    "currency": j.fare.currency,
                    "by_category": dict(j.fare.by_category),
                },
                "legs": [
                    {
                        "kind": leg.kind,
                        "from_stop": leg.from_stop.name,
                        "from_stop_id": leg.from_stop.pk,
                        "to_stop": leg.to_stop.name,
                        "to_stop_id": leg.to_stop.pk,
                        "depart": leg.depart,
                        "arrive": leg.arrive,
                        "minutes": leg.minutes,
                        "route": leg.route.display_name if leg.route else "",
                        "trip_id": leg.trip_id,
                        "headsign": leg.headsign,
                        "operator": leg.operator,
                    }
                    for leg in j.legs
                ],
            }
            for j in results
        ],
        "destination_facilities": [
            _facility_out(f) for f in selectors.facilities_at_stop(city, gtfs_ids)
        ],
    }


@router.get("/{city_slug}/taxis", response={200: list[NearbyTaxiOut], **ERRORS}, auth=None)
def taxis_near(
    request: HttpRequest,
    city_slug: str,
    stop: Annotated[int | None, Query(ge=1, le=2**53)] = None,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    radius_km: Annotated[float, Query(gt=0, le=30)] = 5.0,
) -> Any:
    """Free taxis near a stop (or a point) with the estimated pickup time."""
    city = city_get(city_slug)
    if stop is not None:
        s = selectors.stop_get(city, stop)
        lat, lon = s.lat, s.lon
    if lat is None or lon is None:
        raise DomainError("give a stop or lat and lon", field="stop")
    return selectors.taxis_near(city, lat, lon, radius_km=radius_km)


@router.post("/{city_slug}/taxis", response={200: TaxiOut, **ERRORS})
def taxi_push(request: HttpRequest, city_slug: str, payload: TaxiIn) -> Any:
    """An operator reports a taxi's position and status (free, hired, off)."""
    return services.taxi_update(
        city=city_get(city_slug),
        actor=request.user,  # type: ignore[arg-type]
        vehicle_id=payload.vehicle_id,
        status=payload.status,
        lat=payload.lat,
        lon=payload.lon,
        company=payload.company,
        wheelchair=payload.wheelchair,
    )


@router.get("/{city_slug}/crowding", response={200: list[FacilityStatusOut], **ERRORS}, auth=None)
def crowding(request: HttpRequest, city_slug: str) -> Any:
    """Waiting time and crowding of hospitals and other destinations."""
    return [_facility_out(f) for f in selectors.facilities_now(city_get(city_slug))]


@router.post("/{city_slug}/crowding", response={201: FacilityStatusOut, **ERRORS})
def crowding_publish(request: HttpRequest, city_slug: str, payload: CrowdingIn) -> Any:
    """A clinic, operator or city staff publishes a facility's waiting time or crowding."""
    city = city_get(city_slug)
    status = services.facility_status_publish(
        city=city,
        actor=request.user,  # type: ignore[arg-type]
        facility_code=payload.facility,
        waiting_minutes=payload.waiting_minutes,
        crowding=payload.crowding,
        note=payload.note,
        valid_minutes=payload.valid_minutes,
    )
    return Status(201, _facility_out(selectors.FacilityNow(status.facility, status)))


@router.post("/{city_slug}/feeds", response={200: FeedImportOut, **ERRORS})
def feed_upload(request: HttpRequest, city_slug: str, file: UploadedFile = File(...)) -> Any:  # noqa: B008
    """Upload a GTFS zip; 422 with the validation report when it is rejected (nothing changes)."""
    result = services.feed_upload(
        city=city_get(city_slug),
        actor=request.user,  # type: ignore[arg-type]
        name=file.name or "feed.zip",
        data=file.read(),
    )
    if not result.ok:
        return Status(
            422,
            {
                "detail": [
                    {
                        "code": "invalid_feed",
                        "message": p.message,
                        "field": f"{p.file}:{p.line}:{p.field}",
                    }
                    for p in result.errors[:200]
                ]
            },
        )
    return {
        "ok": result.ok,
        "feed_id": result.feed.pk if result.feed else None,
        "operator_name": result.feed.operator_name if result.feed else "",
        "version": result.feed.version if result.feed else "",
        "seconds": round(result.seconds, 3),
        "counts": result.feed.counts if result.feed else {},
        "problems": result.report(),
    }


@router.post("/{city_slug}/gtfs-rt", response={200: RealtimeCountsOut, **ERRORS})
def gtfs_rt_push(
    request: HttpRequest,
    city_slug: str,
    file: UploadedFile | None = File(None),  # noqa: B008
) -> Any:
    """An operator pushes a GTFS-Realtime FeedMessage: a multipart ``file``, or the raw body.

    Send the protobuf as a multipart file: the platform refuses raw bodies holding NUL bytes,
    which protobuf messages usually contain.
    """
    if file is not None:
        data = file.read()
    elif (request.content_type or "").startswith("multipart/"):
        raise DomainError(_("Send the feed as the multipart field “file”."), field="file")
    else:
        data = request.body
    return services.realtime_push(
        city=city_get(city_slug),
        actor=request.user,  # type: ignore[arg-type]
        data=data,
    )


@router.post("/{city_slug}/ridership", response={200: RidershipImportOut, **ERRORS})
def ridership_upload(request: HttpRequest, city_slug: str, file: UploadedFile = File(...)) -> Any:  # noqa: B008
    """Upload boardings/alightings: ``date,route_id,stop_id,hour,boardings,alightings``."""
    rows = services.ridership_import(
        city=city_get(city_slug),
        actor=request.user,  # type: ignore[arg-type]
        data=file.read(),
    )
    return {"rows": rows}
