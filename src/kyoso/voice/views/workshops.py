"""Pages for workshops: list and registration, facilitation, summary, CSV and print."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kyoso.core.access import is_staff, require_role
from kyoso.core.csv_export import csv_response
from kyoso.core.errors import DomainError, NotFoundError
from kyoso.core.forms import form_error
from kyoso.core.http import AuthedCityRequest, CityRequest
from kyoso.core.models import Role, User
from kyoso.voice import services
from kyoso.voice.forms import IdeaForm, WorkshopForm
from kyoso.voice.models import Idea
from kyoso.voice.selectors import workshops as selectors


def workshop_list(request: CityRequest, city_slug: str) -> HttpResponse:
    items = list(selectors.workshops_list(request.city))
    now = timezone.now()
    return render(
        request,
        "voice/workshop_list.html",
        {
            "upcoming": [w for w in items if w.ends_at >= now][::-1],
            "past": [w for w in items if w.ends_at < now],
        },
    )


@login_required
def workshop_new(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    require_role(request.user, city, Role.STAFF)
    form = WorkshopForm(request.POST or None, city=city)
    if request.method == "POST" and form.is_valid():
        try:
            workshop = services.workshop_create(city=city, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            return redirect("voice:workshop", city_slug=city.slug, pk=workshop.pk)
    return render(request, "voice/workshop_form.html", {"form": form})


def workshop_detail(request: CityRequest, city_slug: str, pk: int) -> HttpResponse:
    city = request.city
    workshop = selectors.workshop_get(city, pk)
    staff = is_staff(request.user, city)
    return render(
        request,
        "voice/workshop_detail.html",
        {
            "workshop": workshop,
            "theme": workshop.theme,
            "registered": selectors.is_registered(workshop, request.user),  # type: ignore[arg-type]
            "ideas": selectors.ideas_of(workshop),
            "is_staff": staff,
            "idea_form": IdeaForm() if staff else None,
            "registrations": selectors.registrations_of(workshop) if staff else None,
            "is_past": workshop.ends_at < timezone.now(),
            "groups": selectors.summary_view(workshop),
        },
    )


@login_required
@require_POST
def workshop_register(request: AuthedCityRequest, city_slug: str, pk: int) -> HttpResponse:
    city = request.city
    workshop = selectors.workshop_get(city, pk)
    if request.POST.get("action") == "cancel":
        services.workshop_unregister(city=city, workshop=workshop, user=request.user)
        messages.success(request, _("Your registration was cancelled."))
    else:
        try:
            services.workshop_register(
                city=city, workshop=workshop, user=request.user, needs=request.POST.get("needs", "")
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("You are registered. See you there!"))
    return redirect("voice:workshop", city_slug=city.slug, pk=pk)


@login_required
@require_POST
def idea_new(request: AuthedCityRequest, city_slug: str, pk: int) -> HttpResponse:
    city = request.city
    workshop = selectors.workshop_get(city, pk)
    form = IdeaForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        citizen = None
        if data["citizen_email"]:
            citizen = User.objects.filter(email=data["citizen_email"].lower()).first()
            if citizen is None:
                messages.error(request, _("No citizen with this e-mail address."))
                return redirect("voice:workshop", city_slug=city.slug, pk=pk)
        try:
            services.idea_record(
                city=city,
                workshop=workshop,
                actor=request.user,
                text=data["text"],
                on_behalf_of=citizen,
                is_proxy=data["is_proxy"],
                dot_votes=data["dot_votes"] or 0,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The idea was recorded."))
    else:
        messages.error(request, _("Please write the idea."))
    return redirect("voice:workshop", city_slug=city.slug, pk=pk)


@login_required
@require_POST
def idea_vote(request: AuthedCityRequest, city_slug: str, pk: int, idea_id: int) -> HttpResponse:
    city = request.city
    idea = Idea.objects.filter(city=city, workshop_id=pk, pk=idea_id).first()
    if idea is None:
        raise NotFoundError(_("No such idea."))
    try:
        if request.POST.get("dots"):
            services.idea_add_dots(
                city=city, idea=idea, actor=request.user, dots=int(request.POST["dots"] or 0)
            )
        else:
            services.idea_vote(city=city, idea=idea, user=request.user)
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", _("Give a number.")))
    return redirect("voice:workshop", city_slug=city.slug, pk=pk)


@login_required
@require_POST
def workshop_summarize(request: AuthedCityRequest, city_slug: str, pk: int) -> HttpResponse:
    city = request.city
    require_role(request.user, city, Role.STAFF)
    workshop = selectors.workshop_get(city, pk)
    services.workshop_summarize(city=city, workshop=workshop)
    messages.success(request, _("The summary was updated."))
    return redirect("voice:workshop_summary", city_slug=city.slug, pk=pk)


def workshop_summary(request: CityRequest, city_slug: str, pk: int) -> HttpResponse:
    workshop = selectors.workshop_get(request.city, pk)
    return render(
        request,
        "voice/workshop_summary.html",
        {
            "workshop": workshop,
            "groups": selectors.summary_view(workshop),
            "ideas": selectors.ideas_of(workshop),
            "printable": request.GET.get("print") == "1",
            "is_staff": is_staff(request.user, request.city),
        },
    )


def workshop_csv(request: CityRequest, city_slug: str, pk: int) -> StreamingHttpResponse:
    workshop = selectors.workshop_get(request.city, pk)
    group_of: dict[int, tuple[int, str, str]] = {}
    for g in selectors.summary_view(workshop):
        theme = g["theme"].name_ja if g["theme"] else ""
        for idea in g["ideas"]:
            group_of[idea.pk] = (g["number"], " ".join(g["keywords"]), theme)
    rows = [
        [
            idea.pk,
            idea.text,
            idea.vote_count,
            "yes" if idea.is_proxy else "",
            *group_of.get(idea.pk, ("", "", "")),
        ]
        for idea in selectors.ideas_of(workshop)
    ]
    return csv_response(
        f"workshop-{workshop.pk}-ideas.csv",
        ["id", "idea", "votes", "proxy", "group", "keywords", "theme"],
        rows,
    )
