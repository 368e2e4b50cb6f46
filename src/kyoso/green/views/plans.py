"""The plan page: baseline, target, measures, MAC curve, least-cost plan, solar and EV lease."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kyoso.core.errors import DomainError
from kyoso.core.http import AuthedCityRequest
from kyoso.green import charts, selectors, services
from kyoso.green.accounting import baseline
from kyoso.green.forms import AdoptForm, EvLeaseForm, PlanForm, TargetForm, VisionLinkForm
from kyoso.green.models import AdoptedMeasure


@login_required
def plan(request: AuthedCityRequest, city_slug: str, pk: int) -> HttpResponse:
    company = selectors.company_get(request.user, request.city, pk)
    manage = selectors.can_manage(request.user, company)
    years = selectors.company_years(company)
    if not years:
        return render(request, "green/plan.html", {"company": company, "inv": None})
    inv = years[max(years)]
    form = PlanForm(request.GET or None)
    budget = 10_000_000
    if form.is_valid() and form.cleaned_data.get("budget_yen") is not None:
        budget = form.cleaned_data["budget_yen"]
    base_year = company.target_base_year
    base_total = (
        years[base_year].market_total if base_year in years else years[min(years)].market_total
    )
    result = selectors.company_plan(company, inv, base_total, budget)
    by_key = {c.key: c for c in result.candidates}
    ev_form = EvLeaseForm(None)
    target_form = TargetForm(
        request.POST if "percent" in request.POST else None,
        initial={
            "base_year": company.target_base_year,
            "target_year": company.target_year,
            "percent": company.target_percent,
            "specified_emitter": company.specified_emitter,
        },
    )
    directory = selectors.vision_measures_by_id(request.city)
    vision_choices = [(e.id, e.title) for e in directory.values()]
    if request.method == "POST" and manage:
        if "percent" in request.POST:
            if target_form.is_valid():
                try:
                    services.company_set_target(
                        actor=request.user, company=company, **target_form.cleaned_data
                    )
                    return redirect("green:plan", request.city.slug, company.pk)
                except DomainError as exc:
                    target_form.add_error(None, exc.message)
        elif "vision_measure" in request.POST:
            link = VisionLinkForm(request.POST, choices=vision_choices)
            if link.is_valid():
                measure = AdoptedMeasure.objects.filter(
                    company=company, pk=link.cleaned_data["measure"]
                ).first()
                if measure is None:
                    raise DomainError(_("Choose one of your measures."), field="measure")
                services.measure_link_vision(
                    actor=request.user,
                    measure=measure,
                    vision_measure_id=link.cleaned_data["vision_measure"],
                )
                return redirect("green:plan", request.city.slug, company.pk)
            raise DomainError(_("Choose one of the city's measures."), field="vision_measure")
        elif "vehicles" in request.POST:
            ev_form = EvLeaseForm(request.POST)
            if ev_form.is_valid():
                services.ev_lease_create(
                    actor=request.user, company=company, **ev_form.cleaned_data
                )
                return redirect("green:plan", request.city.slug, company.pk)
        else:
            adopt = AdoptForm(request.POST)
            if adopt.is_valid() and adopt.cleaned_data["key"] in by_key:
                c = by_key[adopt.cleaned_data["key"]]
                services.measure_adopt(
                    actor=request.user,
                    company=company,
                    key=c.key,
                    name=c.name,
                    capex_yen=round(c.capex_yen),
                    opex_change_yen=round(c.opex_change_yen),
                    lifetime_years=c.lifetime_years,
                    abated_t=Decimal(f"{c.abated_t:.3f}"),
                )
                return redirect("green:plan", request.city.slug, company.pk)
            else:
                raise DomainError("Choose a measure from the list.", field="key")
    from kyoso.green.selectors.solar import (  # pvlib and pandas: only for this page
        company_solar,
        weather_file_of,
    )

    kwh = selectors.annual_energy(company, inv.fiscal_year).get("electricity", 0.0)
    factor = inv.totals.scope2_market / kwh if kwh else 0.000423
    path = baseline.target_path(
        base_total,
        base_year if base_year in years else min(years),
        company.target_year,
        float(company.target_percent),
    )
    return render(
        request,
        "green/plan.html",
        {
            "company": company,
            "manage": manage,
            "inv": inv,
            "result": result,
            "form": form,
            "rows": [
                (c, result.payback[c.key], result.per_tonne[c.key], c.key in result.plan.chosen)
                for c in sorted(result.candidates, key=lambda c: result.per_tonne[c.key] or 0)
            ],
            "mac": charts.mac_chart(result.curve),
            "baseline": selectors.company_baseline(company, years),
            "base_total": base_total,
            "target_value": path.get(company.target_year),
            "adopted": [
                (
                    m,
                    directory.get(m.vision_measure_id) if m.vision_measure_id else None,
                    VisionLinkForm(
                        initial={"measure": m.pk, "vision_measure": m.vision_measure_id},
                        choices=vision_choices,
                        auto_id=f"id_m{m.pk}_%s",
                    )
                    if manage and vision_choices
                    else None,
                )
                for m in AdoptedMeasure.objects.filter(company=company)
            ],
            "ev_form": ev_form,
            "target_form": target_form,
            "ev": selectors.ev_lease_results(company, factor),
            "solar": company_solar(company),
            "weather_file": weather_file_of(company.city),
        },
    )
