"""Writes of the gazetteer: the 町名 and landmarks a city names for its place picker."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kyoso.core.access import STAFF_ROLES, is_system_actor, require_role
from kyoso.core.errors import DomainError
from kyoso.core.models import City, Place, PlaceKind, User
from kyoso.core.selectors.maps import base_map_forget
from kyoso.core.services.platform import audit_record


@transaction.atomic
def place_save(
    *,
    actor: User,
    city: City,
    kind: str,
    name_ja: str,
    lat: float,
    lon: float,
    name_en: str = "",
    reading: str = "",
) -> Place:
    """Create or update the city's place of this kind and Japanese name (staff only)."""
    if not is_system_actor(actor):
        require_role(actor, city, *STAFF_ROLES)
    if kind not in PlaceKind.values:
        raise DomainError(_("Choose a kind of place."), field="kind")
    name_ja = name_ja.strip()
    if not name_ja:
        raise DomainError(_("Write the name of the place."), field="name_ja")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise DomainError(_("This place is not on the map."), field="lat")
    place, created = Place.objects.update_or_create(
        city=city,
        kind=kind,
        name_ja=name_ja,
        defaults={"name_en": name_en, "reading": reading, "lat": lat, "lon": lon},
    )
    audit_record(
        city=city,
        actor=actor,
        action="place.create" if created else "place.update",
        obj=place,
        details={"kind": kind, "lat": lat, "lon": lon},
    )
    transaction.on_commit(lambda: base_map_forget(city))
    return place
