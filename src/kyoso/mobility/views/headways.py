"""Headway proposal for operators and city staff: what would change if the timetable followed
demand, within today's vehicle-hours, and the draft as GTFS ``frequencies.txt``."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kyoso.core.access import require_role
from kyoso.core.http import AuthedCityRequest
from kyoso.core.models import Role
from kyoso.mobility.forms import SupplyDemandForm

if TYPE_CHECKING:
    from kyoso.mobility.selectors.headways import HeadwayPlan


def _plan(request: AuthedCityRequest) -> tuple[SupplyDemandForm, HeadwayPlan]:
    from kyoso.mobility.selectors.headways import headway_plan

    require_role(request.user, request.city, Role.OPERATOR, Role.STAFF)
    today = timezone.localdate()
    form = SupplyDemandForm(
        request.GET or None,
        initial={"start": today - timedelta(days=28), "end": today, "capacity": 60},
    )
    start, end, capacity = today - timedelta(days=28), today, 60
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        capacity = form.cleaned_data["capacity"]
    return form, headway_plan(request.city, start=start, end=end, capacity=capacity)


def headways(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    form, plan = _plan(request)
    p = plan.proposal
    rows = [
        (c, plan.route_names.get(c.demand.route_id, c.demand.route_id),
         abs(c.frequency - c.demand.trips_per_hour) > 1e-9)
        for c in p.choices
    ]  # fmt: skip
    return render(
        request,
        "mobility/headways.html",
        {
            "period": form,
            "plan": plan,
            "proposal": p,
            "rows": rows,
            "saved_hours": round((p.wait_before - p.wait_after) / 60, 1),
            "query": request.GET.urlencode(),
        },
    )


def headways_frequencies(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    from kyoso.mobility.selectors.headways import headway_frequencies_txt

    _form, plan = _plan(request)
    response = HttpResponse(headway_frequencies_txt(plan), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="frequencies.txt"'
    return response
