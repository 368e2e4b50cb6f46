"""Consent to share, per data item × recipient × purpose × period; proxies for family."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import is_staff
from kyoso.core.errors import DomainError, NotFoundError, PermissionDeniedError
from kyoso.core.models import City, Role, User
from kyoso.core.services import audit_record, consent_grant, consent_revoke, notification_send
from kyoso.health.models import CareProvider, ProxyAuthority, ProxyBasis, ShareGrant, SharePurpose
from kyoso.health.records.fhir_resources import DATA_ITEMS
from kyoso.health.services.access import viewer_for

MAX_DAYS = 366 * 3


@transaction.atomic
def share_grant(
    *,
    city: City,
    actor: User,
    patient: User,
    items: list[str],
    purpose: str,
    days: int | None = None,
    ends_at: datetime | None = None,
    provider: CareProvider | None = None,
    recipient_user: User | None = None,
) -> ShareGrant:
    """Return a new consent letting one recipient see the chosen items for a purpose and period."""
    viewer = viewer_for(city=city, user=actor, patient=patient)
    if not viewer.is_owner:
        raise PermissionDeniedError(_("Only the person, or a family member they named, can share."))
    chosen = sorted(set(items))
    if not chosen:
        raise DomainError(_("Choose at least one kind of data."), field="items")
    unknown = [i for i in chosen if i not in DATA_ITEMS]
    if unknown:
        raise DomainError(_("Unknown kind of data: %(item)s") % {"item": unknown[0]}, field="items")
    if purpose not in SharePurpose.values:
        raise DomainError(_("Choose a purpose."), field="purpose")
    if (provider is None) == (recipient_user is None):
        raise DomainError(_("Choose one recipient."), field="recipient")
    if provider is not None and provider.city_id != city.pk:
        raise DomainError(_("This provider is not in this city."), field="recipient")
    if recipient_user is not None and recipient_user.pk == patient.pk:
        raise DomainError(_("You cannot share with yourself."), field="recipient")
    now = timezone.now()
    if ends_at is None:
        if days is None or not 1 <= days <= MAX_DAYS:
            raise DomainError(_("Choose a period of 1 day to 3 years."), field="days")
        ends_at = now + timedelta(days=days)
    elif not now < ends_at <= now + timedelta(days=MAX_DAYS):
        raise DomainError(_("Choose a period of 1 day to 3 years."), field="ends_at")
    grant = ShareGrant.objects.create(
        city=city,
        patient=patient,
        provider=provider,
        recipient_user=recipient_user,
        items=chosen,
        purpose=purpose,
        starts_at=now,
        ends_at=ends_at,
        granted_by=actor,
    )
    grant.consent = consent_grant(
        city=city,
        user=patient,
        purpose="health.share",
        scope=f"grant:{grant.pk}",
        recorded_by=actor if actor.pk != patient.pk else None,
    )
    grant.save(update_fields=["consent"])
    audit_record(
        city=city, actor=actor, on_behalf_of=patient if actor.pk != patient.pk else None,
        action="health.share_grant", obj=grant,
        details={"items": chosen, "purpose": purpose, "recipient": grant.recipient_key,
                 "ends_at": ends_at.isoformat()},
    )  # fmt: skip
    return grant


@transaction.atomic
def share_revoke(*, city: City, actor: User, grant_id: int) -> ShareGrant:
    """Return the consent revoked now; access stops with this transaction."""
    grant = ShareGrant.objects.select_for_update().filter(city=city, pk=grant_id).first()
    if grant is None:
        raise NotFoundError(_("No such consent."), field="grant")
    viewer = viewer_for(city=city, user=actor, patient=grant.patient)
    if not viewer.is_owner:
        raise NotFoundError(_("No such consent."), field="grant")
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
        consent_revoke(
            city=city, user=grant.patient, purpose="health.share", scope=f"grant:{grant.pk}",
            recorded_by=actor if actor.pk != grant.patient_id else None,
        )  # fmt: skip
        audit_record(city=city, actor=actor, action="health.share_revoke", obj=grant)
    return grant


@transaction.atomic
def proxy_grant(
    *,
    city: City,
    actor: User,
    patient: User,
    proxy: User,
    basis: str = ProxyBasis.CONSENT,
    note: str = "",
) -> ProxyAuthority:
    """Return a proxy: the person names a family member, or staff record a legal proxy."""
    if basis == ProxyBasis.CONSENT:
        if actor.pk != patient.pk:
            raise PermissionDeniedError(
                _("Only the person can name a family member to act for them.")
            )
    elif basis == ProxyBasis.LEGAL:
        if not is_staff(actor, city):
            raise PermissionDeniedError(_("Only city staff can record a legal proxy."))
        if not note.strip():
            raise DomainError(_("Name the document that shows the legal proxy."), field="note")
    else:
        raise DomainError(_("Choose the basis."), field="basis")
    if proxy.pk == patient.pk:
        raise DomainError(_("Choose another person."), field="proxy")
    if not proxy.memberships.filter(city=city, role=Role.CITIZEN).exists():
        raise DomainError(_("The family member needs an account in this city."), field="proxy")
    existing = ProxyAuthority.objects.filter(
        city=city, patient=patient, proxy=proxy, revoked_at__isnull=True
    ).first()
    if existing:
        return existing
    authority = ProxyAuthority.objects.create(
        city=city, patient=patient, proxy=proxy, basis=basis, note=note.strip()[:200],
        recorded_by=actor, starts_at=timezone.now(),
    )  # fmt: skip
    if basis == ProxyBasis.CONSENT:
        consent_grant(city=city, user=patient, purpose="health.proxy", scope=f"user:{proxy.pk}")
    audit_record(
        city=city, actor=actor, on_behalf_of=patient if actor.pk != patient.pk else None,
        action="health.proxy_grant", obj=authority, details={"proxy": proxy.pk, "basis": basis},
    )  # fmt: skip
    notification_send(
        city=city, user=proxy, kind="health.proxy",
        title=_("%(name)s named you to help with their health record.") % {"name": patient},
    )  # fmt: skip
    return authority


@transaction.atomic
def proxy_revoke(*, city: City, actor: User, patient: User, proxy: User) -> int:
    """Return how many proxies ended (the person, or staff for a legal proxy)."""
    rows = list(
        ProxyAuthority.objects.select_for_update().filter(
            city=city, patient=patient, proxy=proxy, revoked_at__isnull=True
        )
    )
    for row in rows:
        if actor.pk != patient.pk and not (row.basis == ProxyBasis.LEGAL and is_staff(actor, city)):
            raise PermissionDeniedError(_("Only the person can end this."))
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
        audit_record(city=city, actor=actor, action="health.proxy_revoke", obj=row)
    consent_revoke(city=city, user=patient, purpose="health.proxy", scope=f"user:{proxy.pk}")
    return len(rows)
