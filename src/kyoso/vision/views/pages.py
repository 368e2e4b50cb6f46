"""Public pages of the vision: the future image, themes with their roadmap, and measures."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kyoso.core.access import is_staff
from kyoso.core.errors import DomainError
from kyoso.core.http import AuthedCityRequest, CityRequest
from kyoso.core.registry import MEASURE_SECTIONS, kpi_statuses
from kyoso.vision import selectors, services
from kyoso.vision.forms import CommentForm, RatingForm
from kyoso.vision.models import Axis, Theme
from kyoso.vision.selectors.charts import kpi_chart


def _kpi_rows(city: Any, kpis: list[Any]) -> list[dict[str, Any]]:
    statuses = kpi_statuses(kpis)
    return [{"kpi": k, "status": statuses.get(k.pk)} for k in kpis]


def index(request: CityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    themes = list(selectors.top_themes(city))
    kpis = list(selectors.kpis_of(city))
    measures = list(selectors.measures_of(city))
    counts = selectors.endorsement_counts_by_theme(city)
    root_of: dict[int, int] = {}
    for t in themes:
        root_of[t.pk] = t.pk
        for child in t.children.all():
            root_of[child.pk] = t.pk
    kpi_rows = _kpi_rows(city, kpis)
    endorsed = selectors.endorsed_by(city, request.user)  # type: ignore[arg-type]
    sections = []
    for t in themes:
        sections.append(
            {
                "theme": t,
                "kpis": [r for r in kpi_rows if root_of.get(r["kpi"].theme_id) == t.pk],
                "measures": [m for m in measures if root_of.get(m.theme_id) == t.pk],
                "endorsements": counts.get(t.pk, 0),
                "endorsed": t.pk in endorsed,
            }
        )
    return render(
        request,
        "vision/index.html",
        {
            "vision": selectors.vision_of(city),
            "sections": sections,
            "vision_endorsements": counts.get(None, 0),
            "vision_endorsed": None in endorsed,
            "comments": selectors.comments_of(city, vision_only=True)[:30],
            "comment_form": CommentForm(),
            "is_staff": is_staff(request.user, city),
        },
    )


def print_summary(request: CityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    themes = list(selectors.top_themes(city))
    kpis = list(selectors.kpis_of(city))
    return render(
        request,
        "vision/print.html",
        {
            "vision": selectors.vision_of(city),
            "themes": themes,
            "kpi_rows": _kpi_rows(city, kpis),
            "measure_count": selectors.measures_of(city).count(),
            "endorsements": selectors.endorsement_counts_by_theme(city),
        },
    )


def theme_detail(request: CityRequest, city_slug: str, code: str) -> HttpResponse:
    city = request.city
    theme = selectors.theme_get(city, code)
    roadmap = selectors.roadmap_of(city, theme)

    gap_kpis = [g.kpi for g in roadmap.gaps]
    statuses = kpi_statuses(gap_kpis)
    charts = [
        kpi_chart(g.kpi, selectors.kpi_trajectory(g.kpi), statuses.get(g.kpi.pk))
        for g in roadmap.gaps
    ]
    return render(
        request,
        "vision/theme.html",
        {
            "theme": theme,
            "children": list(theme.children.all()),
            "roadmap": roadmap,
            "charts": charts,
            "statuses": statuses,
            "endorsements": selectors.endorsement_total(city, theme),
            "endorsed": theme.pk in selectors.endorsed_by(city, request.user),  # type: ignore[arg-type]
            "comments": selectors.comments_of(city, theme=theme)[:30],
            "comment_form": CommentForm(),
            "is_staff": is_staff(request.user, city),
        },
    )


def measure_detail(request: CityRequest, city_slug: str, pk: int) -> HttpResponse:
    city = request.city
    measure = selectors.measure_get(city, pk)

    budget, actual = selectors.measure_total_cost(measure)
    return render(
        request,
        "vision/measure.html",
        {
            "measure": measure,
            "links": list(measure.kpi_links.all()),
            "costs": list(measure.costs.all()),
            "budget_total": budget,
            "actual_total": actual,
            "milestones": list(measure.milestones.all()),
            "perspectives": selectors.perspective_summary(measure),
            "my_ratings": selectors.my_ratings(measure, request.user),  # type: ignore[arg-type]
            "axes": Axis.choices,
            "scores": range(1, 6),
            # Sections other apps (evaluation) register for a measure's page.
            "measure_sections": [
                s
                for section in MEASURE_SECTIONS.entries()
                if (s := section.render(request, city, measure))
            ],
            "comments": selectors.comments_of(city, measure=measure)[:30],
            "comment_form": CommentForm(),
            "is_staff": is_staff(request.user, city),
        },
    )


def _theme_or_none(city: Any, code: str) -> Theme | None:
    return selectors.theme_get(city, code) if code else None


@login_required
@require_POST
def endorse(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    theme = _theme_or_none(city, request.POST.get("theme", ""))
    if request.POST.get("action") == "withdraw":
        services.endorsement_withdraw(city=city, user=request.user, theme=theme)
        messages.success(request, _("Your 共感 was withdrawn."))
    else:
        services.endorsement_add(city=city, user=request.user, theme=theme)
        messages.success(request, _("Thank you. Your 共感 was recorded."))
    return redirect(_back(request, city.slug))


def _back(request: AuthedCityRequest, city_slug: str) -> str:
    target = request.POST.get("next", "")
    if target.startswith(f"/{city_slug}/vision/"):
        return target
    return reverse("vision:index", args=[city_slug])


@login_required
@require_POST
def comment(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please write your comment and choose your view."))
        return redirect(_back(request, city.slug))
    theme = _theme_or_none(city, request.POST.get("theme", ""))
    measure = None
    if request.POST.get("measure"):
        try:
            measure = selectors.measure_get(city, int(request.POST["measure"]))
        except ValueError as exc:
            raise DomainError(_("Unknown measure."), field="measure") from exc
    services.comment_post(
        city=city,
        user=request.user,
        body=form.cleaned_data["body"],
        stance=form.cleaned_data["stance"],
        theme=theme,
        measure=measure,
    )
    messages.success(request, _("Thank you. Your comment was posted."))
    return redirect(_back(request, city.slug))


@login_required
@require_POST
def rate(request: AuthedCityRequest, city_slug: str, pk: int) -> HttpResponse:
    city = request.city
    measure = selectors.measure_get(city, pk)
    form = RatingForm(request.POST)
    if form.is_valid():
        services.perspective_rate(
            city=city,
            user=request.user,
            measure=measure,
            axis=form.cleaned_data["axis"],
            score=form.cleaned_data["score"],
        )
        messages.success(request, _("Thank you. Your rating was saved."))
    else:
        messages.error(request, _("Choose a score from 1 to 5."))
    return redirect("vision:measure", city_slug=city.slug, pk=measure.pk)
