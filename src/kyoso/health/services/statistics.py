"""City health statistics under differential privacy, paid from a per-dataset budget."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import require_role
from kyoso.core.errors import ConflictError, DomainError
from kyoso.core.models import City, Membership, Role, User
from kyoso.core.services import audit_record
from kyoso.health.keys import cipher
from kyoso.health.models import HealthEntry, HealthProfile, PrivacyBudget, PrivateQuery
from kyoso.health.records import private_stats, vital_signs
from kyoso.health.records.private_stats import AGE_BANDS, SEXES, Budget, BudgetExhaustedError, Cell

# statistic -> dataset whose budget it spends
STATISTICS = {
    "checkup_participation": "checkups",
    "population": "checkups",
    "bp_control": "vitals",
}
DEFAULT_BUDGET = Decimal("5")


@dataclass(frozen=True)
class Person:
    user_id: int
    cell: Cell


def population(city: City, *, year: int) -> list[Person]:
    """Return each citizen of the city with their statistics cell (district × age band × sex)."""
    sexes = dict(HealthProfile.objects.filter(city=city).values_list("user_id", "sex"))
    rows = Membership.objects.filter(
        city=city, role=Role.CITIZEN, user__birth_year__isnull=False
    ).values_list("user_id", "user__birth_year", "district__code")
    return [
        Person(
            uid,
            (district or "unknown", private_stats.age_band(year - born), sexes.get(uid, "other")),
        )
        for uid, born, district in rows
        if born is not None
    ]


def _cells(city: City) -> list[Cell]:
    codes = [
        *city.districts.order_by("sort_order", "code").values_list("code", flat=True),
        "unknown",
    ]
    return [(d, a, s) for d in codes for a in AGE_BANDS for s in SEXES]


def _true_counts(
    city: City, statistic: str, year: int
) -> tuple[Counter[Cell], Counter[Cell] | None]:
    people = population(city, year=year)
    everyone: Counter[Cell] = Counter(p.cell for p in people)
    if statistic == "population":
        return everyone, None
    if statistic == "checkup_participation":
        ids = set(
            HealthEntry.objects.filter(
                city=city, item="checkup", effective_at__year=year
            ).values_list("patient_id", flat=True)
        )
        return Counter(p.cell for p in people if p.user_id in ids), everyone
    # Blood-pressure control: among people with home readings this year, the share whose latest
    # systolic pressure is under 135 mmHg (home target). Values are decrypted here and only here.
    latest: dict[int, float] = {}
    c = cipher()
    rows = (
        HealthEntry.objects.filter(
            city=city, item="vitals", resource_type="Observation", effective_at__year=year
        )
        .order_by("patient_id", "effective_at")
        .values_list("patient_id", "payload")
    )
    for patient_id, payload in rows.iterator():
        values = vital_signs.series_values(c.decrypt(payload))
        if "systolic" in values:
            latest[patient_id] = values["systolic"]
    measured = Counter(p.cell for p in people if p.user_id in latest)
    controlled = Counter(p.cell for p in people if latest.get(p.user_id, 999) < 135)
    return controlled, measured


def budget_of(city: City, dataset: str) -> PrivacyBudget:
    budget, _created = PrivacyBudget.objects.get_or_create(
        city=city, dataset=dataset, defaults={"epsilon_total": DEFAULT_BUDGET}
    )
    return budget


@transaction.atomic
def private_statistic_run(
    *, city: City, actor: User, statistic: str, epsilon: float, year: int | None = None
) -> PrivateQuery:
    """Return a differentially private table (staff only), spending ε from the dataset budget."""
    require_role(actor, city, Role.STAFF)
    if statistic not in STATISTICS:
        raise DomainError(_("Unknown statistic."), field="statistic")
    if not 0.01 <= epsilon <= 2:
        raise DomainError(_("ε must be between 0.01 and 2."), field="epsilon")
    year = year or timezone.localdate().year
    row = PrivacyBudget.objects.select_for_update().get(
        pk=budget_of(city, STATISTICS[statistic]).pk
    )
    budget = Budget(total=float(row.epsilon_total), spent=float(row.epsilon_spent))
    numerators, denominators = _true_counts(city, statistic, year)
    cells = _cells(city)
    result: dict[str, Any]
    try:
        if denominators is None:
            table = private_stats.count_table(
                numerators, cells=cells, epsilon=epsilon, budget=budget
            )
            result = {
                "kind": "count", "accuracy95": round(table.accuracy95, 2),
                "cells": [[*c.cell, c.value] for c in table.cells if c.value is not None],
            }  # fmt: skip
        else:
            shares = private_stats.share_table(
                numerators, denominators, cells=cells, epsilon=epsilon, budget=budget
            )
            result = {
                "kind": "share",
                "cells": [[*cell, round(v, 3)] for cell, v in shares.items() if v is not None],
            }
    except BudgetExhaustedError as exc:
        raise ConflictError(
            _("The privacy budget of this dataset is spent: %(detail)s") % {"detail": exc},
            field="epsilon", code="budget_exhausted",
        ) from exc  # fmt: skip
    result["suppressed"] = len(cells) - len(cast(list[Any], result["cells"]))
    result["year"] = year
    row.epsilon_spent = Decimal(str(round(budget.spent, 3)))
    row.save(update_fields=["epsilon_spent"])
    query = PrivateQuery.objects.create(
        city=city, budget=row, actor=actor, statistic=statistic,
        epsilon=Decimal(str(epsilon)).quantize(Decimal("0.001")), result=result,
    )  # fmt: skip
    audit_record(
        city=city,
        actor=actor,
        action="health.private_statistic",
        obj=query,
        details={"statistic": statistic, "epsilon": epsilon},
    )
    return query


@transaction.atomic
def privacy_budget_set(
    *, city: City, actor: User, dataset: str, epsilon_total: Decimal
) -> PrivacyBudget:
    """Return the dataset's budget with a new total (never below what is already spent)."""
    require_role(actor, city, Role.ADMIN)
    if dataset not in set(STATISTICS.values()):
        raise DomainError(_("Unknown dataset."), field="dataset")
    row = PrivacyBudget.objects.select_for_update().get(pk=budget_of(city, dataset).pk)
    if epsilon_total < row.epsilon_spent or epsilon_total > 50:
        raise DomainError(
            _("The budget cannot be below what is spent, nor above 50."), field="epsilon_total"
        )
    row.epsilon_total = epsilon_total
    row.save(update_fields=["epsilon_total"])
    audit_record(
        city=city,
        actor=actor,
        action="health.budget_set",
        obj=row,
        details={"epsilon_total": str(epsilon_total)},
    )
    return row
