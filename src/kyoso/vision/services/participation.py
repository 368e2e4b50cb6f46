"""Writes of the vision app — participation."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import require_role, roles_of
from kyoso.core.errors import DomainError, PermissionDeniedError
from kyoso.core.models import City, Membership, Role, User
from kyoso.core.services import audit_record
from kyoso.vision.models import (
    Axis,
    Endorsement,
    Measure,
    PerspectiveRating,
    Stance,
    Theme,
    VisionComment,
)
from kyoso.vision.services.common import _same_city

# --- participation -------------------------------------------------------------------------


def _primary_role(user: User, city: City) -> str:
    roles = roles_of(user, city)
    for role in (Role.STAFF, Role.BUSINESS, Role.CITIZEN):
        if role in roles or (role == Role.STAFF and Role.ADMIN in roles):
            return str(role)
    return next(iter(sorted(roles)), "")


def _require_member(user: User | None, city: City) -> User:
    if user is None or not user.is_authenticated or not roles_of(user, city):
        raise PermissionDeniedError(_("Sign in as a member of this city to take part."))
    return user


@transaction.atomic
def perspective_rate(
    *, city: City, user: User, measure: Measure, axis: str, score: int
) -> PerspectiveRating:
    """Return the person's rating of one perspective of a measure (replacing an earlier one)."""
    _require_member(user, city)
    _same_city(city, measure, "measure")
    if axis not in Axis.values:
        raise DomainError(_("Choose a perspective."), field="axis")
    if not 1 <= int(score) <= 5:
        raise DomainError(_("Choose a score from 1 to 5."), field="score")
    rating, _created = PerspectiveRating.objects.update_or_create(
        city=city,
        measure=measure,
        rater=user,
        axis=axis,
        defaults={"score": int(score), "role": _primary_role(user, city)},
    )
    return rating


@transaction.atomic
def endorsement_add(*, city: City, user: User, theme: Theme | None = None) -> Endorsement:
    """Return the person's 共感 with the vision or a theme (the existing one if already given)."""
    _require_member(user, city)
    _same_city(city, theme, "theme")
    existing = Endorsement.objects.filter(city=city, user=user, theme=theme).first()
    if existing is not None:
        return existing
    district = (
        Membership.objects.filter(city=city, user=user, district__isnull=False)
        .values_list("district", flat=True)
        .first()
    )
    return Endorsement.objects.create(
        city=city,
        user=user,
        theme=theme,
        district_id=district,
        age_band=user.age_band(timezone.localdate().year),
    )


@transaction.atomic
def endorsement_withdraw(*, city: City, user: User, theme: Theme | None = None) -> bool:
    """Return whether a 共感 was withdrawn."""
    deleted, _count = Endorsement.objects.filter(city=city, user=user, theme=theme).delete()
    return bool(deleted)


@transaction.atomic
def comment_post(
    *,
    city: City,
    user: User,
    body: str,
    stance: str = Stance.SUPPORT,
    theme: Theme | None = None,
    measure: Measure | None = None,
) -> VisionComment:
    """Return a new comment on the vision, a theme or a measure."""
    _require_member(user, city)
    _same_city(city, theme, "theme")
    _same_city(city, measure, "measure")
    body = body.strip()
    if not body:
        raise DomainError(_("Write your comment."), field="body")
    if len(body) > 2000:
        raise DomainError(_("Keep the comment under 2,000 characters."), field="body")
    if stance not in Stance.values:
        raise DomainError(_("Choose your stance."), field="stance")
    return VisionComment.objects.create(
        city=city, user=user, body=body, stance=stance, theme=theme, measure=measure
    )


@transaction.atomic
def comment_hide(*, city: City, actor: User, comment: VisionComment) -> VisionComment:
    require_role(actor, city, Role.STAFF, Role.MODERATOR)
    _same_city(city, comment, "comment")
    comment.hidden = True
    comment.save(update_fields=["hidden"])
    audit_record(city=city, actor=actor, action="vision.comment.hide", obj=comment)
    return comment
