"""Consortium membership: the secretariat invites, a company's manager accepts or declines."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import require_role
from kyoso.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from kyoso.core.models import Role, User
from kyoso.core.services import audit_record, notification_send
from kyoso.green.models import Company, Consortium, ConsortiumInvitation
from kyoso.green.services.companies import company_set_disclosure, require_manager


def _require_secretariat(actor: User, consortium: Consortium) -> None:
    if not consortium.secretariat.filter(pk=actor.pk).exists():
        raise PermissionDeniedError(_("Only the consortium secretariat can do this."))


@transaction.atomic
def consortium_invite(*, actor: User, consortium: Consortium, company: str) -> ConsortiumInvitation:
    """Return an open invitation to the company named (registered name or 法人番号).

    The company becomes a member only when its manager accepts; until then, and afterwards
    unless it consents, the secretariat sees none of its data.
    """
    _require_secretariat(actor, consortium)
    key = company.strip()
    found = (
        Company.objects.filter(city=consortium.city)
        .filter(Q(name=key) | Q(corporate_number=key) if key.isdigit() else Q(name=key))
        .first()
        if key
        else None
    )
    if found is None:
        raise DomainError(
            _("No company of this name or corporate number is registered."), field="company"
        )
    if consortium.members.filter(pk=found.pk).exists():
        raise ConflictError(_("This company is already a member."), field="company")
    invitation, _created = ConsortiumInvitation.objects.update_or_create(
        city=consortium.city,
        consortium=consortium,
        company=found,
        defaults={"invited_by": actor, "answered_at": None, "accepted": None},
    )
    url = reverse("green:company", args=[consortium.city.slug, found.pk])
    for manager in found.managers.all():
        notification_send(
            city=consortium.city,
            user=manager,
            kind="green.invitation",
            title=_("%(consortium)s invites %(company)s to join")
            % {"consortium": consortium.name, "company": found.name},
            url=url,
        )
    audit_record(
        city=consortium.city,
        actor=actor,
        action="green.consortium.invite",
        obj=invitation,
        details={"company": found.pk},
    )
    return invitation


def _open_invitation(actor: User, invitation_id: int, company: Company) -> ConsortiumInvitation:
    require_manager(actor, company)
    invitation = (
        ConsortiumInvitation.objects.select_for_update()
        .filter(city=company.city, company=company, pk=invitation_id, accepted__isnull=True)
        .select_related("consortium")
        .first()
    )
    if invitation is None:
        raise NotFoundError(_("This invitation is not open."), field="invitation")
    return invitation


@transaction.atomic
def consortium_invitation_answer(
    *,
    actor: User,
    company: Company,
    invitation_id: int,
    accept: bool,
    secretariat_may_enter: bool = False,
) -> ConsortiumInvitation:
    """Return the answered invitation; accepting makes the company a member and, if the
    manager ticks it, lets the secretariat enter the company's data (a revocable consent)."""
    invitation = _open_invitation(actor, invitation_id, company)
    invitation.accepted = accept
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["accepted", "answered_at"])
    if accept:
        invitation.consortium.members.add(company)
        if secretariat_may_enter:
            from kyoso.green.selectors import disclosure_of

            company_set_disclosure(
                actor=actor, company=company, level=disclosure_of(company), secretariat=True
            )
    audit_record(
        city=company.city,
        actor=actor,
        action="green.consortium.accept" if accept else "green.consortium.decline",
        obj=invitation,
        details={"secretariat_may_enter": bool(accept and secretariat_may_enter)},
    )
    return invitation


@transaction.atomic
def consortium_leave(*, actor: User, company: Company, consortium: Consortium) -> None:
    """Take the company out of the consortium; the secretariat's access ends with it."""
    require_manager(actor, company)
    if not consortium.members.filter(pk=company.pk).exists():
        raise DomainError(_("The company is not a member."), field="consortium")
    consortium.members.remove(company)
    audit_record(city=company.city, actor=actor, action="green.consortium.leave", obj=company)


@transaction.atomic
def consortium_secretariat_set(
    *, actor: User, consortium: Consortium, user: User, member: bool = True
) -> None:
    """Add a person to (or take them off) the consortium's secretariat; city staff decide."""
    require_role(actor, consortium.city, Role.STAFF, Role.ADMIN)
    if member:
        if not user.memberships.filter(city=consortium.city).exists():
            raise DomainError(_("This person has no account in this city."), field="user")
        consortium.secretariat.add(user)
    else:
        consortium.secretariat.remove(user)
    audit_record(
        city=consortium.city,
        actor=actor,
        action="green.consortium.secretariat",
        obj=consortium,
        details={"user": user.pk, "member": member},
    )
