"""Pages of activity groups: search, create, join/leave, events with RSVP, tasks, discussion."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kyoso.commons.models import GroupEvent, GroupMember, GroupRole, Theme
from kyoso.commons.selectors import groups as selectors
from kyoso.commons.services import groups as services
from kyoso.core.errors import DomainError, NotFoundError
from kyoso.core.http import AuthedCityRequest, CityRequest
from kyoso.core.selectors import districts_of


def _group(request: CityRequest | AuthedCityRequest, group_id: int):
    group = selectors.group_get(city=request.city, pk=group_id)
    if group is None:
        raise NotFoundError(_("No such group."), field="group")
    return group


def group_list(request: CityRequest, city_slug: str) -> HttpResponse:
    g = request.GET
    groups = selectors.groups_search(
        request.city, theme=g.get("theme", ""), district=g.get("district", ""),
        skill=g.get("skill", ""), q=g.get("q", "").strip()[:100],
    )  # fmt: skip
    return render(
        request,
        "commons/group_list.html",
        {"groups": groups[:100], "themes": Theme.choices, "districts": districts_of(request.city),
         "filters": g},
    )  # fmt: skip


def group_detail(request: CityRequest, city_slug: str, group_id: int) -> HttpResponse:
    group = _group(request, group_id)
    user = request.user
    me = (
        GroupMember.objects.filter(group=group, user=user).first()
        if user.is_authenticated
        else None
    )
    events = GroupEvent.objects.filter(group=group, ends_at__gte=timezone.now()).annotate(
        going=Count("rsvps")
    )
    my_rsvps = (
        set(group.events.filter(rsvps__user=user).values_list("pk", flat=True)) if me else set()
    )
    return render(
        request,
        "commons/group_detail.html",
        {
            "group": group,
            "me": me,
            "roles": GroupRole.objects.filter(group=group).annotate(taken=Count("members")),
            "member_count": group.members.count(),
            "events": events,
            "my_rsvps": my_rsvps,
            "tasks": group.tasks.all() if me else [],
            "posts": group.posts.select_related("author")[:50] if me else [],
            "decisions": group.decisions.all()[:10],
        },
    )


@login_required
def group_new(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    error = None
    if request.method == "POST":
        p = request.POST
        district = districts_of(city).filter(code=p.get("district", "")).first()
        roles = []
        for line in p.get("roles", "").splitlines():
            parts = [x.strip() for x in line.split("/")]
            if parts[0]:
                places = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 1
                roles.append((parts[0], parts[1] if len(parts) > 1 else "", places))
        try:
            group = services.group_create(
                city=city, user=request.user, name=p.get("name", ""), purpose=p.get("purpose", ""),
                theme=p.get("theme", ""), district=district, roles=roles,
            )  # fmt: skip
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("commons:group_detail", city_slug=city_slug, group_id=group.pk)
    return render(
        request,
        "commons/group_new.html",
        {"themes": Theme.choices, "districts": districts_of(city), "error": error},
    )


@login_required
@require_POST
def group_action(request: AuthedCityRequest, city_slug: str, group_id: int) -> HttpResponse:
    """Every member action of the group page: join, leave, rsvp, tasks, posts, events."""
    city, user, p = request.city, request.user, request.POST
    group = _group(request, group_id)
    action = p.get("action")
    try:
        if action == "join":
            role = GroupRole.objects.filter(group=group, pk=p.get("role") or 0).first()
            services.group_join(city=city, user=user, group=group, role=role)
            messages.success(request, _("Welcome to the group!"))
        elif action == "leave":
            services.group_leave(city=city, user=user, group=group)
            messages.success(request, _("You have left the group."))
        elif action in ("rsvp", "unrsvp"):
            event = GroupEvent.objects.filter(
                city=city, group=group, pk=p.get("event") or 0
            ).first()
            if event is None:
                raise NotFoundError(_("No such event."), field="event")
            services.event_rsvp(city=city, user=user, event=event, going=action == "rsvp")
        elif action == "task":
            services.task_add(city=city, user=user, group=group, title=p.get("title", ""))
        elif action == "toggle":
            services.task_toggle(city=city, user=user, task_id=int(p.get("task") or 0))
        elif action == "post":
            services.post_create(city=city, user=user, group=group, body=p.get("body", ""))
        elif action == "event":
            starts, ends = (
                parse_datetime(p.get("starts_at", "")),
                parse_datetime(p.get("ends_at", "")),
            )
            if starts is None or ends is None:
                raise DomainError(_("Give a date and time."), field="starts_at")
            services.event_create(
                city=city, user=user, group=group, title=p.get("title", ""),
                starts_at=timezone.make_aware(starts) if timezone.is_naive(starts) else starts,
                ends_at=timezone.make_aware(ends) if timezone.is_naive(ends) else ends,
                place=p.get("place", ""),
                capacity=int(p["capacity"]) if p.get("capacity", "").isdigit() else None,
            )  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("commons:group_detail", city_slug=city_slug, group_id=group.pk)
