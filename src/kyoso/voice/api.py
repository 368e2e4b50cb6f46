"""API of voice at /api/v1/voice/: proposals, comments, conversations, workshops.

Problem reports are served by the Open311 GeoReport v2 endpoints (see ``open311``).
"""

from __future__ import annotations

from typing import Annotated, Any, cast

from django.http import HttpRequest
from ninja import Path, Router, Status

from kyoso.core.access import is_staff
from kyoso.core.errors import NotFoundError
from kyoso.core.models import District, User
from kyoso.core.schemas import ErrorOut
from kyoso.core.selectors import city_get
from kyoso.voice import services
from kyoso.voice.models import Comment, ConversationMap, Statement, StatementStatus, Workshop
from kyoso.voice.schemas import (
    CommentIn,
    CommentOut,
    ConversationOut,
    IdeaOut,
    MapOut,
    ProposalIn,
    ProposalOut,
    ResponseIn,
    ResponseOut,
    StatementIn,
    StatementOut,
    VoteIn,
    VoteOut,
    WorkshopOut,
)
from kyoso.voice.selectors import conversations as conv_selectors
from kyoso.voice.selectors import proposals as proposal_selectors
from kyoso.voice.selectors import workshops as workshop_selectors

router = Router(tags=["voice"])
PathId = Annotated[int, Path(ge=1, le=2**53)]


def _clean(value: str) -> str:
    """Return a query string without NUL characters, which databases refuse."""
    return value.replace("\x00", "")


def _me(request: HttpRequest) -> User:
    """Return the authenticated user (the router's auth has already checked it)."""
    return cast(User, request.user)


ERRORS: dict[int, type] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


@router.get("/{city_slug}/proposals", response={200: list[ProposalOut], **ERRORS}, auth=None)
def list_proposals(
    request: HttpRequest,
    city_slug: str,
    status: str = "",
    theme: str = "",
    district: str = "",
    q: str = "",
    sort: str = "new",
    offset: int = 0,
    limit: int = 50,
) -> Any:
    city = city_get(city_slug)
    offset, limit = max(0, min(offset, 10**6)), max(1, min(limit, 200))
    items = proposal_selectors.proposals_list(
        city,
        status=_clean(status),
        theme=_clean(theme),
        district=_clean(district),
        q=_clean(q)[:100],
        sort=sort,
    )
    return items[offset : offset + limit]


@router.post("/{city_slug}/proposals", response={201: ProposalOut, **ERRORS})
def create_proposal(request: HttpRequest, city_slug: str, payload: ProposalIn) -> Any:
    city = city_get(city_slug)
    district = None
    if payload.district:
        district = District.objects.filter(city=city, code=_clean(payload.district)).first()
        if district is None:
            raise NotFoundError("Unknown district.", field="district")
    proposal = services.proposal_create(
        city=city,
        author=_me(request),
        title=payload.title,
        body=payload.body,
        theme_code=payload.theme_code,
        district=district,
        lat=payload.lat,
        lon=payload.lon,
        pseudonym=payload.pseudonym,
    )
    return Status(201, proposal)


@router.get(
    "/{city_slug}/proposals/{proposal_id}", response={200: ProposalOut, **ERRORS}, auth=None
)
def get_proposal(request: HttpRequest, city_slug: str, proposal_id: PathId) -> Any:
    return proposal_selectors.proposal_get(city_get(city_slug), proposal_id)


@router.post("/{city_slug}/proposals/{proposal_id}/support", response={200: ProposalOut, **ERRORS})
def support_proposal(request: HttpRequest, city_slug: str, proposal_id: PathId) -> Any:
    city = city_get(city_slug)
    proposal = proposal_selectors.proposal_get(city, proposal_id)
    return services.proposal_support(city=city, proposal=proposal, user=_me(request))


@router.delete(
    "/{city_slug}/proposals/{proposal_id}/support", response={200: ProposalOut, **ERRORS}
)
def withdraw_support(request: HttpRequest, city_slug: str, proposal_id: PathId) -> Any:
    city = city_get(city_slug)
    proposal = proposal_selectors.proposal_get(city, proposal_id)
    return services.proposal_unsupport(city=city, proposal=proposal, user=_me(request))


@router.post(
    "/{city_slug}/proposals/{proposal_id}/responses", response={201: ResponseOut, **ERRORS}
)
def respond_proposal(
    request: HttpRequest, city_slug: str, proposal_id: PathId, payload: ResponseIn
) -> Any:
    city = city_get(city_slug)
    proposal = proposal_selectors.proposal_get(
        city, proposal_id, staff=is_staff(_me(request), city)
    )
    response = services.proposal_respond(
        city=city,
        proposal=proposal,
        actor=_me(request),
        status=payload.status,
        text=payload.text,
    )
    return Status(201, response)


@router.get(
    "/{city_slug}/proposals/{proposal_id}/comments",
    response={200: list[CommentOut], **ERRORS},
    auth=None,
)
def list_comments(request: HttpRequest, city_slug: str, proposal_id: PathId) -> Any:
    city = city_get(city_slug)
    proposal = proposal_selectors.proposal_get(city, proposal_id)
    out = []
    for comment, _depth in proposal_selectors.comment_tree(proposal=proposal):
        if comment.is_hidden:
            comment.body = ""
        out.append(comment)
    return out


@router.post("/{city_slug}/proposals/{proposal_id}/comments", response={201: CommentOut, **ERRORS})
def create_comment(
    request: HttpRequest, city_slug: str, proposal_id: PathId, payload: CommentIn
) -> Any:
    city = city_get(city_slug)
    proposal = proposal_selectors.proposal_get(city, proposal_id)
    parent = None
    if payload.parent is not None:
        parent = Comment.objects.filter(city=city, proposal=proposal, pk=payload.parent).first()
        if parent is None:
            raise NotFoundError("No such comment.", field="parent")
    comment = services.comment_create(
        city=city,
        author=_me(request),
        body=payload.body,
        proposal=proposal,
        parent=parent,
        pseudonym=payload.pseudonym,
    )
    return Status(201, comment)


@router.get(
    "/{city_slug}/conversations", response={200: list[ConversationOut], **ERRORS}, auth=None
)
def list_conversations(request: HttpRequest, city_slug: str) -> Any:
    return conv_selectors.conversations_list(city_get(city_slug))[:200]


@router.get(
    "/{city_slug}/conversations/{conversation_id}",
    response={200: ConversationOut, **ERRORS},
    auth=None,
)
def get_conversation(request: HttpRequest, city_slug: str, conversation_id: PathId) -> Any:
    return conv_selectors.conversation_get(city_get(city_slug), conversation_id)


@router.get(
    "/{city_slug}/conversations/{conversation_id}/statements",
    response={200: list[StatementOut], **ERRORS},
    auth=None,
)
def list_statements(request: HttpRequest, city_slug: str, conversation_id: PathId) -> Any:
    conversation = conv_selectors.conversation_get(city_get(city_slug), conversation_id)
    return Statement.objects.filter(
        conversation=conversation, status=StatementStatus.ACCEPTED
    ).order_by("id")


@router.post(
    "/{city_slug}/conversations/{conversation_id}/statements",
    response={201: StatementOut, **ERRORS},
)
def add_statement(
    request: HttpRequest, city_slug: str, conversation_id: PathId, payload: StatementIn
) -> Any:
    city = city_get(city_slug)
    conversation = conv_selectors.conversation_get(city, conversation_id)
    statement = services.statement_add(
        city=city,
        conversation=conversation,
        user=_me(request),
        text=payload.text,
    )
    return Status(201, statement)


@router.post(
    "/{city_slug}/conversations/{conversation_id}/votes", response={200: VoteOut, **ERRORS}
)
def cast_vote(
    request: HttpRequest, city_slug: str, conversation_id: PathId, payload: VoteIn
) -> Any:
    city = city_get(city_slug)
    conversation = conv_selectors.conversation_get(city, conversation_id)
    statement = Statement.objects.filter(conversation=conversation, pk=payload.statement).first()
    if statement is None:
        raise NotFoundError("No such statement.", field="statement")
    services.vote_cast(
        city=city,
        conversation=conversation,
        user=_me(request),
        statement=statement,
        value=payload.value,
    )
    participant = conv_selectors.participant_of(conversation, _me(request))
    stored = ConversationMap.objects.filter(conversation=conversation).first()
    point = (
        conv_selectors.project_votes(stored, conv_selectors.my_votes(participant))
        if stored
        else None
    )
    return {
        "statement": statement.pk,
        "value": payload.value,
        "point": list(point) if point else None,
    }


@router.get(
    "/{city_slug}/conversations/{conversation_id}/map", response={200: MapOut, **ERRORS}, auth=None
)
def get_map(request: HttpRequest, city_slug: str, conversation_id: PathId) -> Any:
    conversation = conv_selectors.conversation_get(city_get(city_slug), conversation_id)
    stored = ConversationMap.objects.filter(conversation=conversation).first()
    if stored is None:
        raise NotFoundError("The map has not been computed yet.")
    return {
        "computed_at": stored.computed_at,
        "n_participants": stored.n_participants,
        "groups": stored.summary.get("groups", []),
        "consensus": stored.summary.get("consensus", []),
        "points": stored.summary.get("points", []),
    }


@router.get("/{city_slug}/workshops", response={200: list[WorkshopOut], **ERRORS}, auth=None)
def list_workshops(request: HttpRequest, city_slug: str) -> Any:
    return Workshop.objects.filter(city=city_get(city_slug)).order_by("-starts_at")[:200]


@router.get(
    "/{city_slug}/workshops/{workshop_id}/ideas", response={200: list[IdeaOut], **ERRORS}, auth=None
)
def list_ideas(request: HttpRequest, city_slug: str, workshop_id: PathId) -> Any:
    workshop = workshop_selectors.workshop_get(city_get(city_slug), workshop_id)
    return workshop_selectors.ideas_of(workshop)


@router.post("/{city_slug}/workshops/{workshop_id}/register", response={200: dict, **ERRORS})
def register_workshop(request: HttpRequest, city_slug: str, workshop_id: PathId) -> Any:
    city = city_get(city_slug)
    workshop = workshop_selectors.workshop_get(city, workshop_id)
    services.workshop_register(city=city, workshop=workshop, user=_me(request))
    return {"registered": True}
