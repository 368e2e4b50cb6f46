"""Writes of who may take part and vote: a city's rules, and staff verifying a resident."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kyoso.core.access import PARTICIPATION_RULES, VOTING_RULES, require_actor
from kyoso.core.errors import DomainError, NotFoundError
from kyoso.core.models import City, Membership, Role, User
from kyoso.core.services.platform import audit_record

# The rules staff may set, with the values each takes (see kyoso.core.access).
CITY_RULES: dict[str, tuple[str, ...]] = {
    "participation": PARTICIPATION_RULES,
    "voting": VOTING_RULES,
}


@transaction.atomic
def city_rule_set(*, city: City, actor: User, key: str, value: str) -> City:
    """Return the city with one of its participation rules changed (staff, audited).

    ``participation``: who may write ("registered" or "residents"); ``voting``: who may vote in
    decisions and participatory budgets ("registered" or "verified").
    """
    require_actor(actor, city, Role.STAFF)
    if value not in CITY_RULES.get(key, ()):
        raise DomainError(_("Unknown rule or value."), field=key or "rule")
    locked = City.objects.select_for_update().get(pk=city.pk)
    before = locked.rules.get(key)
    locked.rules = {**locked.rules, key: value}
    locked.save(update_fields=["rules"])
    audit_record(
        city=locked, actor=actor, action="city.rule_set", obj=locked,
        details={"rule": key, "before": before, "after": value},
    )  # fmt: skip
    city.rules = locked.rules
    return locked


@transaction.atomic
def membership_verify_resident(
    *, city: City, actor: User, user: User, verified: bool = True, note: str = ""
) -> Membership:
    """Return the person's citizen membership marked (or unmarked) as a verified resident.

    City staff do this after checking residence (a My Number card, the resident register);
    ``note`` says how, and the audit log keeps it.
    """
    require_actor(actor, city, Role.STAFF)
    membership = (
        Membership.objects.select_for_update()
        .filter(city=city, user=user, role=Role.CITIZEN)
        .first()
    )
    if membership is None:
        raise NotFoundError(_("This person is not registered as a resident of this city."))
    if membership.verified_resident != verified:
        membership.verified_resident = verified
        membership.save(update_fields=["verified_resident"])
        audit_record(
            city=city, actor=actor, action="membership.verify_resident", obj=membership,
            details={"user": user.pk, "verified": verified, "note": note.strip()[:300]},
        )  # fmt: skip
    return membership
