"""Writes for proposals: post, support, follow, answer, and link to measures."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import is_staff, require_participant, require_role
from kyoso.core.errors import ConflictError, DomainError, PermissionDeniedError
from kyoso.core.models import City, District, Role, Upload, User
from kyoso.core.services import audit_record, notification_send, system_actor
from kyoso.voice.models import (
    Follow,
    MeasureLink,
    Proposal,
    ProposalResponse,
    ProposalStatus,
    Support,
)
from kyoso.voice.services.common import (
    check_district,
    check_point,
    check_text,
    public_name,
    rate_limit_check,
)
from kyoso.voice.themes import voice_theme_resolve

CLOSED_STATUSES = frozenset({ProposalStatus.DONE, ProposalStatus.DECLINED})


def proposal_url(proposal: Proposal) -> str:
    return reverse("voice:proposal", args=[proposal.city.slug, proposal.pk])


@transaction.atomic
def proposal_create(
    *,
    city: City,
    author: User,
    title: str,
    body: str,
    theme_code: str = "",
    district: District | None = None,
    lat: float | None = None,
    lon: float | None = None,
    photo: Upload | None = None,
    pseudonym: str = "",
    entered_by: User | None = None,
) -> Proposal:
    """Return a new proposal; ``entered_by`` marks staff typing it for the citizen (代理入力)."""
    if entered_by is not None:
        require_role(entered_by, city, Role.STAFF)
    else:
        rate_limit_check(city=city, user=author)
    # The author must belong to this city, also when staff type it for them (代理入力).
    require_participant(author, city)
    title = check_text(title, field="title", max_length=120)
    body = check_text(body, field="body", max_length=5000)
    theme = voice_theme_resolve(city, theme_code)
    check_district(city, district)
    check_point(lat, lon)
    if photo is not None and photo.city_id != city.pk:
        raise DomainError(_("This photo belongs to another city."), field="photo")
    proposal = Proposal.objects.create(
        city=city,
        title=title,
        body=body,
        theme=theme,
        district=district,
        lat=lat,
        lon=lon,
        photo=photo,
        author=author,
        public_name=public_name(author, pseudonym),
        entered_by=entered_by,
    )
    Follow.objects.create(city=city, proposal=proposal, user=author)
    audit_record(
        city=city,
        actor=entered_by or author,
        on_behalf_of=author if entered_by else None,
        action="voice.proposal.create",
        obj=proposal,
    )
    return proposal


@transaction.atomic
def proposal_support(
    *, city: City, proposal: Proposal, user: User, entered_by: User | None = None
) -> Proposal:
    """Return the proposal after adding the person's support; starts the answer clock at the threshold."""
    _check_same_city(city, proposal)
    if entered_by is not None:
        require_role(entered_by, city, Role.STAFF)
    require_participant(user, city)
    if proposal.is_hidden or proposal.status in CLOSED_STATUSES:
        raise DomainError(_("This proposal no longer takes supports."), field="proposal")
    if proposal.author_id == user.pk:
        raise DomainError(_("You cannot support your own proposal."), field="proposal")
    try:
        with transaction.atomic():
            Support.objects.create(city=city, proposal=proposal, user=user, entered_by=entered_by)
    except IntegrityError as exc:
        raise ConflictError(_("You already support this proposal."), field="proposal") from exc
    Follow.objects.get_or_create(city=city, proposal=proposal, user=user)
    Proposal.objects.filter(pk=proposal.pk).update(support_count=F("support_count") + 1)
    proposal.refresh_from_db(fields=["support_count"])
    threshold = int(city.rule("voice.support_threshold", 50))
    if proposal.support_count >= threshold and proposal.threshold_reached_at is None:
        now = timezone.now()
        proposal.threshold_reached_at = now
        proposal.response_due_at = now + timedelta(days=int(city.rule("voice.response_days", 30)))
        proposal.save(update_fields=["threshold_reached_at", "response_due_at"])
        audit_record(
            city=city,
            actor=system_actor(),
            action="voice.proposal.threshold",
            obj=proposal,
            details={"supports": proposal.support_count, "threshold": threshold},
        )
        _notify_followers(
            proposal,
            kind="voice.proposal.threshold",
            title=_("Your proposal has %(n)d supports: the city will answer") % {"n": threshold},
        )
    if entered_by is not None:
        audit_record(
            city=city,
            actor=entered_by,
            on_behalf_of=user,
            action="voice.proposal.support",
            obj=proposal,
        )
    return proposal


@transaction.atomic
def proposal_unsupport(*, city: City, proposal: Proposal, user: User) -> Proposal:
    """Return the proposal after withdrawing the person's support (no error if there was none)."""
    _check_same_city(city, proposal)
    deleted, _n = Support.objects.filter(city=city, proposal=proposal, user=user).delete()
    if deleted:
        Proposal.objects.filter(pk=proposal.pk).update(support_count=F("support_count") - 1)
        proposal.refresh_from_db(fields=["support_count"])
    return proposal


def proposal_follow(*, city: City, proposal: Proposal, user: User, follow: bool = True) -> bool:
    """Return whether the person now follows the proposal."""
    _check_same_city(city, proposal)
    if follow:
        Follow.objects.get_or_create(city=city, proposal=proposal, user=user)
    else:
        Follow.objects.filter(city=city, proposal=proposal, user=user).delete()
    return follow


@transaction.atomic
def proposal_respond(
    *, city: City, proposal: Proposal, actor: User, status: str, text: str
) -> ProposalResponse:
    """Return the official answer; the proposal takes its status and followers are told."""
    _check_same_city(city, proposal)
    require_role(actor, city, Role.STAFF)
    if status not in ProposalStatus.values or status == ProposalStatus.OPEN:
        raise DomainError(_("Choose the new status."), field="status")
    text = check_text(
        text, field="text", max_length=5000, required=status == ProposalStatus.DECLINED
    )
    response = ProposalResponse.objects.create(
        city=city, proposal=proposal, author=actor, status=status, text=text
    )
    old = proposal.status
    proposal.status = status
    proposal.responded_at = timezone.now()
    proposal.save(update_fields=["status", "responded_at", "updated_at"])
    audit_record(
        city=city,
        actor=actor,
        action="voice.proposal.respond",
        obj=proposal,
        details={"from": old, "to": status},
    )
    _notify_followers(
        proposal,
        kind="voice.proposal.status",
        title=_("The city answered “%(title)s”: %(status)s")
        % {"title": proposal.title[:60], "status": ProposalStatus(status).label},
        body=text,
    )
    return response


@transaction.atomic
def proposal_link_measure(
    *, city: City, proposal: Proposal, actor: User, measure_ref: str, title: str, url: str = ""
) -> MeasureLink:
    """Return the link from the proposal to a measure it led to ("you said, we did")."""
    _check_same_city(city, proposal)
    require_role(actor, city, Role.STAFF)
    measure_ref = check_text(measure_ref, field="measure_ref", max_length=60)
    title = check_text(title, field="title", max_length=200)
    url = check_text(url, field="url", max_length=300, required=False)
    if url and not (url.startswith("/") or url.startswith("https://")):
        raise DomainError(_("Give a link starting with / or https://."), field="url")
    link, created = MeasureLink.objects.get_or_create(
        city=city,
        proposal=proposal,
        measure_ref=measure_ref,
        defaults={"title": title, "url": url, "created_by": actor},
    )
    if not created:
        raise ConflictError(_("This measure is already linked."), field="measure_ref")
    audit_record(
        city=city,
        actor=actor,
        action="voice.proposal.link_measure",
        obj=proposal,
        details={"measure": measure_ref},
    )
    _notify_followers(
        proposal,
        kind="voice.proposal.measure",
        title=_("“%(title)s” led to a measure: %(measure)s")
        % {"title": proposal.title[:60], "measure": title[:80]},
    )
    return link


def _check_same_city(city: City, proposal: Proposal) -> None:
    if proposal.city_id != city.pk:
        raise PermissionDeniedError(_("This proposal belongs to another city."))


def _notify_followers(proposal: Proposal, *, kind: str, title: str, body: str = "") -> None:
    url = proposal_url(proposal)
    followers = User.objects.filter(
        pk__in=Follow.objects.filter(proposal=proposal).values("user_id"), is_active=True
    )
    for user in followers:
        notification_send(city=proposal.city, user=user, kind=kind, title=title, body=body, url=url)


def can_respond(user: User, city: City) -> bool:
    return is_staff(user, city)
