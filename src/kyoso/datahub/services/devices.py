"""Registering devices and provisioning each one's own credential."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kyoso.core.access import require_actor
from kyoso.core.errors import ConflictError, DomainError
from kyoso.core.models import City, District, Organisation, Role, User
from kyoso.core.services import audit_record
from kyoso.datahub.models import Device, DeviceCredential, ObservedProperty

DEVICE_ROLES = (Role.STAFF, Role.ADMIN, Role.OPERATOR, Role.BUSINESS)
TOKEN_PREFIX = "kdev_"  # noqa: S105 - a prefix, not a secret


@dataclass(frozen=True, slots=True)
class PropertySpec:
    name: str
    unit: str = ""
    min_value: float | None = None
    max_value: float | None = None
    retention_days: int | None = None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def device_register(
    *,
    actor: User,
    city: City,
    key: str,
    name: str,
    properties: list[PropertySpec],
    owner: Organisation | None = None,
    model: str = "",
    entity_type: str = "",
    district: District | None = None,
    lat: float | None = None,
    lon: float | None = None,
) -> Device:
    """Return a new device of the city with the properties it observes."""
    require_actor(actor, city, *DEVICE_ROLES)
    if not key or len(key) > 64 or not key.replace("-", "").replace("_", "").isalnum():
        raise DomainError(_("Use letters, digits, - and _ for the device ID."), field="key")
    if owner is not None and owner.city_id != city.pk:
        raise DomainError(_("The organisation is not in this city."), field="owner")
    if district is not None and district.city_id != city.pk:
        raise DomainError(_("The district is not in this city."), field="district")
    names = [p.name for p in properties]
    if len(set(names)) != len(names):
        raise DomainError(_("A property is listed twice."), field="properties")
    for spec in properties:
        if (
            spec.min_value is not None
            and spec.max_value is not None
            and spec.min_value > spec.max_value
        ):
            raise DomainError(_("The lowest value is above the highest."), field="properties")
    try:
        with transaction.atomic():
            device = Device.objects.create(
                city=city,
                key=key,
                name=name,
                owner=owner,
                model=model,
                entity_type=entity_type,
                district=district,
                lat=lat,
                lon=lon,
            )
    except IntegrityError:
        raise ConflictError(_("A device with this ID exists."), field="key") from None
    ObservedProperty.objects.bulk_create(
        ObservedProperty(
            city=city,
            device=device,
            name=p.name,
            unit=p.unit,
            min_value=p.min_value,
            max_value=p.max_value,
            retention_days=p.retention_days,
        )
        for p in properties
    )
    audit_record(city=city, actor=actor, action="datahub.device_register", obj=device)
    return device


@transaction.atomic
def device_credential_issue(
    *, actor: User, city: City, device: Device, revoke_others: bool = True
) -> tuple[DeviceCredential, str]:
    """Return a new credential of the device and its secret (shown once, stored hashed)."""
    require_actor(actor, city, *DEVICE_ROLES)
    if device.city_id != city.pk:
        raise DomainError(_("The device is not in this city."), field="device")
    from django.utils import timezone

    if revoke_others:
        DeviceCredential.objects.filter(device=device, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(24)
    credential = DeviceCredential.objects.create(
        city=city, device=device, token_hash=_hash(token), prefix=token[:10]
    )
    audit_record(
        city=city,
        actor=actor,
        action="datahub.credential_issue",
        obj=device,
        details={"prefix": credential.prefix},
    )
    return credential, token


def device_authenticate(token: str, *, city: City | None = None, key: str = "") -> Device | None:
    """Return the active device whose live credential is ``token`` (and whose ID is ``key``)."""
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    credential = (
        DeviceCredential.objects.select_related("device", "device__city")
        .filter(token_hash=_hash(token), revoked_at__isnull=True, device__is_active=True)
        .first()
    )
    if credential is None:
        return None
    device = credential.device
    if city is not None and device.city_id != city.pk:
        return None
    if key and device.key != key:
        return None
    return device


def property_specs(raw: list[dict[str, Any]]) -> list[PropertySpec]:
    return [PropertySpec(**item) for item in raw]
