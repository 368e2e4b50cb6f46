"""Reads of the platform core."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from kyoso.core.models import (
    AuditEvent,
    City,
    Consent,
    District,
    Membership,
    Notification,
    PersonalDataAccess,
    User,
)


def city_get(slug: str) -> City:
    """Return the city with this URL name, or raise Http404."""
    return get_object_or_404(City, slug=slug)


def cities_list() -> QuerySet[City]:
    return City.objects.order_by("-is_demo", "municipality_code")


def districts_of(city: City) -> QuerySet[District]:
    return District.objects.filter(city=city).order_by("sort_order", "code")


def consent_is_active(*, city: City, user: User, purpose: str, scope: str = "") -> bool:
    """Return whether the person has a live consent for the purpose (and scope) right now.

    A consent recorded without a scope covers every scope of its purpose.
    """
    if not user.is_authenticated:
        return False
    scopes = Q(scope="") | Q(scope=scope) if scope else Q(scope="")
    return Consent.objects.filter(
        scopes, city=city, user=user, purpose=purpose, revoked_at__isnull=True
    ).exists()


def consents_of(*, city: City, user: User) -> QuerySet[Consent]:
    return Consent.objects.filter(city=city, user=user).order_by("-granted_at")


def notifications_of(
    *, city: City, user: User, unread_only: bool = False
) -> QuerySet[Notification]:
    notices = Notification.objects.filter(city=city, user=user)
    if unread_only:
        notices = notices.filter(read_at__isnull=True)
    return notices.order_by("-created_at", "-id")


def audit_events_of(
    city: City, *, object_type: str = "", object_id: str = ""
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(city=city).select_related("actor", "on_behalf_of")
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    return events.order_by("-at", "-id")


def members_of(city: City, *, role: str = "") -> QuerySet[Membership]:
    members = Membership.objects.filter(city=city).select_related("user", "district")
    if role:
        members = members.filter(role=role)
    return members.order_by("user__email", "role")


def member_by_email(city: City, email: str) -> User | None:
    """Return the person registered in the city under this e-mail address, if any."""
    return User.objects.filter(email=email.strip().lower(), memberships__city=city).first()


def home_district(*, city: City, user: User) -> District | None:
    """Return the district the person gave when joining the city, if any."""
    membership = (
        Membership.objects.filter(city=city, user=user, district__isnull=False)
        .select_related("district")
        .first()
    )
    return membership.district if membership else None


def personal_data_accesses_of(*, city: City, user: User) -> QuerySet[PersonalDataAccess]:
    """Return who saw this person's data in the city, newest first."""
    return PersonalDataAccess.objects.filter(city=city, subject=user).order_by("-at", "-id")
