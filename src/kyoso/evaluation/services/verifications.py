"""Writes of the evaluation app: verifications and their runs, portfolio decisions, reinvestment."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import require_actor, require_role
from kyoso.core.errors import ConflictError, DomainError
from kyoso.core.models import City, Role, User
from kyoso.core.services import audit_record
from kyoso.evaluation.models import (
    Method,
    PortfolioDecision,
    Recommendation,
    ReinvestmentPlan,
    Verification,
    VerificationStatus,
)
from kyoso.evaluation.services.panel_input import (
    check_consecutive_years,
    parse_panel_csv,
    parse_panel_rows,
)
from kyoso.vision import services as vision_services
from kyoso.vision.models import Kpi, Measure, MeasureStatus, Theme

if TYPE_CHECKING:
    from kyoso.evaluation.services.verification_methods import MethodOutcome


def _staff(city: City, actor: User) -> None:
    require_actor(actor, city, Role.STAFF)


def _same_city(city: City, obj: Any, field_name: str) -> None:
    if obj is not None and obj.city_id != city.pk:
        raise DomainError(_("This item belongs to another city."), field=field_name)


@transaction.atomic
def verification_create(
    *,
    city: City,
    actor: User,
    measure: Measure,
    method: str,
    title: str,
    kpi: Kpi | None = None,
    parameters: dict[str, Any] | None = None,
    panel_rows: list[dict[str, Any]] | None = None,
    panel_csv: bytes | None = None,
) -> Verification:
    """Return a new verification of a measure with checked input data (not run yet)."""
    _staff(city, actor)
    _same_city(city, measure, "measure")
    _same_city(city, kpi, "kpi")
    if method not in Method.values:
        raise DomainError(_("Choose a method."), field="method")
    title = title.strip()
    if not title:
        raise DomainError(_("Give the verification a title."), field="title")
    parameters = dict(parameters or {})
    rows: list[dict[str, Any]] = []
    if panel_csv:
        rows = parse_panel_csv(panel_csv)
    elif panel_rows:
        rows = parse_panel_rows(panel_rows)
    if method == Method.ITS and not rows and kpi is None:
        raise DomainError(
            _("Choose the KPI whose values are analysed, or give a series."), field="kpi"
        )
    if method in (Method.DID, Method.SYNTHETIC_CONTROL) and not rows:
        raise DomainError(
            _("Upload data with the columns unit, time, outcome for every unit."), field="panel"
        )
    verification = Verification.objects.create(
        city=city,
        measure=measure,
        kpi=kpi,
        title=title[:160],
        method=method,
        parameters=parameters,
        panel=rows,
        created_by=actor,
    )
    audit_record(
        city=city,
        actor=actor,
        action="evaluation.verification.create",
        obj=verification,
        details={"measure": measure.pk, "method": method, "rows": len(rows)},
    )
    return verification


def _its_rows(verification: Verification) -> list[dict[str, Any]]:
    if verification.panel:
        return list(verification.panel)
    kpi = verification.kpi
    if kpi is None:
        raise DomainError(_("Choose the KPI whose values are analysed."), field="kpi")
    series = [(a.year, float(a.value)) for a in kpi.actuals.filter(month=0).order_by("year")]
    check_consecutive_years(series, field="kpi")
    return [{"unit": kpi.code, "time": float(y), "outcome": v} for y, v in series]


def _outcome(verification: Verification) -> MethodOutcome:
    from kyoso.evaluation.services.verification_methods import RUNNERS

    runner = RUNNERS.get(verification.method)
    if runner is None:
        raise DomainError(_("This method is not available yet."), field="method")
    rows = (
        _its_rows(verification) if verification.method == Method.ITS else list(verification.panel)
    )
    direction = verification.kpi.direction if verification.kpi else "up"
    params = {**verification.parameters, "_direction": direction}
    return runner(rows, params)


def verification_run(*, city: City, verification: Verification, actor: User) -> Verification:
    """Return the verification after running its estimator and storing the result.

    On bad data the verification is marked failed with the message, and the DomainError
    naming the field is raised to the caller.
    """
    _staff(city, actor)
    _same_city(city, verification, "verification")
    try:
        outcome = _outcome(verification)
    except DomainError as exc:
        with transaction.atomic():
            Verification.objects.filter(pk=verification.pk).update(
                status=VerificationStatus.FAILED,
                error_message=exc.message,
                error_field=exc.field or "",
                run_at=timezone.now(),
            )
            audit_record(
                city=city,
                actor=actor,
                action="evaluation.verification.fail",
                obj=verification,
                details={"field": exc.field or "", "message": exc.message},
            )
        verification.refresh_from_db()
        raise
    with transaction.atomic():
        verification.status = VerificationStatus.DONE
        verification.result = outcome.result
        verification.effect = outcome.effect
        verification.ci_low = outcome.ci_low
        verification.ci_high = outcome.ci_high
        verification.p_value = outcome.p_value
        verification.explanation_ja = outcome.explanation_ja
        verification.explanation_en = outcome.explanation_en
        verification.error_message = ""
        verification.error_field = ""
        verification.run_at = timezone.now()
        verification.save()
        audit_record(
            city=city,
            actor=actor,
            action="evaluation.verification.run",
            obj=verification,
            details={"effect": outcome.effect, "p_value": outcome.p_value},
        )
    return verification


@transaction.atomic
def verification_enqueue(*, city: City, verification: Verification, actor: User) -> Verification:
    """Return the verification marked as waiting; a background task runs it after commit."""
    _staff(city, actor)
    _same_city(city, verification, "verification")
    from kyoso.evaluation.tasks import verification_run_task

    verification.status = VerificationStatus.QUEUED
    verification.save(update_fields=["status"])
    actor_id = actor.pk if actor is not None else None
    transaction.on_commit(lambda: verification_run_task.enqueue(city.pk, verification.pk, actor_id))
    return verification


STATUS_AFTER = {
    Recommendation.STOP: MeasureStatus.STOPPED,
    Recommendation.SCALE: MeasureStatus.SCALED,
}


@transaction.atomic
def decision_record(
    *,
    city: City,
    actor: User,
    measure: Measure,
    fiscal_year: int,
    decision: str,
    reasons: str,
    freed_budget_yen: Decimal | int | str = 0,
) -> PortfolioDecision:
    """Return the recorded portfolio decision, with the recommendation as computed now."""
    require_role(actor, city, Role.STAFF)
    _same_city(city, measure, "measure")
    if decision not in Recommendation.values:
        raise DomainError(_("Choose a decision."), field="decision")
    reasons = reasons.strip()
    if not reasons:
        raise DomainError(_("Write the reasons for the decision."), field="reasons")
    if not 2000 <= fiscal_year <= 2200:
        raise DomainError(_("Enter a fiscal year."), field="fiscal_year")
    try:
        freed = Decimal(str(freed_budget_yen or 0))
    except ArithmeticError as exc:
        raise DomainError(_("Enter a whole number of yen."), field="freed_budget_yen") from exc
    if not freed.is_finite() or freed < 0 or freed != freed.to_integral_value() or freed >= 10**14:
        raise DomainError(_("Enter a whole number of yen, zero or more."), field="freed_budget_yen")
    if freed and decision not in (Recommendation.STOP, Recommendation.REVISE):
        raise DomainError(
            _("Only stopping or revising a measure frees budget."), field="freed_budget_yen"
        )
    if PortfolioDecision.objects.filter(
        city=city, measure=measure, fiscal_year=fiscal_year
    ).exists():
        raise ConflictError(
            _("A decision for this measure and year is already recorded."), field="fiscal_year"
        )
    from kyoso.evaluation.selectors import portfolio_rows

    row = portfolio_rows(city, measures=[measure])[0]
    record = PortfolioDecision.objects.create(
        city=city,
        measure=measure,
        fiscal_year=fiscal_year,
        recommendation=row.recommendation.action,
        recommendation_reasons=[{"code": r.code, "text": t} for r, t in row.reason_texts],
        scores=row.scores(),
        decision=decision,
        reasons=reasons,
        freed_budget_yen=freed,
        decided_by=actor,
    )
    new_status = STATUS_AFTER.get(Recommendation(decision))
    if new_status and measure.status != new_status:
        vision_services.measure_update(city=city, actor=actor, measure=measure, status=new_status)
    audit_record(
        city=city,
        actor=actor,
        action="evaluation.decision.record",
        obj=record,
        details={
            "measure": measure.pk,
            "decision": decision,
            "recommendation": record.recommendation,
            "freed_budget_yen": str(freed),
        },
    )
    return record


def freed_budget_available(city: City) -> Decimal:
    """Return the freed budget not yet assigned to a reinvestment plan."""
    from django.db.models import Sum

    freed = PortfolioDecision.objects.filter(city=city).aggregate(s=Sum("freed_budget_yen"))["s"]
    used = ReinvestmentPlan.objects.filter(city=city).aggregate(s=Sum("amount_yen"))["s"]
    return Decimal(freed or 0) - Decimal(used or 0)


@transaction.atomic
def reinvestment_plan_create(
    *,
    city: City,
    actor: User,
    theme: Theme,
    title_ja: str,
    amount_yen: Decimal | int | str,
    decisions: list[PortfolioDecision],
    title_en: str = "",
    description_ja: str = "",
    description_en: str = "",
    fiscal_year: int | None = None,
    note: str = "",
) -> ReinvestmentPlan:
    """Return a reinvestment plan: a new measure funded by budget freed by decisions."""
    require_role(actor, city, Role.STAFF)
    if not decisions:
        raise DomainError(_("Choose the decisions that freed the budget."), field="decisions")
    for d in decisions:
        _same_city(city, d, "decisions")
    try:
        amount = Decimal(str(amount_yen))
    except ArithmeticError as exc:
        raise DomainError(_("Enter a whole number of yen."), field="amount_yen") from exc
    if not amount.is_finite() or amount <= 0 or amount != amount.to_integral_value():
        raise DomainError(_("Enter a whole number of yen, more than zero."), field="amount_yen")
    available = freed_budget_available(city)
    if amount > available:
        raise DomainError(
            _("Only %(yen)s yen of freed budget is left to reinvest.")
            % {"yen": f"{available:,.0f}"},
            field="amount_yen",
        )
    measure = vision_services.measure_create(
        city=city,
        actor=actor,
        theme=theme,
        title_ja=title_ja,
        title_en=title_en,
        description_ja=description_ja,
        description_en=description_en,
        status=MeasureStatus.PLANNED,
    )
    year = fiscal_year or timezone.localdate().year
    vision_services.measure_cost_set(
        city=city, actor=actor, measure=measure, year=year, budget_yen=amount
    )
    plan = ReinvestmentPlan.objects.create(
        city=city, measure=measure, amount_yen=amount, note=note, created_by=actor
    )
    plan.decisions.set(decisions)
    audit_record(
        city=city,
        actor=actor,
        action="evaluation.reinvestment.create",
        obj=plan,
        details={"amount_yen": str(amount), "decisions": [d.pk for d in decisions]},
    )
    return plan
