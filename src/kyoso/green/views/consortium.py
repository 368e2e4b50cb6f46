"""The consortium and city view (staff and the secretariat), and staff's factor lists."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from kyoso.core.access import is_staff, require_role
from kyoso.core.errors import DomainError, PermissionDeniedError
from kyoso.core.http import AuthedCityRequest
from kyoso.core.models import Role
from kyoso.green import charts, selectors, services
from kyoso.green.forms import (
    CsvUploadForm,
    EstimateForm,
    FactorUploadForm,
    InviteForm,
    WeatherUploadForm,
)
from kyoso.green.models import FactorList


@login_required
def consortium(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    if not (is_staff(request.user, city) or selectors.is_secretariat(request.user, city)):
        raise PermissionDeniedError("Only city staff or the consortium secretariat can see this.")
    d = selectors.dashboard(city)
    bulk = CsvUploadForm()
    bulk_result: dict[str, int] | None = None
    if request.method == "POST" and "file" in request.FILES:
        bulk = CsvUploadForm(request.POST, request.FILES)
        if bulk.is_valid():
            try:
                bulk_result = services.activity_import_bulk(
                    actor=request.user, city=city, data=bulk.cleaned_data["file"].read()
                )
            except DomainError as exc:
                bulk.add_error("file", exc.message)
    secretariat = selectors.is_secretariat(request.user, city)
    invite = InviteForm(request.POST if "company" in request.POST else None)
    if secretariat and d.consortium is not None and invite.is_bound and invite.is_valid():
        try:
            services.consortium_invite(
                actor=request.user, consortium=d.consortium, company=invite.cleaned_data["company"]
            )
            return redirect("green:consortium", city.slug)
        except DomainError as exc:
            invite.add_error("company", exc.message)
    form = EstimateForm(request.POST if "t_co2" in request.POST else None)
    if request.method == "POST" and d.consortium is not None and form.is_valid():
        services.consortium_set_estimate(
            actor=request.user, consortium=d.consortium, **form.cleaned_data
        )
        return redirect("green:consortium", city.slug)
    from kyoso.green.selectors.solar import city_local_supply  # pvlib and pandas: on demand

    sectors = [
        (name, [per_year.get(y, 0.0) for y in d.years]) for name, per_year in d.by_sector.items()
    ]
    return render(
        request,
        "green/consortium.html",
        {
            "d": d,
            "form": form,
            "bulk": bulk,
            "bulk_result": bulk_result,
            "secretariat": secretariat,
            "invite": invite,
            "members": selectors.members_for_secretariat(request.user, city) if secretariat else [],
            "invitations": selectors.invitations_sent(request.user, city) if secretariat else [],
            "sectors": sectors,
            "rollup": charts.rollup_chart(d.years, d.totals, d.estimates),
            "local": city_local_supply(city) if request.GET.get("solar") else None,
        },
    )


@login_required
def factors(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    require_role(request.user, city, Role.STAFF)
    form = FactorUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.factor_list_import(
                city=city,
                kind=form.cleaned_data["kind"],
                data=form.cleaned_data["file"].read(),
                fiscal_year=form.cleaned_data["fiscal_year"],
                actor=request.user,
            )
            return redirect("green:factors", city.slug)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else "file", exc.message)
    return render(
        request,
        "green/factors.html",
        {
            "lists": FactorList.objects.filter(city=city).order_by("kind", "-fiscal_year"),
            "form": form,
        },
    )


@login_required
def weather(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    """Staff upload the city's hourly weather file for the PV estimates."""
    from kyoso.green.selectors.solar import weather_file_of

    city = request.city
    require_role(request.user, city, Role.STAFF)
    form = WeatherUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.weather_file_upload(
                actor=request.user,
                city=city,
                name=upload.name,
                data=upload.read(),
                source=form.cleaned_data["source"],
            )
            return redirect("green:weather", city.slug)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else "file", exc.message)
    return render(request, "green/weather.html", {"form": form, "current": weather_file_of(city)})
