"""API of the evaluation app: KPI status, verifications (create, run, read), decisions."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from kyoso.core.access import is_staff, require_role
from kyoso.core.errors import DomainError
from kyoso.core.models import Role
from kyoso.core.schemas import ErrorOut
from kyoso.core.selectors import city_get
from kyoso.evaluation import selectors, services
from kyoso.evaluation.models import PortfolioDecision, VerificationStatus
from kyoso.evaluation.schemas import (
    DecisionIn,
    KpiStatusOut,
    PortfolioDecisionOut,
    PortfolioRowOut,
    ReinvestmentIn,
    ReinvestmentOut,
    VerificationIn,
    VerificationOut,
)
from kyoso.vision import selectors as vision_selectors
from kyoso.vision.models import Kpi, Measure, Theme

router = Router(tags=["evaluation"])
ERRORS: dict[int, type] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}
PUBLIC_ERRORS: dict[int, type] = {404: ErrorOut, 422: ErrorOut}


@router.get(
    "/{city_slug}/kpi-status", response={200: list[KpiStatusOut], **PUBLIC_ERRORS}, auth=None
)
def kpi_status(request: HttpRequest, city_slug: str) -> Any:
    kpis = list(vision_selectors.kpis_of(city_get(city_slug)))
    statuses = selectors.kpi_statuses(kpis)
    out = []
    for k in kpis:
        s = statuses[k.pk]
        out.append(
            {
                "kpi": k.code,
                "status": s.code,
                "latest_year": s.latest_year,
                "latest_value": s.latest_value,
                "needed_now": s.needed_now,
                "target_year": s.target_year,
                "forecast_value": s.projected,
                "interval": list(s.interval) if s.interval else None,
                "explanation_ja": s.explanation_ja,
                "explanation_en": s.explanation_en,
            }
        )
    return out


@router.get(
    "/{city_slug}/verifications", response={200: list[VerificationOut], **PUBLIC_ERRORS}, auth=None
)
def list_verifications(request: HttpRequest, city_slug: str) -> Any:
    """Finished verifications (city staff also see drafts and failures)."""
    city = city_get(city_slug)
    status = "" if is_staff(request.user, city) else VerificationStatus.DONE
    return selectors.verifications_of(city, status=status)[:500]


@router.get(
    "/{city_slug}/verifications/{verification_id}",
    response={200: VerificationOut, **PUBLIC_ERRORS},
    auth=None,
)
def get_verification(request: HttpRequest, city_slug: str, verification_id: int) -> Any:
    city = city_get(city_slug)
    v = selectors.verification_get(city, verification_id)
    if v.status != VerificationStatus.DONE and not is_staff(request.user, city):
        raise Http404
    return v


@router.post("/{city_slug}/verifications", response={201: VerificationOut, **ERRORS})
def create_verification(request: HttpRequest, city_slug: str, payload: VerificationIn) -> Any:
    """Create a verification; the panel is long rows {unit, time, outcome}."""
    city = city_get(city_slug)
    require_role(request.user, city, Role.STAFF)
    measure = Measure.objects.filter(city=city, pk=payload.measure).first()
    if measure is None:
        raise DomainError(_("There is no such measure."), field="measure")
    kpi = None
    if payload.kpi:
        kpi = Kpi.objects.filter(city=city, code=payload.kpi).first()
        if kpi is None:
            raise DomainError(_("There is no KPI with this code."), field="kpi")
    parameters: dict[str, Any] = {"treatment_time": payload.treatment_time}
    if payload.method == "did":
        parameters["treated"] = payload.treated
    elif payload.method == "synthetic_control":
        parameters["treated"] = payload.treated[0] if payload.treated else ""
    v = services.verification_create(
        city=city,
        actor=request.user,  # type: ignore[arg-type]
        measure=measure,
        kpi=kpi,
        method=payload.method,
        title=payload.title,
        parameters=parameters,
        panel_rows=[r.dict() for r in payload.panel],
    )
    return 201, v


@router.post(
    "/{city_slug}/verifications/{verification_id}/run", response={200: VerificationOut, **ERRORS}
)
def run_verification(
    request: HttpRequest, city_slug: str, verification_id: int, background: bool = False
) -> Any:
    """Run the estimator now (or queue it with ``background=true``); bad data gives a 400."""
    city = city_get(city_slug)
    require_role(request.user, city, Role.STAFF)
    v = selectors.verification_get(city, verification_id)
    if background:
        return services.verification_enqueue(city=city, verification=v, actor=request.user)  # type: ignore[arg-type]
    return services.verification_run(city=city, verification=v, actor=request.user)  # type: ignore[arg-type]


@router.get("/{city_slug}/portfolio", response={200: list[PortfolioRowOut], **ERRORS})
def portfolio(request: HttpRequest, city_slug: str) -> Any:
    city = city_get(city_slug)
    require_role(request.user, city, Role.STAFF)
    return [
        {
            "measure": r.measure.pk,
            "title": r.measure.title_ja,
            "status": r.measure.status,
            "alignment": r.alignment,
            "effect": r.effect,
            "acceptance": r.acceptance.score,
            "cost_yen": r.cost_yen,
            "yen_per_percent_of_gap": r.ce.per_percent_of_gap if r.ce else None,
            "recommendation": r.recommendation.action,
            "reasons": [{"code": reason.code, "text": text} for reason, text in r.reason_texts],
        }
        for r in selectors.portfolio_rows(city)
    ]


@router.get("/{city_slug}/decisions", response={200: list[PortfolioDecisionOut], **PUBLIC_ERRORS}, auth=None)
def list_decisions(request: HttpRequest, city_slug: str) -> Any:
    """What the city decided about each measure, and why (public)."""
    return selectors.decisions_of(city_get(city_slug))[:500]


@router.post("/{city_slug}/decisions", response={201: PortfolioDecisionOut, **ERRORS})
def record_decision(request: HttpRequest, city_slug: str, payload: DecisionIn) -> Any:
    city = city_get(city_slug)
    require_role(request.user, city, Role.STAFF)
    measure = Measure.objects.filter(city=city, pk=payload.measure).first()
    if measure is None:
        raise DomainError(_("There is no such measure."), field="measure")
    decision = services.decision_record(
        city=city,
        actor=request.user,  # type: ignore[arg-type]
        measure=measure,
        fiscal_year=payload.fiscal_year,
        decision=payload.decision,
        reasons=payload.reasons,
        freed_budget_yen=payload.freed_budget_yen,
    )
    return 201, selectors.decisions_of(city).get(pk=decision.pk)


@router.post("/{city_slug}/reinvestment-plans", response={201: ReinvestmentOut, **ERRORS})
def create_reinvestment(request: HttpRequest, city_slug: str, payload: ReinvestmentIn) -> Any:
    city = city_get(city_slug)
    require_role(request.user, city, Role.STAFF)
    theme = Theme.objects.filter(city=city, code=payload.theme).first()
    if theme is None:
        raise DomainError(_("There is no theme with this code."), field="theme")
    decisions = list(PortfolioDecision.objects.filter(city=city, pk__in=payload.decisions))
    if len(decisions) != len(set(payload.decisions)):
        raise DomainError(_("One of the decisions does not exist."), field="decisions")
    plan = services.reinvestment_plan_create(
        city=city,
        actor=request.user,  # type: ignore[arg-type]
        theme=theme,
        title_ja=payload.title_ja,
        title_en=payload.title_en,
        description_ja=payload.description_ja,
        amount_yen=payload.amount_yen,
        decisions=decisions,
        fiscal_year=payload.fiscal_year,
    )
    return 201, plan
