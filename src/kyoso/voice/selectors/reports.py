"""Reads for problem reports: staff triage, Open311 queries, a citizen's own reports."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from kyoso.core.models import City, User
from kyoso.voice.models import Report, ServiceType


def services_of(city: City) -> QuerySet[ServiceType]:
    return ServiceType.objects.filter(city=city, is_active=True).order_by("sort_order", "code")


def reports_list(
    city: City,
    *,
    status: str = "",
    service: str = "",
    district: str = "",
    assigned: str = "",
    viewer: User | None = None,
) -> QuerySet[Report]:
    """Return the city's reports for staff triage, with what the list shows joined in."""
    reports = Report.objects.filter(city=city).select_related("service", "district", "assigned_to")
    if status:
        reports = reports.filter(status=status)
    if service:
        reports = reports.filter(service__code=service)
    if district:
        reports = reports.filter(district__code=district)
    if assigned == "me" and viewer is not None:
        reports = reports.filter(assigned_to=viewer)
    elif assigned == "none":
        reports = reports.filter(assigned_to__isnull=True)
    return reports.order_by("-requested_at", "-id")


def open311_requests(
    city: City,
    *,
    ids: list[int] | None = None,
    service_codes: list[str] | None = None,
    statuses: list[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 1000,
) -> QuerySet[Report]:
    """Return reports for GET requests: ids override every other filter; default last 90 days."""
    reports = Report.objects.filter(city=city, is_hidden=False).select_related("service", "photo")
    if ids:
        return reports.filter(pk__in=ids).order_by("-requested_at", "-id")
    if service_codes:
        reports = reports.filter(service__code__in=service_codes)
    if statuses:
        reports = reports.filter(status__in=statuses)
    if start is None and end is None:
        start = timezone.now() - timedelta(days=90)
    if start is not None:
        reports = reports.filter(requested_at__gte=start)
    if end is not None:
        reports = reports.filter(requested_at__lte=end)
    return reports.order_by("-requested_at", "-id")[:limit]


def reports_of(city: City, user: User) -> QuerySet[Report]:
    return (
        Report.objects.filter(city=city, reporter=user)
        .select_related("service")
        .order_by("-requested_at", "-id")
    )


def reports_for_map(city: City, *, days: int = 90) -> QuerySet[Report]:
    since = timezone.now() - timedelta(days=days)
    return (
        Report.objects.filter(
            city=city, is_hidden=False, lat__isnull=False, requested_at__gte=since
        )
        .select_related("service")
        .order_by("-requested_at")[:2000]
    )
