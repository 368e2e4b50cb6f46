"""Writes of the mobility app — crowding."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import require_owner_or_staff, require_role
from kyoso.core.errors import DomainError, NotFoundError
from kyoso.core.models import City, Role, User
from kyoso.core.services import audit_record
from kyoso.mobility.models import (
    CrowdingLevel,
    Facility,
    FacilityStatus,
)
from kyoso.mobility.services.common import _text

CROWDING_ROLES = (Role.CLINIC, Role.OPERATOR, Role.STAFF)

# ---- destination crowding ------------------------------------------------------------------


def facility_status_publish(
    *,
    city: City,
    actor: User,
    facility_code: str,
    waiting_minutes: int | None,
    crowding: str = "",
    note: str = "",
    valid_minutes: int = 120,
) -> FacilityStatus:
    """Return the new status of a facility (its owner's accounts and city staff publish it)."""
    require_role(actor, city, *CROWDING_ROLES)
    facility = (
        Facility.objects.filter(city=city, code=facility_code)
        .select_related("organisation")
        .first()
    )
    if facility is None:
        raise NotFoundError(_("No such facility."))
    # A clinic or operator publishes only for the facilities its organisation owns.
    require_owner_or_staff(actor, city, facility.organisation)
    if waiting_minutes is None and not crowding:
        raise DomainError(_("Give a waiting time or a crowding level."), field="waiting_minutes")
    if waiting_minutes is not None and not 0 <= waiting_minutes <= 600:
        raise DomainError(_("The waiting time must be 0 to 600 minutes."), field="waiting_minutes")
    if crowding and crowding not in CrowdingLevel.values:
        raise DomainError(_("Crowding must be low, medium or high."), field="crowding")
    if not 5 <= valid_minutes <= 24 * 60:
        raise DomainError(_("Validity must be 5 to 1440 minutes."), field="valid_minutes")
    now = timezone.now()
    with transaction.atomic():
        status = FacilityStatus.objects.create(
            city=city,
            facility=facility,
            waiting_minutes=waiting_minutes,
            crowding=crowding,
            note=_text(note, 200),
            reported_by=actor,
            reported_at=now,
            valid_until=now + timedelta(minutes=valid_minutes),
        )
        audit_record(
            city=city,
            actor=actor,
            action="mobility.facility_status",
            obj=facility,
            details={"waiting_minutes": waiting_minutes, "crowding": crowding},
        )
    return status
