"""Pages for proposals: list, post (with similar proposals as you type), detail, answers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kyoso.core.access import has_role, is_staff, require_role
from kyoso.core.errors import DomainError, NotFoundError
from kyoso.core.forms import form_error
from kyoso.core.http import AuthedCityRequest, CityRequest
from kyoso.core.models import Role, User
from kyoso.core.selectors import districts_of
from kyoso.voice import services
from kyoso.voice.forms import (
    CommentForm,
    MeasureLinkForm,
    ProposalForm,
    ProxyProposalForm,
    ResponseForm,
)
from kyoso.voice.models import Comment, ProposalStatus
from kyoso.voice.selectors import proposals as selectors
from kyoso.voice.themes import THEMES, theme_by_code
from kyoso.voice.views.common import paginate, photo_from


def proposal_list(request: CityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    g = request.GET
    items = selectors.proposals_list(
        city,
        status=g.get("status", ""),
        theme=g.get("theme", ""),
        district=g.get("district", ""),
        q=g.get("q", "").strip()[:100],
        sort=g.get("sort", "new"),
    )
    return render(
        request,
        "voice/proposal_list.html",
        {
            "page": paginate(request, items),
            "themes": THEMES,
            "districts": districts_of(city),
            "statuses": ProposalStatus.choices,
            "filters": g,
        },
    )


@login_required
def proposal_new(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    staff = is_staff(request.user, city)
    form_class = ProxyProposalForm if staff and request.GET.get("proxy") else ProposalForm
    form = form_class(request.POST or None, request.FILES or None, city=city)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                author: User = request.user
                entered_by = None
                if "citizen_email" in data:
                    found = User.objects.filter(email=data["citizen_email"].lower()).first()
                    if found is None:
                        raise DomainError(
                            _("No citizen with this e-mail address."), field="citizen_email"
                        )
                    author, entered_by = found, request.user
                proposal = services.proposal_create(
                    city=city,
                    author=author,
                    title=data["title"],
                    body=data["body"],
                    theme_code=data["theme_code"],
                    district=data["district"],
                    lat=data["lat"],
                    lon=data["lon"],
                    photo=photo_from(request, city, author),
                    pseudonym=data["pseudonym"],
                    entered_by=entered_by,
                )
        except DomainError as exc:
            if exc.status == 429:
                raise
            form_error(form, exc)
        else:
            messages.success(request, _("Thank you. Your proposal was posted."))
            return redirect("voice:proposal", city_slug=city.slug, pk=proposal.pk)
    return render(
        request,
        "voice/proposal_form.html",
        {"form": form, "proxy": form_class is ProxyProposalForm},
    )


def proposal_similar(request: CityRequest, city_slug: str) -> HttpResponse:
    """An htmx fragment: proposals like the text being typed, and a suggested theme."""
    text = f"{request.GET.get('title', '')} {request.GET.get('body', '')}".strip()[:3000]
    theme = theme_by_code(selectors.theme_suggest(text) or "")
    return render(
        request,
        "voice/_similar.html",
        {"similar": selectors.proposals_similar(request.city, text), "suggested_theme": theme},
    )


def proposal_detail(request: CityRequest, city_slug: str, pk: int) -> HttpResponse:
    city = request.city
    staff = is_staff(request.user, city)
    viewer = request.user if request.user.is_authenticated else None
    proposal = selectors.proposal_get(
        city, pk, viewer=viewer, staff=staff or has_role(request.user, city, Role.MODERATOR)
    )
    return render(
        request,
        "voice/proposal_detail.html",
        {
            "proposal": proposal,
            "theme": proposal.theme,
            "state": selectors.viewer_state(proposal, viewer),
            "comments": selectors.comment_tree(proposal=proposal),
            "comment_form": CommentForm(),
            "response_form": ResponseForm() if staff else None,
            "measure_form": MeasureLinkForm() if staff else None,
            "threshold": city.rule("voice.support_threshold", 50),
            "is_staff": staff,
            "can_moderate": staff or has_role(request.user, city, Role.MODERATOR),
        },
    )


@login_required
@require_POST
def proposal_support(request: AuthedCityRequest, city_slug: str, pk: int) -> HttpResponse:
    city = request.city
    proposal = selectors.proposal_get(city, pk)
    if request.POST.get("action") == "withdraw":
        services.proposal_unsupport(city=city, proposal=proposal, user=request.user)
        messages.success(request, _("Your support was withdrawn."))
    else:
        try:
            services.proposal_support(city=city, proposal=proposal, user=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Thank you for your support."))
    return redirect("voice:proposal", city_slug=city.slug, pk=pk)


@login_required
@require_POST
def proposal_follow(request: AuthedCityRequest, city_slug: str, pk: int) -> HttpResponse:
    city = request.city
    proposal = selectors.proposal_get(city, pk)
    follow = request.POST.get("follow") == "1"
    services.proposal_follow(city=city, proposal=proposal, user=request.user, follow=follow)
    messages.success(
        request,
        _("You will be told when this proposal changes.")
        if follow
        else _("You no longer follow this proposal."),
    )
    return redirect("voice:proposal", city_slug=city.slug, pk=pk)


@login_required
@require_POST
def proposal_respond(request: AuthedCityRequest, city_slug: str, pk: int) -> HttpResponse:
    city = request.city
    require_role(request.user, city, Role.STAFF)
    proposal = selectors.proposal_get(city, pk, staff=True)
    form = ResponseForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_respond(
                city=city, proposal=proposal, actor=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The answer was published and followers were told."))
    else:
        messages.error(request, _("Please check the answer form."))
    return redirect("voice:proposal", city_slug=city.slug, pk=pk)


@login_required
@require_POST
def proposal_link_measure(request: AuthedCityRequest, city_slug: str, pk: int) -> HttpResponse:
    city = request.city
    require_role(request.user, city, Role.STAFF)
    proposal = selectors.proposal_get(city, pk, staff=True)
    form = MeasureLinkForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_link_measure(
                city=city, proposal=proposal, actor=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The measure was linked."))
    return redirect("voice:proposal", city_slug=city.slug, pk=pk)


@login_required
@require_POST
def comment_create(request: AuthedCityRequest, city_slug: str, pk: int) -> HttpResponse:
    city = request.city
    proposal = selectors.proposal_get(city, pk)
    form = CommentForm(request.POST)
    parent = None
    if request.POST.get("parent"):
        parent = Comment.objects.filter(
            city=city, proposal=proposal, pk=request.POST["parent"]
        ).first()
        if parent is None:
            raise NotFoundError(_("No such comment."))
    if form.is_valid():
        try:
            services.comment_create(
                city=city,
                author=request.user,
                body=form.cleaned_data["body"],
                proposal=proposal,
                parent=parent,
                pseudonym=form.cleaned_data["pseudonym"],
            )
        except DomainError as exc:
            if exc.status == 429:
                raise
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your comment was posted."))
    else:
        messages.error(request, _("Please write a comment."))
    return redirect(reverse("voice:proposal", args=[city.slug, pk]) + "#comments")


@login_required
def comment_edit(request: AuthedCityRequest, city_slug: str, comment_id: int) -> HttpResponse:
    city = request.city
    comment = Comment.objects.filter(city=city, pk=comment_id).select_related("proposal").first()
    if comment is None:
        raise NotFoundError(_("No such comment."))
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(
                city=city, comment=comment, actor=request.user, body=form.cleaned_data["body"]
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Your comment was updated."))
            if comment.proposal_id:
                return redirect(
                    reverse("voice:proposal", args=[city.slug, comment.proposal_id]) + "#comments"
                )
            return redirect("voice:conversation", city_slug=city.slug, pk=comment.conversation_id)
    return render(
        request,
        "voice/comment_edit.html",
        {"form": form, "comment": comment, "revisions": comment.revisions.all()},
    )
