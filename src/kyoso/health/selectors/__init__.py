"""Reads of the health app. Reads of record contents go through services.record_read, which
enforces consent and logs the access; these selectors return only rows about sharing,
providers, schedules and budgets."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from kyoso.core.models import City, User
from kyoso.health.models import (
    Appointment,
    AppointmentStatus,
    CareProvider,
    CareStaff,
    ClinicSchedule,
    HealthAccess,
    HealthEntry,
    PrivacyBudget,
    ProxyAuthority,
    ShareGrant,
)
from kyoso.health.records.clinic_calendar import TOKYO
from kyoso.health.records.vital_signs import series_values


def providers_of(city: City) -> QuerySet[CareProvider]:
    return CareProvider.objects.filter(city=city).order_by("kind", "name_ja")


def staff_rows_of(*, city: City, user: User) -> list[CareStaff]:
    """Return where the person works (providers) in the city."""
    return list(CareStaff.objects.filter(city=city, user=user).select_related("provider"))


def grants_of(*, city: City, patient: User) -> QuerySet[ShareGrant]:
    return (
        ShareGrant.objects.filter(city=city, patient=patient)
        .select_related("provider", "recipient_user")
        .order_by("revoked_at", "-created_at")
    )


def accesses_of(*, city: City, patient: User, limit: int = 200) -> QuerySet[HealthAccess]:
    return (
        HealthAccess.objects.filter(city=city, patient=patient)
        .select_related("actor", "provider")
        .order_by("-at", "-id")[:limit]
    )


def proxies_of(*, city: City, patient: User) -> QuerySet[ProxyAuthority]:
    return ProxyAuthority.objects.filter(
        city=city, patient=patient, revoked_at__isnull=True
    ).select_related("proxy")


def proxy_for(*, city: City, user: User) -> QuerySet[ProxyAuthority]:
    """Return whom the person may act for."""
    return ProxyAuthority.objects.filter(
        city=city, proxy=user, revoked_at__isnull=True
    ).select_related("patient")


def patients_shared_with(*, city: City, user: User) -> list[tuple[User, list[ShareGrant]]]:
    """Return each person who shares something with the user (or the user's providers) now."""
    now = timezone.now()
    provider_ids = list(
        CareStaff.objects.filter(city=city, user=user).values_list("provider_id", flat=True)
    )
    grants = (
        ShareGrant.objects.filter(
            Q(provider_id__in=provider_ids) | Q(recipient_user=user),
            city=city, revoked_at__isnull=True, starts_at__lte=now, ends_at__gt=now,
        )
        .select_related("patient", "provider")
        .order_by("patient_id", "-created_at")
    )  # fmt: skip
    by_patient: dict[int, list[ShareGrant]] = defaultdict(list)
    people: dict[int, User] = {}
    for g in grants:
        by_patient[g.patient_id].append(g)
        people[g.patient_id] = g.patient
    return [(people[pid], by_patient[pid]) for pid in people]


def schedules_of(city: City, *, provider: CareProvider | None = None) -> QuerySet[ClinicSchedule]:
    rows = ClinicSchedule.objects.filter(city=city, is_active=True).select_related("provider")
    if provider is not None:
        rows = rows.filter(provider=provider)
    return rows.order_by("provider__name_ja", "department", "mode")


def free_slots(
    schedule: ClinicSchedule, *, first: date, days: int = 7
) -> list[tuple[datetime, datetime, bool]]:
    """Return (start, end, busy) for every slot of the schedule in ``days`` from ``first``."""
    from kyoso.health.services.booking import calendar_of

    last = first + timedelta(days=days - 1)
    taken = set(
        Appointment.objects.filter(
            schedule=schedule, status=AppointmentStatus.BOOKED,
            start__date__gte=first - timedelta(days=1), start__date__lte=last + timedelta(days=1),
        ).values_list("start", flat=True)
    )  # fmt: skip
    now = timezone.now()
    return [
        (start, end, start in taken)
        for start, end in calendar_of(schedule).slots_between(first, last)
        if start > now
    ]


def appointments_of(*, city: City, patient: User) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(city=city, patient=patient)
        .select_related("schedule__provider")
        .order_by("-start")
    )


def day_view(*, city: City, provider: CareProvider, day: date) -> QuerySet[Appointment]:
    """Return the provider's booked appointments on a local day, in time order."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=TOKYO)
    return (
        Appointment.objects.filter(
            city=city,
            schedule__provider=provider,
            start__gte=start,
            start__lt=start + timedelta(days=1),
        )
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("schedule", "patient")
        .order_by("start")
    )


def budgets_of(city: City) -> QuerySet[PrivacyBudget]:
    return PrivacyBudget.objects.filter(city=city).prefetch_related("queries").order_by("dataset")


def vitals_series(rows: list[tuple[HealthEntry, dict]]) -> dict[str, list[tuple[datetime, float]]]:
    """Return {measure: [(time, value)]} oldest first, from entries already read under consent."""
    series: dict[str, list[tuple[datetime, float]]] = defaultdict(list)
    for entry, resource in rows:
        if entry.effective_at is None:
            continue
        for key, value in series_values(resource).items():
            series[key].append((entry.effective_at, value))
    return {k: sorted(v) for k, v in series.items()}


def checkup_share_65_plus(city: City, kpi: object) -> list[tuple[int, float]]:
    """KPI provider: share (%) of citizens 65+ with an annual check-up, by year.

    Published only when at least 10 people are 65+ and at least 10 had a check-up (small-cell
    rule); a city-wide share over many people is an aggregate, not a per-person datum.
    """
    from kyoso.core.models import Membership, Role

    this_year = timezone.localdate().year
    born = dict(
        Membership.objects.filter(
            city=city, role=Role.CITIZEN, user__birth_year__isnull=False
        ).values_list("user_id", "user__birth_year")
    )
    out: list[tuple[int, float]] = []
    for year in range(this_year - 4, this_year + 1):
        elderly = {uid for uid, b in born.items() if b is not None and year - b >= 65}
        if len(elderly) < 10:
            continue
        with_checkup = set(
            HealthEntry.objects.filter(city=city, item="checkup", effective_at__year=year,
                                       patient_id__in=elderly).values_list("patient_id", flat=True)
        )  # fmt: skip
        if len(with_checkup) < 10:
            continue
        out.append((year, round(100 * len(with_checkup) / len(elderly), 1)))
    return out
