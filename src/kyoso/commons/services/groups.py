"""Activity groups (仲間集め): create, roles sought, join/leave, events with RSVP, tasks, posts."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.commons.models import (
    Group,
    GroupEvent,
    GroupMember,
    GroupPost,
    GroupRole,
    GroupTask,
    Rsvp,
    Theme,
)
from kyoso.core.access import require_participant
from kyoso.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from kyoso.core.models import City, District, User
from kyoso.core.services import audit_record


def _text(value: str, field: str, limit: int, message: str) -> str:
    value = value.strip()
    if not value:
        raise DomainError(message, field=field)
    return value[:limit]


def _organiser(city: City, group: Group, user: User) -> None:
    if not GroupMember.objects.filter(
        city=city, group=group, user=user, is_organiser=True
    ).exists():
        raise PermissionDeniedError(_("Only the group's organisers can do this."))


def _member(city: City, group: Group, user: User) -> None:
    if not GroupMember.objects.filter(city=city, group=group, user=user).exists():
        raise PermissionDeniedError(_("Join the group first."))


@transaction.atomic
def group_create(
    *,
    city: City,
    user: User,
    name: str,
    purpose: str,
    theme: str,
    district: District | None = None,
    roles: list[tuple[str, str, int]] | None = None,
) -> Group:
    """Return a new group with its founder as organiser and the roles it seeks."""
    if theme not in Theme.values:
        raise DomainError(_("Choose a theme."), field="theme")
    if district is not None and district.city_id != city.pk:
        raise DomainError(_("This district is not in this city."), field="district")
    group = Group.objects.create(
        city=city,
        name=_text(name, "name", 120, _("Give the group a name.")),
        purpose=_text(purpose, "purpose", 4000, _("Say what the group is for.")),
        theme=theme,
        district=district,
        created_by=user,
    )
    GroupMember.objects.create(city=city, group=group, user=user, is_organiser=True)
    for title, skill, places in roles or []:
        group_role_add(city=city, user=user, group=group, title=title, skill=skill, places=places)
    audit_record(city=city, actor=user, action="commons.group.create", obj=group)
    return group


def group_role_add(
    *, city: City, user: User, group: Group, title: str, skill: str = "", places: int = 1
) -> GroupRole:
    """Return a new role the group seeks (organisers only)."""
    _organiser(city, group, user)
    if not 1 <= places <= 500:
        raise DomainError(_("Give between 1 and 500 places."), field="places")
    return GroupRole.objects.create(
        city=city, group=group, title=_text(title, "title", 80, _("Name the role.")),
        skill=skill.strip().lower()[:40], places=places,
    )  # fmt: skip


@transaction.atomic
def group_join(
    *, city: City, user: User, group: Group, role: GroupRole | None = None
) -> GroupMember:
    """Return the person's membership; a role is taken only while it has places left."""
    if group.city_id != city.pk:
        raise NotFoundError(_("No such group."), field="group")
    require_participant(user, city)
    existing = GroupMember.objects.filter(city=city, group=group, user=user).first()
    if existing is not None:
        return existing
    if not group.is_open:
        raise ConflictError(_("This group is not taking new members."), field="group")
    if role is not None:
        role = GroupRole.objects.select_for_update().filter(pk=role.pk, group=group).first()
        if role is None:
            raise NotFoundError(_("No such role in this group."), field="role")
        if role.members.count() >= role.places:
            raise ConflictError(_("All places for this role are taken."), field="role")
    try:
        with transaction.atomic():
            member = GroupMember.objects.create(city=city, group=group, user=user, role=role)
    except IntegrityError:
        return GroupMember.objects.get(city=city, group=group, user=user)
    return member


@transaction.atomic
def group_leave(*, city: City, user: User, group: Group) -> None:
    """Leave the group; the last organiser cannot leave a group that still has members."""
    member = GroupMember.objects.filter(city=city, group=group, user=user).first()
    if member is None:
        return
    organisers = GroupMember.objects.filter(city=city, group=group, is_organiser=True)
    if member.is_organiser and organisers.count() == 1 and group.members.count() > 1:
        raise ConflictError(
            _("You are the only organiser. Ask another member to organise first."), field="group"
        )
    Rsvp.objects.filter(
        city=city, user=user, event__group=group, event__starts_at__gte=timezone.now()
    ).delete()
    member.delete()


@transaction.atomic
def event_create(
    *,
    city: City,
    user: User,
    group: Group,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
    capacity: int | None = None,
    description: str = "",
) -> GroupEvent:
    _organiser(city, group, user)
    if ends_at <= starts_at:
        raise DomainError(_("The end must come after the start."), field="ends_at")
    if capacity is not None and capacity < 1:
        raise DomainError(_("Give a capacity of at least 1, or leave it empty."), field="capacity")
    return GroupEvent.objects.create(
        city=city, group=group, title=_text(title, "title", 120, _("Give the event a title.")),
        starts_at=starts_at, ends_at=ends_at, place=place.strip()[:120], capacity=capacity,
        description=description.strip(),
    )  # fmt: skip


@transaction.atomic
def event_rsvp(*, city: City, user: User, event: GroupEvent, going: bool) -> Rsvp | None:
    """Return the person's RSVP (None after cancelling); refused when the event is full."""
    event = (
        GroupEvent.objects.select_for_update().select_related("group").get(pk=event.pk, city=city)
    )
    _member(city, event.group, user)
    existing = Rsvp.objects.filter(city=city, event=event, user=user).first()
    if not going:
        if existing is not None:
            existing.delete()
        return None
    if existing is not None:
        return existing
    if event.capacity is not None and event.rsvps.count() >= event.capacity:
        raise ConflictError(_("This event is full."), field="event")
    return Rsvp.objects.create(city=city, event=event, user=user)


def task_add(*, city: City, user: User, group: Group, title: str) -> GroupTask:
    _member(city, group, user)
    return GroupTask.objects.create(
        city=city, group=group, title=_text(title, "title", 160, _("Write the task."))
    )


def task_toggle(*, city: City, user: User, task_id: int) -> GroupTask:
    task = GroupTask.objects.select_related("group").filter(city=city, pk=task_id).first()
    if task is None:
        raise NotFoundError(_("No such task."), field="task")
    _member(city, task.group, user)
    task.done_at = None if task.done_at else timezone.now()
    task.save(update_fields=["done_at"])
    return task


def post_create(*, city: City, user: User, group: Group, body: str) -> GroupPost:
    require_participant(user, city)
    _member(city, group, user)
    return GroupPost.objects.create(
        city=city, group=group, author=user, body=_text(body, "body", 4000, _("Write a message."))
    )
