"""Pages for moderation: flag content, the moderators' queue, hiding with a reason, appeals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kyoso.core.access import require_role
from kyoso.core.errors import DomainError, NotFoundError
from kyoso.core.http import AuthedCityRequest
from kyoso.core.models import Role
from kyoso.voice import services
from kyoso.voice.models import Appeal, AppealStatus, Flag, Statement
from kyoso.voice.selectors.conversations import pending_statements


def _back(request: AuthedCityRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = f"/{request.city.slug}/voice/"
    return redirect(target)


def _target_id(request: AuthedCityRequest) -> int:
    raw = request.POST.get("target_id", "")
    if not raw.isdigit():
        raise DomainError(_("Unknown content."), field="target_id")
    return int(raw)


@login_required
@require_POST
def flag(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    try:
        services.content_flag(
            city=request.city,
            reporter=request.user,
            target_type=request.POST.get("target_type", ""),
            target_id=_target_id(request),
            reason=request.POST.get("reason", "") or _("Breaks the rules"),
        )
    except DomainError as exc:
        if exc.status == 429:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you. A moderator will look at it."))
    return _back(request)


@login_required
def queue(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    require_role(request.user, city, Role.MODERATOR, Role.STAFF)
    flags = list(
        Flag.objects.filter(city=city, resolved_at__isnull=True).select_related("reporter")[:200]
    )
    return render(
        request,
        "voice/moderation.html",
        {
            "flags": flags,
            "statements": pending_statements(city)[:200],
            "appeals": Appeal.objects.filter(city=city, status=AppealStatus.PENDING).select_related(
                "author"
            )[:200],
        },
    )


@login_required
@require_POST
def act(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    """Hide, restore, dismiss a flag, accept or reject a statement, or decide an appeal."""
    city = request.city
    action = request.POST.get("action", "")
    try:
        if action == "hide":
            services.content_hide(
                city=city,
                actor=request.user,
                target_type=request.POST.get("target_type", ""),
                target_id=_target_id(request),
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("The content was hidden and its author was told."))
        elif action == "restore":
            services.content_restore(
                city=city,
                actor=request.user,
                target_type=request.POST.get("target_type", ""),
                target_id=_target_id(request),
            )
            messages.success(request, _("The content is shown again."))
        elif action == "dismiss":
            found = Flag.objects.filter(city=city, pk=_target_id(request)).first()
            if found is None:
                raise NotFoundError(_("Not found."))
            services.flag_dismiss(city=city, actor=request.user, flag=found)
        elif action in ("accept", "reject"):
            statement = Statement.objects.filter(city=city, pk=_target_id(request)).first()
            if statement is None:
                raise NotFoundError(_("Not found."))
            services.statement_moderate(
                city=city, statement=statement, actor=request.user, accept=action == "accept"
            )
        elif action in ("uphold", "deny"):
            appeal = Appeal.objects.filter(city=city, pk=_target_id(request)).first()
            if appeal is None:
                raise NotFoundError(_("Not found."))
            services.appeal_decide(
                city=city,
                actor=request.user,
                appeal=appeal,
                uphold=action == "uphold",
                note=request.POST.get("note", ""),
            )
        else:
            raise DomainError(_("Unknown action."), field="action")
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
    return _back(request)


@login_required
def appeal(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    """The author asks for hidden content to be shown again."""
    city = request.city
    target_type = request.GET.get("target_type") or request.POST.get("target_type", "")
    target_id = request.GET.get("target_id") or request.POST.get("target_id", "")
    if request.method == "POST":
        try:
            services.appeal_create(
                city=city,
                author=request.user,
                target_type=target_type,
                target_id=int(target_id) if str(target_id).isdigit() else 0,
                text=request.POST.get("text", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your appeal was sent. A moderator will decide."))
            return redirect("core:my_page", city_slug=city.slug)
    return render(
        request, "voice/appeal.html", {"target_type": target_type, "target_id": target_id}
    )
