"""Pages of the mobility app: stops and live departures, sign mode, map, journeys, staff tools."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from kyoso.core.access import has_role, is_staff, organisations_of, require_role
from kyoso.core.http import AuthedCityRequest, CityRequest
from kyoso.core.models import City, Role
from kyoso.mobility import selectors, services
from kyoso.mobility.algorithms import gtfs_rt
from kyoso.mobility.algorithms.place_names import Place
from kyoso.mobility.forms import (
    CrowdingForm,
    FeedUploadForm,
    JourneyForm,
    RidershipUploadForm,
    StopSearchForm,
    SupplyDemandForm,
)
from kyoso.mobility.models import Stop

SIGN_REFRESH_SECONDS = 30


def index(request: CityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    form = StopSearchForm(request.GET or None)
    stops = selectors.stops_search(city, form.cleaned_data["q"]) if form.is_valid() else []
    feeds = selectors.active_feeds(city)
    return render(
        request,
        "mobility/index.html",
        {
            "form": form,
            "stops": stops,
            "searched": form.is_bound,
            "feeds": feeds,
            "is_demo": any(f.is_demo for f in feeds),
            "alerts": selectors.alerts_live(city),
            "facilities": selectors.facilities_now(city),
            "can_manage": has_role(request.user, city, Role.OPERATOR, Role.STAFF),
        },
    )


def _stop_context(request: CityRequest, stop: Stop) -> dict[str, object]:
    city = request.city
    departures = selectors.departures_at(city, stop)
    gtfs_ids = selectors.stop_gtfs_ids(stop)
    return {
        "stop": stop,
        "departures": departures,
        "updated": timezone.now(),
        "alerts": selectors.alerts_live(
            city, stop_ids=gtfs_ids, route_ids=sorted({d.route_id for d in departures})
        ),
        "facilities": selectors.facilities_at_stop(city, gtfs_ids),
    }


def stop_detail(request: CityRequest, city_slug: str, stop_pk: int) -> HttpResponse:
    stop = selectors.stop_get(request.city, stop_pk)
    context = _stop_context(request, stop)
    if stop.lat is not None and stop.lon is not None:
        context["taxis"] = selectors.taxis_near(request.city, stop.lat, stop.lon)
    return render(request, "mobility/stop.html", context)


def stop_departures(request: CityRequest, city_slug: str, stop_pk: int) -> HttpResponse:
    """The departures table alone, for htmx to refresh in place."""
    stop = selectors.stop_get(request.city, stop_pk)
    return render(request, "mobility/_departures.html", _stop_context(request, stop))


def stop_sign(request: CityRequest, city_slug: str, stop_pk: int) -> HttpResponse:
    """Large-text sign for screens at stops, hospitals and community centres; refreshes itself."""
    stop = selectors.stop_get(request.city, stop_pk)
    context = _stop_context(request, stop)
    context["departures"] = context["departures"][:6]  # type: ignore[index]
    context["refresh"] = SIGN_REFRESH_SECONDS
    return render(request, "mobility/sign.html", context)


@require_GET
def vehicles_geojson(request: CityRequest, city_slug: str) -> JsonResponse:
    response = JsonResponse(selectors.vehicles_geojson(request.city))
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def stops_geojson(request: CityRequest, city_slug: str) -> JsonResponse:
    return JsonResponse(selectors.stops_geojson(request.city))


def _gtfs_rt(request: CityRequest, include: str) -> HttpResponse:
    snapshot = selectors.realtime_snapshot(request.city)
    if request.GET.get("format") == "json":
        data = snapshot.as_dict()
        keep = {"trip_updates": "trip_updates", "vehicles": "vehicles", "alerts": "alerts"}[include]
        return JsonResponse({"timestamp": data["timestamp"], keep: data[keep]})
    response = HttpResponse(
        gtfs_rt.build_feed(snapshot, include=include), content_type="application/x-protobuf"
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def gtfs_rt_trip_updates(request: CityRequest, city_slug: str) -> HttpResponse:
    return _gtfs_rt(request, "trip_updates")


@require_GET
def gtfs_rt_vehicles(request: CityRequest, city_slug: str) -> HttpResponse:
    return _gtfs_rt(request, "vehicles")


@require_GET
def gtfs_rt_alerts(request: CityRequest, city_slug: str) -> HttpResponse:
    return _gtfs_rt(request, "alerts")


@dataclass(frozen=True)
class _Resolved:
    """What a search box's text became: a stop (through a place), or places to choose from."""

    stop: Stop | None
    place: Place | None
    suggestions: tuple[Place, ...]


def _resolve(city: City, text: str) -> _Resolved:
    if text.startswith("#") and text[1:].isdigit():
        stop = Stop.objects.filter(city=city, pk=int(text[1:]), feed__is_active=True).first()
        return _Resolved(stop, None, ())
    found = selectors.place_match(city, text)
    place = found.resolved
    if place is None:
        return _Resolved(None, None, found.suggestions)
    return _Resolved(selectors.place_stop(city, place), place, ())


def _place_error(form: forms.Form, field: str, found: _Resolved) -> None:
    if found.suggestions:
        form.add_error(field, _("More than one place fits, or none exactly: choose one below."))
    else:
        form.add_error(field, _("No stop, station, facility or district found with this name."))


def journey(request: CityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    tz = ZoneInfo(city.time_zone)
    now = timezone.localtime(timezone=tz)
    initial = {
        "date": now.date(),
        "time": now.time().replace(second=0, microsecond=0),
        "origin": request.GET.get("origin", ""),
    }
    # A link from a stop page fills in the origin only; that is not yet a search.
    form = JourneyForm(request.GET if "destination" in request.GET else None, initial=initial)
    context: dict[str, object] = {"form": form, "results": None}
    if form.is_valid():
        data = form.cleaned_data
        if abs((data["date"] - now.date()).days) > 366:
            form.add_error("date", _("Choose a date within a year of today."))
            return render(request, "mobility/journey.html", context)
        start, end = _resolve(city, data["origin"]), _resolve(city, data["destination"])
        origin, destination = start.stop, end.stop
        if origin is None:
            _place_error(form, "origin", start)
        if destination is None:
            _place_error(form, "destination", end)
        context["did_you_mean"] = _did_you_mean(request, form, start, end)
        if origin is not None and destination is not None:
            depart = datetime.combine(data["date"], data["time"], tzinfo=tz)
            until = (
                datetime.combine(data["date"], data["until"], tzinfo=tz) if data["until"] else None
            )
            if until is not None and until <= depart:
                until = None
            from kyoso.mobility.algorithms.network import WALK_SPEEDS_MPS
            from kyoso.mobility.selectors import planner

            results = planner.plan(
                city=city,
                origin=origin,
                destination=destination,
                depart_at=depart,
                until=until,
                max_transfers=data["max_transfers"],
                wheelchair=data["wheelchair"],
                walk_speed_mps=WALK_SPEEDS_MPS[data["walk"] or "standard"],
            )
            gtfs_ids = [destination.stop_id, *[c.stop_id for c in destination.children.all()]]
            context.update(
                results=results,
                origin=origin,
                destination=destination,
                origin_place=start.place if start.place and start.place.kind != "stop" else None,
                destination_place=end.place if end.place and end.place.kind != "stop" else None,
                destination_facilities=selectors.facilities_at_stop(city, gtfs_ids),
            )
    return render(request, "mobility/journey.html", context)


def _did_you_mean(
    request: CityRequest, form: forms.Form, start: _Resolved, end: _Resolved
) -> list[tuple[str, str, list[tuple[Place, str]]]]:
    """Per unclear box: its field, label and (place, link repeating the search with it)."""
    out = []
    for field, found in (("origin", start), ("destination", end)):
        label = form.fields[field].label or field
        if found.stop is None and found.suggestions:
            links = []
            for place in found.suggestions:
                query = request.GET.copy()
                query[field] = place.name
                links.append((place, "?" + query.urlencode()))
            out.append((field, str(label), links))
    return out


def stop_names(request: CityRequest, city_slug: str) -> JsonResponse:
    """Names for the search boxes' suggestions: stops (as before) and places of every kind."""
    text = request.GET.get("q", "")
    stops = selectors.stops_search(request.city, text, limit=10)
    found = selectors.place_match(request.city, text)
    places = list({p.name: p for p in (found.exact or found.partial or found.close)}.values())[:10]
    kinds = {
        "stop": pgettext("place kind", "stop or station"),
        "facility": pgettext("place kind", "facility"),
        "district": pgettext("place kind", "district"),
    }
    return JsonResponse(
        {
            "stops": [{"id": s.pk, "name": s.name, "name_en": s.name_en} for s in stops],
            "places": [
                {
                    "name": p.name,
                    "name_en": p.name_en,
                    "kind": p.kind,
                    "kind_label": str(kinds[p.kind]),
                }
                for p in places
            ],
        }
    )


@login_required
def feeds(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    require_role(request.user, city, *services.FEED_ROLES)
    form = FeedUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = services.feed_upload(
            city=city,
            actor=request.user,
            name=upload.name,
            data=upload.read(),
            operator_name=form.cleaned_data["operator_name"],
        )
    return render(
        request,
        "mobility/feeds.html",
        {"form": form, "result": result, "feeds": selectors.feeds_of(city)[:50]},
    )


@login_required
def crowding(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    require_role(request.user, city, *services.CROWDING_ROLES)
    facilities = selectors.facilities_now(city)
    form = CrowdingForm(request.POST or None)
    choice: forms.ChoiceField = form.fields["facility"]  # type: ignore[assignment]
    # Offer only the facilities this account may publish for (its organisation's, or all for staff).
    staff = is_staff(request.user, city)
    own = organisations_of(request.user, city)
    choice.choices = [
        (f.facility.code, f.facility.name)
        for f in facilities
        if staff or f.facility.organisation_id in own
    ]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.facility_status_publish(
            city=city,
            actor=request.user,
            facility_code=data["facility"],
            waiting_minutes=data["waiting_minutes"],
            crowding=data["crowding"],
            note=data["note"],
            valid_minutes=data["valid_minutes"],
        )
        return redirect(reverse("mobility:crowding", args=[city.slug]) + "?saved=1")
    return render(
        request,
        "mobility/crowding.html",
        {"form": form, "facilities": facilities, "saved": "saved" in request.GET},
    )


@login_required
def ridership(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    require_role(request.user, city, Role.OPERATOR, Role.STAFF)
    upload = RidershipUploadForm(request.POST or None, request.FILES or None)
    imported = None
    if request.method == "POST" and upload.is_valid():
        imported = services.ridership_import(
            city=city, actor=request.user, data=upload.cleaned_data["file"].read()
        )
    today = timezone.localdate()
    period = SupplyDemandForm(
        request.GET or None,
        initial={"start": today - timedelta(days=28), "end": today, "capacity": 60},
    )
    if period.is_valid():
        start, end = period.cleaned_data["start"], period.cleaned_data["end"]
        capacity = period.cleaned_data["capacity"]
    else:
        start, end, capacity = today - timedelta(days=28), today, 60
    rows = selectors.supply_demand(city, start=start, end=end, capacity=capacity)
    return render(
        request,
        "mobility/ridership.html",
        {
            "upload": upload,
            "period": period,
            "imported": imported,
            "rows": rows,
            "over": sum(1 for r in rows if r.state == "over"),
            "empty": sum(1 for r in rows if r.state == "empty"),
        },
    )
