"""Staff pages of the vision: edit the vision, themes, KPIs (with CSV actuals) and measures."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kyoso.core.access import require_role
from kyoso.core.csv_export import csv_response
from kyoso.core.errors import DomainError
from kyoso.core.forms import form_error
from kyoso.core.http import AuthedCityRequest
from kyoso.core.models import Role
from kyoso.vision import selectors, services
from kyoso.vision.forms import (
    ActualForm,
    CostForm,
    CsvUploadForm,
    KpiForm,
    LinkForm,
    MeasureForm,
    MilestoneForm,
    ThemeForm,
    VisionForm,
)


def _staff(request: AuthedCityRequest) -> None:
    require_role(request.user, request.city, Role.STAFF)


@login_required
def staff_index(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    _staff(request)
    city = request.city
    return render(
        request,
        "vision/staff/index.html",
        {
            "vision": selectors.vision_of(city),
            "themes": selectors.themes_of(city).order_by("parent_id", "sort_order"),
            "kpis": selectors.kpis_of(city),
            "measures": selectors.measures_of(city),
            "upload_form": CsvUploadForm(),
        },
    )


@login_required
def vision_edit(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    _staff(request)
    city = request.city
    form = VisionForm(request.POST or None, instance=selectors.vision_of(city))
    if request.method == "POST" and form.is_valid():
        try:
            services.vision_save(city=city, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The vision was saved."))
            return redirect("vision:index", city_slug=city.slug)
    return render(
        request, "vision/staff/form.html", {"form": form, "heading": _("Edit the vision")}
    )


@login_required
def theme_edit(request: AuthedCityRequest, city_slug: str, code: str = "") -> HttpResponse:
    _staff(request)
    city = request.city
    theme = selectors.theme_get(city, code) if code else None
    form = ThemeForm(request.POST or None, instance=theme, city=city)
    if request.method == "POST" and form.is_valid():
        try:
            if theme is None:
                theme = services.theme_create(city=city, actor=request.user, **form.cleaned_data)
            else:
                theme = services.theme_update(
                    city=city, actor=request.user, theme=theme, **form.cleaned_data
                )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The theme was saved."))
            return redirect("vision:theme", city_slug=city.slug, code=theme.code)
    heading = _("Edit the theme") if theme else _("New theme")
    return render(request, "vision/staff/form.html", {"form": form, "heading": heading})


@login_required
def kpi_edit(request: AuthedCityRequest, city_slug: str, code: str = "") -> HttpResponse:
    _staff(request)
    city = request.city
    kpi = selectors.kpi_get(city, code) if code else None
    form = KpiForm(request.POST or None, instance=kpi, city=city)
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        try:
            if kpi is None:
                kpi = services.kpi_create(city=city, actor=request.user, **values)
            else:
                kpi = services.kpi_update(city=city, actor=request.user, kpi=kpi, **values)
        except DomainError as exc:
            if exc.field == "milestones":
                exc.field = "milestones_text"
            form_error(form, exc)
        else:
            messages.success(request, _("The KPI was saved."))
            return redirect("vision:kpi_actuals", city_slug=city.slug, code=kpi.code)
    heading = _("Edit the KPI") if kpi else _("New KPI")
    return render(request, "vision/staff/form.html", {"form": form, "heading": heading})


@login_required
def kpi_actuals(request: AuthedCityRequest, city_slug: str, code: str) -> HttpResponse:
    _staff(request)
    city = request.city
    kpi = selectors.kpi_get(city, code)
    form = ActualForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.kpi_actual_record(city=city, actor=request.user, kpi=kpi, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The value was saved."))
            return redirect("vision:kpi_actuals", city_slug=city.slug, code=kpi.code)
    return render(
        request,
        "vision/staff/kpi_actuals.html",
        {"kpi": kpi, "actuals": selectors.kpi_actuals(kpi), "form": form},
    )


@login_required
@require_POST
def kpi_refresh(request: AuthedCityRequest, city_slug: str, code: str) -> HttpResponse:
    _staff(request)
    city = request.city
    kpi = selectors.kpi_get(city, code)
    try:
        stored = services.kpi_refresh_from_provider(city=city, kpi=kpi, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)d values were updated.") % {"n": stored})
    return redirect("vision:kpi_actuals", city_slug=city.slug, code=kpi.code)


@login_required
def actuals_import(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    _staff(request)
    city = request.city
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            form.add_error("file", _("The file is too large (at most 5 MB)."))
        else:
            try:
                result = services.kpi_actuals_import_csv(
                    city=city, actor=request.user, data=upload.read()
                )
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Imported: %(created)d new and %(updated)d updated values.")
                    % {"created": result.created, "updated": result.updated},
                )
                return redirect("vision:staff", city_slug=city.slug)
    return render(request, "vision/staff/import.html", {"form": form})


@login_required
def actuals_export(request: AuthedCityRequest, city_slug: str) -> HttpResponseBase:
    _staff(request)
    city = request.city
    return csv_response(
        f"{city.slug}-kpi-actuals.csv",
        [
            "kpi_code",
            "year",
            "value",
            "note",
            "kpi_name",
            "unit",
            "source",
            "entered_by",
            "entered_at",
        ],
        (
            (
                a.kpi.code,
                f"{a.year}-{a.month:02d}" if a.month else a.year,
                selectors.plain_number(a.value),
                a.note,
                a.kpi.name_ja,
                a.kpi.unit,
                a.provider_name or a.get_source_display(),
                a.entered_by or "",
                a.entered_at.isoformat(timespec="seconds"),
            )
            for a in selectors.kpi_actuals_for_export(city).iterator()
        ),
    )


@login_required
def measure_edit(request: AuthedCityRequest, city_slug: str, pk: int | None = None) -> HttpResponse:
    _staff(request)
    city = request.city
    measure = selectors.measure_get(city, pk) if pk else None
    form = MeasureForm(request.POST or None, instance=measure, city=city)
    if request.method == "POST" and form.is_valid():
        try:
            if measure is None:
                measure = services.measure_create(
                    city=city, actor=request.user, **form.cleaned_data
                )
            else:
                measure = services.measure_update(
                    city=city, actor=request.user, measure=measure, **form.cleaned_data
                )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The measure was saved."))
            return redirect("vision:measure_edit", city_slug=city.slug, pk=measure.pk)
    context: dict[str, Any] = {"form": form, "measure": measure}
    if measure is not None:
        context.update(
            link_form=LinkForm(city=city),
            cost_form=CostForm(),
            milestone_form=MilestoneForm(),
            links=list(measure.kpi_links.all()),
            costs=list(measure.costs.all()),
            milestones=list(measure.milestones.all()),
        )
    return render(request, "vision/staff/measure_form.html", context)


@login_required
@require_POST
def measure_part(request: AuthedCityRequest, city_slug: str, pk: int, part: str) -> HttpResponse:
    """Add a KPI link, a yearly cost or a milestone to a measure."""
    _staff(request)
    city = request.city
    measure = selectors.measure_get(city, pk)
    form: forms.Form
    if part == "link":
        form = LinkForm(request.POST, city=city)
        action = services.measure_kpi_link_set
    elif part == "cost":
        form = CostForm(request.POST)
        action = services.measure_cost_set  # type: ignore[assignment]
    elif part == "milestone":
        form = MilestoneForm(request.POST)
        action = services.measure_milestone_add  # type: ignore[assignment]
    elif part == "unlink":
        form = LinkForm(request.POST, city=city)
        form.fields["expected_change"].required = False
        action = services.measure_kpi_link_remove  # type: ignore[assignment]
    else:
        raise DomainError(_("Unknown part."), field="part")
    if form.is_valid():
        values = dict(form.cleaned_data)
        if part == "unlink":
            values = {"kpi": values["kpi"]}
        try:
            action(city=city, actor=request.user, measure=measure, **values)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(
            request,
            " ".join(str(e) for errors in form.errors.values() for e in errors),
        )
    return redirect("vision:measure_edit", city_slug=city.slug, pk=measure.pk)


@login_required
def endorsements(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    _staff(request)
    city = request.city
    return render(
        request,
        "vision/staff/endorsements.html",
        {
            "tables": [
                (_("共感 by district"), selectors.endorsement_breakdown(city, "district")),
                (_("共感 by age band"), selectors.endorsement_breakdown(city, "age_band")),
            ]
        },
    )
