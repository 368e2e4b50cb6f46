"""Reads of personal data by staff, clinics and operators leave a record the citizen can see."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from kyoso.core.models import City, Membership, PersonalDataAccess, User
from kyoso.core.services.platform import audit_record


def _actor_label(city: City, actor: User) -> str:
    """Return "role · organisation" of the actor in the city, as it stands now."""
    parts = []
    for membership in (
        Membership.objects.filter(city=city, user=actor)
        .exclude(role="citizen")
        .select_related("organisation")
        .order_by("role")
    ):
        label = str(membership.get_role_display())
        if membership.organisation is not None:
            label += f" · {membership.organisation.name}"
        parts.append(label)
    return (", ".join(parts) or str(actor))[:200]


@transaction.atomic
def personal_data_access_record(
    *,
    city: City,
    actor: User,
    subject_ids: Iterable[int],
    what: str,
    purpose: str,
) -> int:
    """Record that ``actor`` saw ``what`` of each subject for ``purpose``; return how many.

    One row per person seen, so each citizen finds it on "my page", and one audit record of
    the read as a whole (who, what, which city, why). A person looking at their own data is
    not recorded.
    """
    ids = sorted({pk for pk in subject_ids if pk is not None and pk != actor.pk})
    label = _actor_label(city, actor)
    PersonalDataAccess.objects.bulk_create(
        [
            PersonalDataAccess(
                city=city,
                actor=actor,
                actor_label=label,
                subject_id=pk,
                what=what[:120],
                purpose=purpose[:200],
            )
            for pk in ids
        ],
        batch_size=1000,
    )
    audit_record(
        city=city,
        actor=actor,
        action="personal_data.read",
        object_type="personal_data",
        object_id=what[:64],
        details={"what": what, "purpose": purpose, "people": len(ids)},
    )
    return len(ids)
