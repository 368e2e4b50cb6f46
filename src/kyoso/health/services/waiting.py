"""A clinic publishes its own waiting time, which flows into mobility's destination crowding."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kyoso.core.errors import DomainError, PermissionDeniedError
from kyoso.core.models import City, User
from kyoso.health.models import CareProvider, CareStaff


def provider_waiting_publish(
    *, city: City, actor: User, provider: CareProvider, waiting_minutes: int, note: str = ""
) -> object:
    """Return the new facility status of the provider's own facility (its staff only)."""
    if not CareStaff.objects.filter(city=city, user=actor, provider=provider).exists():
        raise PermissionDeniedError(_("You can publish only your own facility's waiting time."))
    if not provider.facility_code:
        raise DomainError(_("This provider has no facility on the map."), field="provider")
    from kyoso.mobility.services import facility_status_publish

    return facility_status_publish(
        city=city, actor=actor, facility_code=provider.facility_code,
        waiting_minutes=waiting_minutes, note=note,
    )  # fmt: skip
