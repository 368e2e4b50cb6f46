"""Fair burden: volunteer hours asked of one person are capped per month, per city."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.commons.models import (
    REWARDS_PURPOSE,
    Group,
    GroupMember,
    HelpRequest,
    HelpStatus,
    RewardRule,
    Theme,
)
from kyoso.core.access import is_staff
from kyoso.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from kyoso.core.models import City, User
from kyoso.core.selectors import consent_is_active
from kyoso.core.services import audit_record, notification_send

DEFAULT_MONTHLY_HOURS_CAP = 10
COUNTED = (HelpStatus.ASKED, HelpStatus.ACCEPTED, HelpStatus.DONE)


def month_start(day: date) -> date:
    return day.replace(day=1)


def hours_asked(*, city: City, person: User, month: date) -> Decimal:
    """Return the hours already asked of the person in the month (declined ones do not count)."""
    total = HelpRequest.objects.filter(
        city=city, person=person, month=month_start(month), status__in=COUNTED
    ).aggregate(total=Sum("hours"))["total"]
    return total or Decimal(0)


def _may_ask(actor: User, city: City, group: Group | None) -> bool:
    if is_staff(actor, city):
        return True
    return (
        group is not None
        and GroupMember.objects.filter(
            city=city, group=group, user=actor, is_organiser=True
        ).exists()
    )


@transaction.atomic
def help_request_create(
    *,
    city: City,
    actor: User,
    person: User,
    title: str,
    theme: str,
    hours: Decimal | int | str,
    month: date | None = None,
    group: Group | None = None,
) -> HelpRequest:
    """Return a request for someone's volunteer hours, refused if it would pass the cap."""
    if group is not None and group.city_id != city.pk:
        raise NotFoundError(_("No such group."), field="group")
    if not _may_ask(actor, city, group):
        raise PermissionDeniedError(_("Only organisers and city staff can ask for help."))
    try:
        amount = Decimal(str(hours))
    except InvalidOperation:
        amount = Decimal(-1)
    if not (Decimal("0.5") <= amount <= Decimal(24)) or amount % Decimal("0.5"):
        raise DomainError(_("Give the hours in half hours, from 0.5 to 24."), field="hours")
    if theme not in Theme.values:
        raise DomainError(_("Choose a theme."), field="theme")
    if not title.strip():
        raise DomainError(_("Say what the activity is."), field="title")
    first = month_start(month or timezone.localdate())
    # Lock the person so two organisers asking at once cannot both slip under the cap.
    User.objects.select_for_update().filter(pk=person.pk).first()
    cap = Decimal(str(city.rule("commons.monthly_hours_cap", DEFAULT_MONTHLY_HOURS_CAP)))
    already = hours_asked(city=city, person=person, month=first)
    if already + amount > cap:
        raise DomainError(
            _(
                "This would ask %(person)s for %(total)s hours this month; the city's limit is "
                "%(cap)s hours, so they cannot be asked."
            )
            % {"person": person, "total": already + amount, "cap": cap},
            field="hours",
            code="hours_cap",
        )
    request = HelpRequest.objects.create(
        city=city, group=group, person=person, title=title.strip()[:160], theme=theme,
        hours=amount, month=first, requested_by=actor,
    )  # fmt: skip
    audit_record(city=city, actor=actor, action="commons.help.ask", obj=request,
                 details={"person": person.pk, "hours": str(amount)})  # fmt: skip
    notification_send(
        city=city, user=person, kind="commons.help",
        title=_("You were asked to help: %(title)s") % {"title": request.title},
        body=_("%(hours)s hours. You are free to say no.") % {"hours": amount},
    )  # fmt: skip
    return request


@transaction.atomic
def help_request_respond(*, city: City, person: User, request_id: int, accept: bool) -> HelpRequest:
    """Return the request after the person accepted or declined it."""
    request = (
        HelpRequest.objects.select_for_update()
        .filter(city=city, person=person, pk=request_id)
        .first()
    )
    if request is None:
        raise NotFoundError(_("No such request."), field="request")
    if request.status not in (HelpStatus.ASKED, HelpStatus.ACCEPTED):
        raise ConflictError(_("This request is closed."), field="request")
    request.status = HelpStatus.ACCEPTED if accept else HelpStatus.DECLINED
    request.save(update_fields=["status"])
    return request


@transaction.atomic
def help_request_complete(
    *, city: City, actor: User, request_id: int, rule: RewardRule | None = None
) -> HelpRequest:
    """Return the request marked done; a reward is offered only if the person opted in."""
    request = HelpRequest.objects.select_for_update().filter(city=city, pk=request_id).first()
    if request is None:
        raise NotFoundError(_("No such request."), field="request")
    if not _may_ask(actor, city, request.group):
        raise PermissionDeniedError(_("Only organisers and city staff can do this."))
    if request.status != HelpStatus.ACCEPTED:
        raise ConflictError(_("Only accepted requests can be marked done."), field="request")
    request.status, request.done_at = HelpStatus.DONE, timezone.now()
    request.save(update_fields=["status", "done_at"])
    audit_record(city=city, actor=actor, action="commons.help.done", obj=request)
    if (
        rule is not None
        and is_staff(actor, city)
        and consent_is_active(city=city, user=request.person, purpose=REWARDS_PURPOSE)
    ):
        from kyoso.commons.services.rewards import reward_offer

        reward_offer(city=city, rule=rule, user=request.person, actor=actor,
                     note=request.title, help_request=request)  # fmt: skip
    return request
