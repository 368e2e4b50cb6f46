"""Writes of the vision app — measures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kyoso.core.errors import DomainError, NotFoundError
from kyoso.core.models import City, User
from kyoso.core.services import audit_record
from kyoso.vision.models import (
    Kpi,
    Measure,
    MeasureCost,
    MeasureKpiLink,
    MeasureMilestone,
    MeasureStatus,
    Theme,
)
from kyoso.vision.services.common import (
    _apply,
    _check_period,
    _clean,
    _parse_decimal,
    _require_staff,
    _same_city,
)

MEASURE_FIELDS = (
    "theme",
    "title_ja",
    "title_en",
    "description_ja",
    "description_en",
    "status",
    "owner",
    "owner_unit",
    "start_date",
    "end_date",
    "inputs",
    "activities",
    "outputs",
    "outcomes",
    "impact",
)

# --- measures ------------------------------------------------------------------------------


def _check_measure(city: City, measure: Measure) -> None:
    _same_city(city, measure.theme, "theme")
    if measure.start_date and measure.end_date and measure.end_date < measure.start_date:
        raise DomainError(_("The end must not come before the start."), field="end_date")
    if measure.status not in MeasureStatus.values:
        raise DomainError(_("Choose a status."), field="status")


@transaction.atomic
def measure_create(
    *, city: City, actor: User, theme: Theme, title_ja: str, **values: Any
) -> Measure:
    """Return a new measure of a theme."""
    _require_staff(city, actor)
    measure = Measure(city=city)
    _apply(measure, {"theme": theme, "title_ja": title_ja, **values}, MEASURE_FIELDS)
    _check_measure(city, measure)
    _clean(measure)
    measure.save()
    audit_record(city=city, actor=actor, action="vision.measure.create", obj=measure)
    return measure


@transaction.atomic
def measure_update(*, city: City, actor: User, measure: Measure, **values: Any) -> Measure:
    """Return the measure after changing the given fields."""
    _require_staff(city, actor)
    _same_city(city, measure, "measure")
    changed = _apply(measure, values, MEASURE_FIELDS)
    _check_measure(city, measure)
    _clean(measure)
    measure.save()
    if changed:
        audit_record(
            city=city, actor=actor, action="vision.measure.update", obj=measure, details=changed
        )
    return measure


@transaction.atomic
def measure_kpi_link_set(
    *,
    city: City,
    actor: User,
    measure: Measure,
    kpi: Kpi,
    expected_change: Decimal | str | float,
    note: str = "",
) -> MeasureKpiLink:
    """Return the link saying how much the measure is expected to move the KPI."""
    _require_staff(city, actor)
    _same_city(city, measure, "measure")
    _same_city(city, kpi, "kpi")
    change = _parse_decimal(expected_change, "expected_change")
    link, _created = MeasureKpiLink.objects.update_or_create(
        city=city,
        measure=measure,
        kpi=kpi,
        defaults={"expected_change": change, "note": note[:200]},
    )
    audit_record(
        city=city,
        actor=actor,
        action="vision.measure.link_kpi",
        obj=measure,
        details={"kpi": kpi.code, "expected_change": str(change)},
    )
    return link


@transaction.atomic
def measure_kpi_link_remove(*, city: City, actor: User, measure: Measure, kpi: Kpi) -> None:
    _require_staff(city, actor)
    deleted, _count = MeasureKpiLink.objects.filter(city=city, measure=measure, kpi=kpi).delete()
    if not deleted:
        raise NotFoundError(_("This measure is not linked to that KPI."), field="kpi")
    audit_record(
        city=city,
        actor=actor,
        action="vision.measure.unlink_kpi",
        obj=measure,
        details={"kpi": kpi.code},
    )


def _yen(raw: Any, field_name: str) -> Decimal:
    value = _parse_decimal(raw, field_name)
    if value < 0 or value != value.to_integral_value():
        raise DomainError(_("Enter a whole number of yen, zero or more."), field=field_name)
    return value


@transaction.atomic
def measure_cost_set(
    *,
    city: City,
    actor: User,
    measure: Measure,
    year: int,
    budget_yen: Decimal | int | str,
    actual_yen: Decimal | int | str | None = None,
) -> MeasureCost:
    """Return the cost row of the fiscal year after setting budget and actual spending."""
    _require_staff(city, actor)
    _same_city(city, measure, "measure")
    _check_period(year, 0)
    budget = _yen(budget_yen, "budget_yen")
    actual = None if actual_yen in (None, "") else _yen(actual_yen, "actual_yen")
    cost, _created = MeasureCost.objects.update_or_create(
        city=city, measure=measure, year=year, defaults={"budget_yen": budget, "actual_yen": actual}
    )
    audit_record(
        city=city,
        actor=actor,
        action="vision.measure.cost",
        obj=measure,
        details={"year": year, "budget_yen": str(budget), "actual_yen": str(actual or "")},
    )
    return cost


@transaction.atomic
def measure_milestone_add(
    *,
    city: City,
    actor: User,
    measure: Measure,
    title_ja: str,
    due_date: date,
    title_en: str = "",
    done_on: date | None = None,
) -> MeasureMilestone:
    _require_staff(city, actor)
    _same_city(city, measure, "measure")
    milestone = MeasureMilestone(
        city=city,
        measure=measure,
        title_ja=title_ja.strip(),
        title_en=title_en.strip(),
        due_date=due_date,
        done_on=done_on,
    )
    _clean(milestone)
    milestone.save()
    audit_record(
        city=city,
        actor=actor,
        action="vision.measure.milestone",
        obj=measure,
        details={"title": milestone.title_ja, "due": str(due_date)},
    )
    return milestone
