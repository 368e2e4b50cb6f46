"""Pages of demand-responsive transport: booking (also for a citizen), the ride, the dispatch board."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kyoso.core.access import has_role, require_role
from kyoso.core.errors import DomainError
from kyoso.core.http import AuthedCityRequest, CityRequest
from kyoso.core.models import User
from kyoso.mobility import selectors, services
from kyoso.mobility.forms import DemandBookingForm, DispatchDayForm, FlexUploadForm
from kyoso.mobility.models import DemandService, RideRequest

MAP_PICK = "__map__"


def _place_choices(services_: list[DemandService]) -> list[tuple[str, str]]:
    return [
        (f"{s.code}:{i}", p["name"] if len(services_) == 1 else f"{p['name']}（{s.name}）")
        for s in services_
        for i, p in enumerate(s.places)
    ]


def _place(service: DemandService, key: str, data: dict[str, Any], field: str) -> services.Place:
    if (
        key == MAP_PICK
        and data.get(f"{field}_lat") is not None
        and data.get(f"{field}_lon") is not None
    ):
        return services.Place(_("Point on the map"), data[f"{field}_lat"], data[f"{field}_lon"])
    code, _sep, index = key.partition(":")
    if code != service.code or not index.isdigit() or int(index) >= len(service.places):
        raise DomainError(_("Choose a place of this service."), field=field)
    p = service.places[int(index)]
    return services.Place(p["name"], float(p["lat"]), float(p["lon"]))


def demand(request: CityRequest, city_slug: str) -> HttpResponse:
    """The services, the person's rides and the booking form (staff may book for a citizen)."""
    city = request.city
    offered = list(selectors.demand_services(city))
    form = DemandBookingForm(
        request.POST or None,
        initial={"date": timezone.localdate() + timedelta(days=1), "time": "10:00"},
    )
    form.fields["service"].choices = [(s.code, s.name) for s in offered]  # type: ignore[attr-defined]
    places = _place_choices(offered)
    form.fields["origin"].choices = [*places, (MAP_PICK, _("The point I chose on the map"))]  # type: ignore[attr-defined]
    form.fields["destination"].choices = places  # type: ignore[attr-defined]
    can_proxy = has_role(request.user, city, *services.PROXY_ROLES)
    if not can_proxy:
        del form.fields["rider_email"]
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('core:login')}?next={request.path}")
        if form.is_valid():
            data = form.cleaned_data
            service = next(s for s in offered if s.code == data["service"])
            rider = None
            if can_proxy and data.get("rider_email"):
                rider = User.objects.filter(email__iexact=data["rider_email"]).first()
                if rider is None:
                    form.add_error("rider_email", _("No account has this e-mail address."))
            try:
                if not form.errors:
                    tz = ZoneInfo(city.time_zone)
                    ride = services.ride_book(
                        city=city,
                        actor=request.user,
                        service=service,
                        origin=_place(service, data["origin"], data, "origin"),
                        destination=_place(service, data["destination"], data, "destination"),
                        earliest_pickup=datetime.combine(data["date"], data["time"], tzinfo=tz),
                        passengers=data["passengers"],
                        wheelchairs=1 if data["wheelchair"] else 0,
                        rider=rider,
                        note=data["note"],
                    )
                    return redirect("mobility:ride", city.slug, ride.pk)
            except DomainError as exc:
                target = exc.field if exc.field in form.fields else None
                if exc.field == "earliest_pickup":
                    target = "time"
                form.add_error(target, str(exc))
    rides = selectors.rides_of(city, request.user) if request.user.is_authenticated else []
    return render(
        request,
        "mobility/demand.html",
        {
            "offered": offered,
            "form": form,
            "rides": rides,
            "can_proxy": can_proxy,
            "can_manage": has_role(request.user, city, *services.DEMAND_ROLES),
            "map_pick": MAP_PICK,
        },
    )


@login_required
def ride(request: AuthedCityRequest, city_slug: str, ride_pk: int) -> HttpResponse:
    item = selectors.ride_get(request.city, request.user, ride_pk)
    position = selectors.vehicle_position(item.vehicle, item.service_date) if item.vehicle else None
    return render(
        request,
        "mobility/ride.html",
        {"ride": item, "position": position, "can_cancel": item.status == "scheduled"},
    )


@login_required
def ride_geojson(request: AuthedCityRequest, city_slug: str, ride_pk: int) -> JsonResponse:
    """The ride's pickup, destination and vehicle (live or where the plan puts it) as GeoJSON."""
    item = selectors.ride_get(request.city, request.user, ride_pk)
    return JsonResponse(_ride_features(item))


def _ride_features(item: RideRequest) -> dict[str, Any]:
    def point(lat: float, lon: float, **props: Any) -> dict[str, Any]:
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": props,
        }

    features = [
        point(
            item.origin_lat,
            item.origin_lon,
            name=_("Pickup: %(place)s") % {"place": item.origin_name},
            symbol="乗",
            color="#0b5c8a",
            status_label=_("pickup"),
        ),
        point(
            item.destination_lat,
            item.destination_lon,
            name=_("Destination: %(place)s") % {"place": item.destination_name},
            symbol="降",
            color="#4a4a4a",
            status_label=_("destination"),
        ),
    ]
    if item.vehicle is not None:
        lat, lon, source = selectors.vehicle_position(item.vehicle, item.service_date)
        features.append(
            point(
                lat,
                lon,
                name=item.vehicle.name,
                symbol="車",
                color="#b3261e",
                status_label=_("vehicle"),
                description=source,
            )
        )
    return {"type": "FeatureCollection", "features": features}


def zone_geojson(request: CityRequest, city_slug: str, code: str) -> JsonResponse:
    service = selectors.demand_service_get(request.city, code)
    feature = {
        "type": "Feature",
        "geometry": service.zone,
        "properties": {"name": service.zone_name or service.name},
    }
    return JsonResponse({"type": "FeatureCollection", "features": [feature]})


def flex_export(request: CityRequest, city_slug: str, code: str) -> HttpResponse:
    """The service as a GTFS-Flex v2 zip, valid for a year from today (for OpenTripPlanner)."""
    from kyoso.mobility.algorithms.gtfs_flex import flex_zip

    service = selectors.demand_service_get(request.city, code)
    today = timezone.localdate()
    files = selectors.demand_flex_export(
        request.city, [service], start=today, end=today + timedelta(days=365)
    )
    response = HttpResponse(flex_zip(files), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{service.code}-gtfs-flex.zip"'
    return response


@login_required
@require_POST
def ride_cancel(request: AuthedCityRequest, city_slug: str, ride_pk: int) -> HttpResponse:
    item = selectors.ride_get(request.city, request.user, ride_pk)
    services.ride_cancel(city=request.city, actor=request.user, ride=item)
    return redirect("mobility:ride", request.city.slug, item.pk)


@login_required
def demand_staff(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    """Operators' list of services with the GTFS-Flex import."""
    city = request.city
    require_role(request.user, city, *services.DEMAND_ROLES)
    upload = FlexUploadForm(request.POST or None, request.FILES or None)
    imported: list[DemandService] = []
    if request.method == "POST" and upload.is_valid():
        try:
            imported = services.demand_flex_import(
                city=city,
                actor=request.user,
                data=upload.cleaned_data["file"].read(),
                operator_name=upload.cleaned_data["operator_name"],
            )
        except DomainError as exc:
            upload.add_error("file", str(exc))
    return render(
        request,
        "mobility/demand_staff.html",
        {"upload": upload, "imported": imported, "offered": selectors.demand_services(city)},
    )


@login_required
def dispatch(request: AuthedCityRequest, city_slug: str, code: str) -> HttpResponse:
    """The operator's board for a day: each vehicle's stops in order; re-optimise on demand."""
    city = request.city
    require_role(request.user, city, *services.DEMAND_ROLES)
    service = selectors.demand_service_get(city, code)
    form = DispatchDayForm(request.GET or None, initial={"date": timezone.localdate()})
    day = form.cleaned_data["date"] if form.is_valid() else timezone.localdate()
    if request.method == "POST":
        services.demand_dispatch(
            city=city, actor=request.user, service=service, day=day, time_limit_s=5.0
        )
        return redirect(
            f"{reverse('mobility:dispatch', args=[city.slug, code])}?date={day.isoformat()}"
        )
    return render(
        request,
        "mobility/dispatch.html",
        {"form": form, "board": selectors.dispatch_board(city, service, day)},
    )
