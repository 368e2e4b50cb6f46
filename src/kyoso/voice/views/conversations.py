"""Pages for opinion conversations: vote statement by statement, add statements, see the map."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kyoso.core.access import is_staff, require_role
from kyoso.core.errors import DomainError, NotFoundError
from kyoso.core.forms import form_error
from kyoso.core.http import AuthedCityRequest, CityRequest
from kyoso.core.models import Role
from kyoso.voice import services
from kyoso.voice.forms import ConversationForm
from kyoso.voice.models import Conversation, Statement
from kyoso.voice.selectors import conversations as selectors

EXPORT_FILES = ("comments.csv", "participants-votes.csv", "votes.csv")


def conversation_list(request: CityRequest, city_slug: str) -> HttpResponse:
    return render(
        request,
        "voice/conversation_list.html",
        {"conversations": selectors.conversations_list(request.city)},
    )


@login_required
def conversation_new(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    require_role(request.user, city, Role.STAFF)
    form = ConversationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            conversation = services.conversation_create(
                city=city,
                actor=request.user,
                title=data["title"],
                question=data["question"],
                moderation=data["moderation"],
                theme_code=data["theme_code"],
                seed_statements=data["seeds"].splitlines(),
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            return redirect("voice:conversation", city_slug=city.slug, pk=conversation.pk)
    return render(request, "voice/conversation_form.html", {"form": form})


def _context(
    request: CityRequest | AuthedCityRequest, conversation: Conversation
) -> dict[str, object]:
    participant = selectors.participant_of(conversation, request.user)  # type: ignore[arg-type]
    votes = selectors.my_votes(participant)
    return {
        "conversation": conversation,
        "statement": selectors.next_statement(conversation, participant),
        "n_statements": selectors.statements_count(conversation),
        "n_voted": len(votes),
        "map": selectors.map_view(conversation, participant, you=_("You")),
        "map_header": [_("Group"), _("People")],
    }


def conversation_detail(request: CityRequest, city_slug: str, pk: int) -> HttpResponse:
    conversation = selectors.conversation_get(request.city, pk)
    context = _context(request, conversation)
    context["theme"] = conversation.theme
    context["is_staff"] = is_staff(request.user, request.city)
    return render(request, "voice/conversation_detail.html", context)


@login_required
@require_POST
def conversation_vote(request: AuthedCityRequest, city_slug: str, pk: int) -> HttpResponse:
    city = request.city
    conversation = selectors.conversation_get(city, pk)
    statement = Statement.objects.filter(
        conversation=conversation, pk=request.POST.get("statement") or 0
    ).first()
    if statement is None:
        raise NotFoundError(_("No such statement."))
    try:
        value = int(request.POST.get("value", ""))
    except ValueError:
        value = 99
    services.vote_cast(
        city=city, conversation=conversation, user=request.user, statement=statement, value=value
    )
    context = _context(request, conversation)
    if request.headers.get("HX-Request"):
        return render(request, "voice/_vote_and_map.html", context)
    return redirect("voice:conversation", city_slug=city.slug, pk=pk)


@login_required
@require_POST
def statement_new(request: AuthedCityRequest, city_slug: str, pk: int) -> HttpResponse:
    city = request.city
    conversation = selectors.conversation_get(city, pk)
    try:
        statement = services.statement_add(
            city=city,
            conversation=conversation,
            user=request.user,
            text=request.POST.get("text", ""),
        )
    except DomainError as exc:
        if exc.status == 429:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Thank you. Your statement is shown to others now.")
            if statement.status == "accepted"
            else _("Thank you. Your statement will be shown after a moderator checks it."),
        )
    return redirect("voice:conversation", city_slug=city.slug, pk=pk)


def conversation_map(request: CityRequest, city_slug: str, pk: int) -> HttpResponse:
    conversation = selectors.conversation_get(request.city, pk)
    return render(request, "voice/_map.html", _context(request, conversation))


def conversation_export(request: CityRequest, city_slug: str, pk: int, name: str) -> HttpResponse:
    """One file of the Polis open-data export of the conversation."""
    if name not in EXPORT_FILES:
        raise Http404
    conversation = selectors.conversation_get(request.city, pk)
    data = selectors.polis_export(conversation)[name]
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="conversation-{pk}-{name}"'
    return response


@login_required
def conversation_import(request: AuthedCityRequest, city_slug: str, pk: int) -> HttpResponse:
    city = request.city
    require_role(request.user, city, Role.STAFF)
    conversation = selectors.conversation_get(city, pk)
    if request.method == "POST":
        files = {
            name: request.FILES.getlist(key)[0].read()
            for name, key in (
                ("comments.csv", "comments"),
                ("participants-votes.csv", "participants_votes"),
            )
            if key in request.FILES
        }
        try:
            counts = services.conversation_import_polis(
                city=city, actor=request.user, conversation=conversation, files=files
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Imported %(s)d statements, %(p)d participants and %(v)d votes.")
                % {"s": counts["statements"], "p": counts["participants"], "v": counts["votes"]},
            )
            return redirect("voice:conversation", city_slug=city.slug, pk=pk)
    return render(request, "voice/conversation_import.html", {"conversation": conversation})


@login_required
@require_POST
def conversation_toggle(request: AuthedCityRequest, city_slug: str, pk: int) -> HttpResponse:
    city = request.city
    conversation = selectors.conversation_get(city, pk)
    services.conversation_set_open(
        city=city,
        conversation=conversation,
        actor=request.user,
        is_open=request.POST.get("open") == "1",
    )
    return redirect("voice:conversation", city_slug=city.slug, pk=pk)
