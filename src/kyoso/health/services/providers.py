"""Care providers of a city and the people who work for them (city staff, or the system)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kyoso.core.access import require_actor
from kyoso.core.errors import DomainError
from kyoso.core.models import City, Role, User
from kyoso.core.services import audit_record
from kyoso.health.models import (
    CareProvider,
    CareStaff,
    HealthProfile,
    Profession,
    ProviderKind,
    Sex,
)


@transaction.atomic
def care_provider_ensure(
    *,
    city: City,
    actor: User,
    code: str,
    name_ja: str,
    kind: str,
    name_en: str = "",
    departments: list[str] | None = None,
    facility_code: str = "",
    is_demo: bool = False,
) -> CareProvider:
    """Return the city's provider with this code, created or updated (audited)."""
    require_actor(actor, city, Role.STAFF)
    if kind not in ProviderKind.values:
        raise DomainError(_("Unknown kind of provider."), field="kind")
    provider, created = CareProvider.objects.update_or_create(
        city=city,
        code=code,
        defaults={
            "name_ja": name_ja,
            "name_en": name_en,
            "kind": kind,
            "departments": departments or [],
            "facility_code": facility_code,
            "is_demo": is_demo,
        },
    )
    audit_record(
        city=city,
        actor=actor,
        action="health.provider_create" if created else "health.provider_update",
        obj=provider,
    )
    return provider


@transaction.atomic
def care_staff_ensure(
    *,
    city: City,
    actor: User,
    provider: CareProvider,
    user: User,
    profession: str,
    department: str = "",
) -> CareStaff:
    """Return the person's place at the provider (they see what the provider was granted)."""
    require_actor(actor, city, Role.STAFF)
    if provider.city_id != city.pk:
        raise DomainError(_("This provider is not in this city."), field="provider")
    if profession not in Profession.values:
        raise DomainError(_("Unknown profession."), field="profession")
    staff, created = CareStaff.objects.update_or_create(
        city=city,
        provider=provider,
        user=user,
        defaults={"profession": profession, "department": department},
    )
    if created:
        audit_record(city=city, actor=actor, action="health.staff_add", obj=staff)
    return staff


def health_profile_set(*, city: City, actor: User, patient: User, sex: str) -> HealthProfile:
    """Return the person's statistics profile with the sex they gave (theirs to set)."""
    if actor.pk != patient.pk:
        require_actor(actor, city, Role.STAFF)  # the system, for demo and imports
    if sex not in Sex.values:
        raise DomainError(_("Choose one."), field="sex")
    profile, _created = HealthProfile.objects.update_or_create(
        city=city, user=patient, defaults={"sex": sex}
    )
    return profile
