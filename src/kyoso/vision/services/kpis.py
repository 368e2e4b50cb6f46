"""Writes of the vision app — kpis."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kyoso.core.errors import DomainError
from kyoso.core.models import City, User
from kyoso.core.services import audit_record
from kyoso.vision.kpi_providers import get_provider
from kyoso.vision.models import (
    Direction,
    Kpi,
    KpiSource,
    Theme,
)
from kyoso.vision.services.common import (
    _apply,
    _clean,
    _require_staff,
    _same_city,
)

KPI_FIELDS = (
    "theme",
    "code",
    "name_ja",
    "name_en",
    "description_ja",
    "description_en",
    "unit",
    "direction",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
    "milestones",
    "source",
    "provider_key",
    "owner",
    "owner_unit",
    "sort_order",
)

# --- KPIs ----------------------------------------------------------------------------------


def _normalise_milestones(raw: Any) -> list[dict[str, Any]]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        raise DomainError(_("Milestones must be a list of years and values."), field="milestones")
    out: dict[int, str] = {}
    for item in raw:
        try:
            year = int(item["year"])
            value = Decimal(str(item["value"]))
        except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
            raise DomainError(
                _("Each milestone needs a year and a number."), field="milestones"
            ) from exc
        if not value.is_finite():
            raise DomainError(_("Each milestone needs a year and a number."), field="milestones")
        out[year] = str(value)
    return [{"year": y, "value": v} for y, v in sorted(out.items())]


def _check_kpi(city: City, kpi: Kpi) -> None:
    _same_city(city, kpi.theme, "theme")
    if kpi.target_year <= kpi.baseline_year:
        raise DomainError(
            _("The target year must come after the baseline year."), field="target_year"
        )
    for item in kpi.milestones:
        if not kpi.baseline_year < int(item["year"]) < kpi.target_year:
            raise DomainError(
                _("Milestones must lie between the baseline year and the target year."),
                field="milestones",
            )
    if kpi.source == KpiSource.PROVIDER:
        if get_provider(kpi.provider_key) is None:
            raise DomainError(_("Choose a provider that is available."), field="provider_key")
    else:
        kpi.provider_key = ""
    if kpi.direction not in Direction.values:
        raise DomainError(_("Choose a direction."), field="direction")


@transaction.atomic
def kpi_create(
    *,
    city: City,
    actor: User,
    theme: Theme,
    code: str,
    name_ja: str,
    unit: str,
    baseline_year: int,
    baseline_value: Decimal,
    target_year: int,
    target_value: Decimal,
    **values: Any,
) -> Kpi:
    """Return a new KPI of a theme."""
    _require_staff(city, actor)
    kpi = Kpi(city=city)
    values = {
        "theme": theme,
        "code": code,
        "name_ja": name_ja,
        "unit": unit,
        "baseline_year": baseline_year,
        "baseline_value": baseline_value,
        "target_year": target_year,
        "target_value": target_value,
        **values,
    }
    values["milestones"] = _normalise_milestones(values.get("milestones"))
    _apply(kpi, values, KPI_FIELDS)
    _check_kpi(city, kpi)
    _clean(kpi)
    kpi.save()
    audit_record(city=city, actor=actor, action="vision.kpi.create", obj=kpi)
    return kpi


@transaction.atomic
def kpi_update(*, city: City, actor: User, kpi: Kpi, **values: Any) -> Kpi:
    """Return the KPI after changing the given fields."""
    _require_staff(city, actor)
    _same_city(city, kpi, "kpi")
    if "milestones" in values:
        values["milestones"] = _normalise_milestones(values["milestones"])
    changed = _apply(kpi, values, KPI_FIELDS)
    _check_kpi(city, kpi)
    _clean(kpi)
    kpi.save()
    if changed:
        audit_record(city=city, actor=actor, action="vision.kpi.update", obj=kpi, details=changed)
    return kpi
