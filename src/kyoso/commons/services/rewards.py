"""Rewards with consent: public rules, opt-in, declining one reward, leaving at any time."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.commons.models import (
    REWARDS_PURPOSE,
    AccountKind,
    HelpRequest,
    OfferStatus,
    RewardOffer,
    RewardRule,
    Theme,
    Transfer,
    TransferKind,
)
from kyoso.commons.services.ledger import account_open, system_account, transfer_create
from kyoso.core.access import require_role
from kyoso.core.errors import ConflictError, DomainError, NotFoundError
from kyoso.core.models import City, Role, User
from kyoso.core.selectors import consent_is_active
from kyoso.core.services import audit_record, consent_grant, consent_revoke, notification_send


@transaction.atomic
def reward_rule_save(
    *,
    city: City,
    actor: User,
    code: str,
    name: str,
    reason: str,
    points: int,
    theme: str,
    active: bool = True,
) -> RewardRule:
    """Return the reward rule with this code, created or updated by staff (audited)."""
    require_role(actor, city, Role.STAFF)
    if not name.strip():
        raise DomainError(_("Give the rule a name."), field="name")
    if not reason.strip():
        raise DomainError(_("Say why this is rewarded; the reason is public."), field="reason")
    if not 0 < points <= 100_000:
        raise DomainError(_("Give between 1 and 100,000 points."), field="points")
    if theme not in Theme.values:
        raise DomainError(_("Choose a theme."), field="theme")
    rule, created = RewardRule.objects.update_or_create(
        city=city,
        code=code,
        defaults={"name": name.strip(), "reason": reason.strip(), "points": points,
                  "theme": theme, "active": active},
    )  # fmt: skip
    audit_record(
        city=city,
        actor=actor,
        action="commons.reward_rule.create" if created else "commons.reward_rule.update",
        obj=rule,
        details={"points": points, "active": active},
    )
    return rule


def rewards_opt_in(*, city: City, user: User, recorded_by: User | None = None) -> None:
    """Record the person's consent to receive rewards and open their points account."""
    with transaction.atomic():
        consent_grant(city=city, user=user, purpose=REWARDS_PURPOSE, recorded_by=recorded_by)
        account_open(city=city, user=user)


@transaction.atomic
def rewards_leave(*, city: City, user: User, recorded_by: User | None = None) -> int:
    """Withdraw consent to rewards at once; return how many open offers were cancelled."""
    consent_revoke(city=city, user=user, purpose=REWARDS_PURPOSE, recorded_by=recorded_by)
    cancelled = RewardOffer.objects.filter(city=city, user=user, status=OfferStatus.OFFERED).update(
        status=OfferStatus.CANCELLED, decided_at=timezone.now()
    )
    audit_record(
        city=city,
        actor=recorded_by or user,
        on_behalf_of=user if recorded_by else None,
        action="commons.rewards.leave",
        obj=user,
        details={"cancelled_offers": cancelled},
    )
    return cancelled


@transaction.atomic
def reward_offer(
    *,
    city: City,
    rule: RewardRule,
    user: User,
    actor: User,
    note: str = "",
    help_request: HelpRequest | None = None,
) -> RewardOffer:
    """Return a reward offered to a person who has opted in; they accept or decline it."""
    require_role(actor, city, Role.STAFF)
    if rule.city_id != city.pk or not rule.active:
        raise NotFoundError(_("No such active reward rule."), field="rule")
    if not consent_is_active(city=city, user=user, purpose=REWARDS_PURPOSE):
        raise DomainError(
            _(
                "This person has not chosen to receive rewards. Points are never given without consent."
            ),
            field="user",
            code="no_consent",
        )
    offer = RewardOffer.objects.create(
        city=city, rule=rule, user=user, points=rule.points, note=note[:200],
        help_request=help_request, offered_by=actor,
    )  # fmt: skip
    audit_record(
        city=city, actor=actor, action="commons.reward.offer", obj=offer,
        details={"rule": rule.code, "points": rule.points, "user": user.pk},
    )  # fmt: skip
    notification_send(
        city=city,
        user=user,
        kind="commons.reward",
        title=_("You have been offered %(points)s points") % {"points": rule.points},
        body=rule.name,
        url=reverse("commons:points", kwargs={"city_slug": city.slug}),
    )
    return offer


def _own_offer(city: City, user: User, offer_id: int) -> RewardOffer:
    offer = (
        RewardOffer.objects.select_for_update()
        .select_related("rule")
        .filter(city=city, user=user, pk=offer_id)
        .first()
    )
    if offer is None:
        raise NotFoundError(_("No such reward."), field="offer")
    return offer


@transaction.atomic
def reward_accept(*, city: City, user: User, offer_id: int) -> Transfer:
    """Return the transfer paying an accepted reward from the city's treasury."""
    offer = _own_offer(city, user, offer_id)
    if offer.status == OfferStatus.ACCEPTED and offer.transfer is not None:
        return offer.transfer
    if offer.status != OfferStatus.OFFERED:
        raise ConflictError(_("This reward is no longer open."), field="offer")
    if not consent_is_active(city=city, user=user, purpose=REWARDS_PURPOSE):
        raise DomainError(_("You have left rewards, so no points can be paid."), field="offer")
    transfer = transfer_create(
        city=city,
        debit=system_account(city=city, kind=AccountKind.TREASURY),
        credit=account_open(city=city, user=user),
        amount=offer.points,
        idempotency_key=f"reward:{offer.pk}",
        kind=TransferKind.REWARD,
        memo=offer.rule.name,
        actor=user,
    )
    offer.status, offer.decided_at, offer.transfer = OfferStatus.ACCEPTED, timezone.now(), transfer
    offer.save(update_fields=["status", "decided_at", "transfer"])
    audit_record(city=city, actor=user, action="commons.reward.accept", obj=offer)
    return transfer


@transaction.atomic
def reward_decline(*, city: City, user: User, offer_id: int) -> RewardOffer:
    """Return the offer after the person declined it; nothing is paid."""
    offer = _own_offer(city, user, offer_id)
    if offer.status == OfferStatus.DECLINED:
        return offer
    if offer.status != OfferStatus.OFFERED:
        raise ConflictError(_("This reward is no longer open."), field="offer")
    offer.status, offer.decided_at = OfferStatus.DECLINED, timezone.now()
    offer.save(update_fields=["status", "decided_at"])
    audit_record(city=city, actor=user, action="commons.reward.decline", obj=offer)
    return offer


@transaction.atomic
def points_issue(
    *, city: City, actor: User, amount: int, memo: str = "", key: str = ""
) -> Transfer:
    """Return the transfer issuing new points into the city's treasury (staff, audited)."""
    require_role(actor, city, Role.STAFF)
    transfer = transfer_create(
        city=city,
        debit=system_account(city=city, kind=AccountKind.ISSUER),
        credit=system_account(city=city, kind=AccountKind.TREASURY),
        amount=amount,
        idempotency_key=key or f"issue:{timezone.now().isoformat()}",
        kind=TransferKind.ISSUE,
        memo=memo,
        actor=actor,
    )
    audit_record(city=city, actor=actor, action="commons.points.issue", obj=transfer,
                 details={"amount": amount})  # fmt: skip
    return transfer
