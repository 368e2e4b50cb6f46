"""Writes of the mobility app — crowding."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import is_system_actor, require_owner_or_staff, require_role
from kyoso.core.errors import DomainError, NotFoundError
from kyoso.core.models import City, Role, User
from kyoso.core.selectors import base_map_forget
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


@transaction.atomic
def facility_save(
    *,
    city: City,
    actor: User,
    code: str,
    name_ja: str,
    kind: str,
    lat: float,
    lon: float,
    name_en: str = "",
    stop_ids: list[str] | None = None,
) -> Facility:
    """Create or update a destination of the city (hospital, clinic, 交流センター, city hall)."""
    if not is_system_actor(actor):
        require_role(actor, city, Role.STAFF)
    if not name_ja.strip():
        raise DomainError(_("Write the name of the facility."), field="name_ja")
    defaults: dict[str, object] = {
        "name_ja": name_ja.strip(),
        "name_en": name_en,
        "kind": kind,
        "lat": lat,
        "lon": lon,
    }
    if stop_ids is not None:
        defaults["stop_ids"] = stop_ids
    facility, created = Facility.objects.update_or_create(city=city, code=code, defaults=defaults)
    audit_record(
        city=city,
        actor=actor,
        action="mobility.facility_create" if created else "mobility.facility_update",
        obj=facility,
        details={"kind": kind},
    )
    transaction.on_commit(lambda: base_map_forget(city))
    return facility
