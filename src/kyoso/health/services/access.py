"""Who is looking at whose record, and what the consents let them see (enforced here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.errors import NotFoundError, PermissionDeniedError
from kyoso.core.models import City, Role, User
from kyoso.health.models import CareStaff, HealthAccess, ProxyAuthority, ShareGrant
from kyoso.health.records.consent_rules import Grant, visible_items


@dataclass(frozen=True)
class Viewer:
    """What one person may do with one patient's record right now."""

    user: User
    patient: User
    relation: str  # "self", "proxy", "recipient", "none"
    items: frozenset[str] = field(default_factory=frozenset)
    grants: tuple[ShareGrant, ...] = ()
    staff: CareStaff | None = None

    @property
    def is_owner(self) -> bool:
        """The person themself, or a family member acting under a recorded proxy."""
        return self.relation in ("self", "proxy")

    def may_see(self, item: str) -> bool:
        return self.is_owner or item in self.items

    def grant_for(self, item: str) -> ShareGrant | None:
        return next((g for g in self.grants if item in g.items), None)


def _as_grant(g: ShareGrant) -> Grant:
    return Grant(
        recipient=g.recipient_key,
        items=frozenset(g.items),
        purpose=g.purpose,
        starts_at=g.starts_at,
        ends_at=g.ends_at,
        revoked_at=g.revoked_at,
    )


def proxy_is_active(*, city: City, patient: User, proxy: User) -> bool:
    return ProxyAuthority.objects.filter(
        city=city, patient=patient, proxy=proxy, revoked_at__isnull=True
    ).exists()


def viewer_for(
    *, city: City, user: User | AnonymousUser, patient: User, at: datetime | None = None
) -> Viewer:
    """Return the viewer's rights over the patient's record (raises when signed out)."""
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDeniedError(_("Sign in to see health records."))
    if user.pk == patient.pk:
        return Viewer(user=user, patient=patient, relation="self")
    if proxy_is_active(city=city, patient=patient, proxy=user):
        return Viewer(user=user, patient=patient, relation="proxy")
    at = at or timezone.now()
    staff = list(CareStaff.objects.filter(city=city, user=user).select_related("provider"))
    recipients = {f"user:{user.pk}"} | {f"org:{s.provider_id}" for s in staff}
    provider_ids = [s.provider_id for s in staff]
    live = list(
        ShareGrant.objects.filter(
            Q(provider_id__in=provider_ids) | Q(recipient_user=user),
            city=city,
            patient=patient,
            revoked_at__isnull=True,
            starts_at__lte=at,
            ends_at__gt=at,
        ).select_related("provider")
    )
    items = visible_items([_as_grant(g) for g in live], recipients=recipients, at=at)
    used = next(
        (s for s in staff if any(g.provider_id == s.provider_id for g in live)),
        staff[0] if staff else None,
    )
    return Viewer(
        user=user,
        patient=patient,
        relation="recipient" if items else "none",
        items=frozenset(items),
        grants=tuple(live),
        staff=used,
    )


def patient_get(*, city: City, patient_id: int) -> User:
    """Return a citizen of the city by id (404 otherwise, never revealing other cities)."""
    patient = User.objects.filter(
        pk=patient_id, memberships__city=city, memberships__role=Role.CITIZEN
    ).first()
    if patient is None:
        raise NotFoundError(_("No such person."), field="patient")
    return patient


def access_log(
    *,
    city: City,
    viewer: Viewer,
    item: str,
    action: str,
    channel: str,
    entries: int,
) -> HealthAccess | None:
    """Record an access by anyone but the person (their own reads are not surveilled)."""
    if viewer.relation == "self":
        return None
    staff = viewer.staff
    return HealthAccess.objects.create(
        city=city,
        patient=viewer.patient,
        actor=viewer.user,
        provider=staff.provider if staff and viewer.relation == "recipient" else None,
        department=staff.department if staff and viewer.relation == "recipient" else "",
        profession=staff.profession
        if staff and viewer.relation == "recipient"
        else viewer.relation,
        item=item,
        action=action,
        channel=channel,
        entries=entries,
        grant=viewer.grant_for(item),
    )
