"""Writes of the mobility app — taxis."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import require_role
from kyoso.core.errors import DomainError
from kyoso.core.models import City, Role, User
from kyoso.mobility.models import (
    Taxi,
    TaxiStatus,
)
from kyoso.mobility.services.common import _text

# ---- taxis ---------------------------------------------------------------------------------


def taxi_update(
    *,
    city: City,
    actor: User,
    vehicle_id: str,
    status: str,
    lat: float,
    lon: float,
    company: str = "",
    wheelchair: bool = False,
) -> Taxi:
    """Return the taxi after an operator reported its position and status."""
    require_role(actor, city, Role.OPERATOR)
    if status not in TaxiStatus.values:
        raise DomainError(_("Status must be free, hired or off."), field="status")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise DomainError(_("The position is not on the map."), field="lat")
    existing = Taxi.objects.filter(city=city, vehicle_id=vehicle_id).first()
    if existing is not None and existing.operator_id not in (None, actor.pk):
        raise DomainError(_("This taxi is reported by another operator."), field="vehicle_id")
    taxi, _created = Taxi.objects.update_or_create(
        city=city,
        vehicle_id=vehicle_id,
        defaults={
            "status": status,
            "lat": lat,
            "lon": lon,
            "company": _text(company, 120),
            "wheelchair": wheelchair,
            "operator": actor,
            "updated_at": timezone.now(),
        },
    )
    return taxi
