"""Pages of the evaluation: KPI tracking, verification results, the portfolio and decisions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kyoso.core.access import is_staff, require_role
from kyoso.core.errors import DomainError
from kyoso.core.forms import form_error
from kyoso.core.http import AuthedCityRequest, CityRequest
from kyoso.core.models import Role
from kyoso.evaluation import selectors, services
from kyoso.evaluation.forms import DecisionForm, ReinvestmentForm, VerificationForm
from kyoso.evaluation.models import Method, VerificationStatus
from kyoso.vision import selectors as vision_selectors
from kyoso.vision.selectors.charts import kpi_chart

SERIES_LABELS = {
    "actual": gettext_lazy("Actual"),
    "counterfactual": gettext_lazy("Without the measure (estimated)"),
    "treated": gettext_lazy("With the measure (average)"),
    "comparison": gettext_lazy("Without the measure (average)"),
    "fitted": gettext_lazy("Fitted trend"),
}
EFFECT_LABELS = {
    "good": gettext_lazy("clear effect, right direction"),
    "bad": gettext_lazy("clear effect, wrong direction"),
    "unclear": gettext_lazy("no clear effect"),
    "none": gettext_lazy("not verified"),
}


def index(request: CityRequest, city_slug: str) -> HttpResponse:
    """The public page: what we decided and why, and what verifications found."""
    city = request.city
    return render(
        request,
        "evaluation/index.html",
        {
            "decisions": selectors.decisions_of(city)[:100],
            "plans": selectors.reinvestment_plans_of(city),
            "verifications": selectors.verifications_of(city, status=VerificationStatus.DONE)[:50],
            "is_staff": is_staff(request.user, city),
        },
    )


def kpi_list(request: CityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    kpis = list(vision_selectors.kpis_of(city))
    statuses = selectors.kpi_statuses(kpis)
    return render(
        request,
        "evaluation/kpis.html",
        {"rows": [{"kpi": k, "status": statuses[k.pk]} for k in kpis]},
    )


def kpi_detail(request: CityRequest, city_slug: str, code: str) -> HttpResponse:
    city = request.city
    kpi = vision_selectors.kpi_get(city, code)
    status = selectors.kpi_statuses([kpi])[kpi.pk]
    return render(
        request,
        "evaluation/kpi.html",
        {
            "kpi": kpi,
            "status": status,
            "chart": kpi_chart(kpi, vision_selectors.kpi_trajectory(kpi), status),
            "links": kpi.measure_links.select_related("measure"),
        },
    )


def _verification_chart(v: Any) -> dict[str, Any] | None:
    chart = (v.result or {}).get("chart")
    if not chart:
        return None
    times = [f"{t:g}" for t in chart["times"]]
    series = []
    header = [_("Period")]
    columns = []
    for key, values in chart["series"].items():
        label = str(SERIES_LABELS.get(key, key))
        header.append(label)
        columns.append(values)
        series.append(
            {
                "name": label,
                "type": "line",
                "data": values,
                "lineStyle": {"type": "dashed"} if key == "counterfactual" else {},
            }
        )
    start = (v.result or {}).get("treatment_time")
    if start is not None and series:
        series[0]["markLine"] = {
            "symbol": "none",
            "label": {"formatter": _("measure starts")},
            "data": [{"xAxis": f"{float(start):g}"}],
        }
    option = {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 60, "right": 20, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": times},
        "yAxis": {"type": "value", "scale": True, "name": v.kpi.unit if v.kpi else ""},
        "series": series,
    }
    rows = [
        [t, *[("" if col[i] is None else f"{col[i]:,.4g}") for col in columns]]
        for i, t in enumerate(times)
    ]
    return {"option": option, "header": header, "rows": rows}


def verification_detail(request: CityRequest, city_slug: str, pk: int) -> HttpResponse:
    city = request.city
    v = selectors.verification_get(city, pk)
    staff = is_staff(request.user, city)
    if v.status != VerificationStatus.DONE and not staff:
        raise Http404
    weights = sorted(((v.result or {}).get("weights") or {}).items(), key=lambda kv: -kv[1])
    return render(
        request,
        "evaluation/verification.html",
        {
            "v": v,
            "chart": _verification_chart(v),
            "weights": [(u, w) for u, w in weights if w >= 0.005],
            "significant": selectors.is_significant(v) if v.effect is not None else None,
            "effect_kind": selectors.effect_kind(v),
            "effect_label": str(EFFECT_LABELS[selectors.effect_kind(v)]),
            "ce": selectors.cost_effectiveness(v.measure, v)
            if v.status == VerificationStatus.DONE
            else None,
            "is_staff": staff,
            "methods": Method,
        },
    )


@login_required
def verification_new(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    require_role(request.user, city, Role.STAFF)
    initial = {}
    if request.GET.get("measure", "").isdigit():
        initial["measure"] = int(request.GET["measure"])
    form = VerificationForm(request.POST or None, request.FILES or None, city=city, initial=initial)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("panel_file")
        try:
            if upload is not None and upload.size > 10 * 1024 * 1024:
                raise DomainError(_("The file is too large (at most 10 MB)."), field="panel_file")
            v = services.verification_create(
                city=city,
                actor=request.user,
                measure=form.cleaned_data["measure"],
                kpi=form.cleaned_data.get("kpi"),
                method=form.cleaned_data["method"],
                title=form.cleaned_data["title"],
                parameters=form.parameters(),
                panel_csv=upload.read() if upload is not None else None,
            )
        except DomainError as exc:
            form_error(form, exc, fields={"panel": "panel_file"})
        else:
            messages.success(request, _("The verification was created. Run it when ready."))
            return redirect("evaluation:verification", city_slug=city.slug, pk=v.pk)
    return render(request, "evaluation/verification_form.html", {"form": form})


@login_required
@require_POST
def verification_run(request: AuthedCityRequest, city_slug: str, pk: int) -> HttpResponse:
    city = request.city
    require_role(request.user, city, Role.STAFF)
    v = selectors.verification_get(city, pk)
    if request.POST.get("background"):
        services.verification_enqueue(city=city, verification=v, actor=request.user)
        messages.success(request, _("The verification will run in the background."))
    else:
        try:
            services.verification_run(city=city, verification=v, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The verification ran."))
    return redirect("evaluation:verification", city_slug=city.slug, pk=v.pk)


def _scatter(rows: list[Any]) -> dict[str, Any]:
    colours = {"good": "#1a7f37", "bad": "#b42318", "unclear": "#b54708", "none": "#667085"}
    groups: dict[str, list[Any]] = {}
    for r in rows:
        groups.setdefault(r.effect, []).append(
            {
                "name": r.measure.title,
                "value": [
                    round(r.alignment, 2),
                    None if r.acceptance.score is None else round(r.acceptance.score, 2),
                    r.cost_yen,
                ],
            }
        )
    return {
        "tooltip": {"trigger": "item"},
        "legend": {"top": 0},
        "grid": {"left": 60, "right": 20, "top": 40, "bottom": 50},
        "xAxis": {
            "type": "value",
            "min": 0,
            "max": 1,
            "name": _("Alignment with the vision"),
            "nameLocation": "middle",
            "nameGap": 28,
        },
        "yAxis": {
            "type": "value",
            "min": 0,
            "max": 1,
            "name": _("Acceptance"),
            "nameLocation": "middle",
            "nameGap": 40,
        },
        "series": [
            {
                "name": str(EFFECT_LABELS[kind]),
                "type": "scatter",
                "data": data,
                "itemStyle": {"color": colours[kind]},
                "symbolSize": 18,
            }
            for kind, data in groups.items()
        ],
    }


@login_required
def portfolio(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    require_role(request.user, city, Role.STAFF)
    rows = selectors.portfolio_rows(city)
    option = _scatter(rows)
    table = [
        [
            r.measure.title,
            f"{r.alignment:.2f}",
            str(EFFECT_LABELS[r.effect]),
            "—" if r.acceptance.score is None else f"{r.acceptance.score:.2f}",
            f"{r.cost_yen:,}",
            r.recommendation_label,
        ]
        for r in rows
    ]
    return render(
        request,
        "evaluation/portfolio.html",
        {
            "rows": rows,
            "option": option,
            "table_header": [
                _("Measure"),
                _("Alignment"),
                _("Effect"),
                _("Acceptance"),
                _("Cost (yen)"),
                _("Recommendation"),
            ],
            "table": table,
            "form": DecisionForm(),
            "effect_labels": {k: str(v) for k, v in EFFECT_LABELS.items()},
            "freed_available": services.freed_budget_available(city),
        },
    )


@login_required
@require_POST
def decide(request: AuthedCityRequest, city_slug: str, pk: int) -> HttpResponse:
    city = request.city
    require_role(request.user, city, Role.STAFF)
    measure = vision_selectors.measure_get(city, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("evaluation:portfolio", city_slug=city.slug)
    try:
        services.decision_record(
            city=city,
            actor=request.user,
            measure=measure,
            fiscal_year=form.cleaned_data["fiscal_year"],
            decision=form.cleaned_data["decision"],
            reasons=form.cleaned_data["reasons"],
            freed_budget_yen=form.cleaned_data.get("freed_budget_yen") or 0,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The decision was recorded and published."))
    return redirect("evaluation:portfolio", city_slug=city.slug)


@login_required
def reinvestment_new(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    require_role(request.user, city, Role.STAFF)
    form = ReinvestmentForm(request.POST or None, city=city)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.reinvestment_plan_create(
                city=city,
                actor=request.user,
                theme=data["theme"],
                title_ja=data["title_ja"],
                title_en=data["title_en"],
                description_ja=data["description_ja"],
                amount_yen=data["amount_yen"],
                decisions=list(data["decisions"]),
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The reinvestment plan was created as a new measure."))
            return redirect("vision:measure_edit", city_slug=city.slug, pk=plan.measure.pk)
    return render(
        request,
        "evaluation/reinvestment_form.html",
        {"form": form, "freed_available": services.freed_budget_available(city)},
    )
