"""Reads for proposals and comments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from kyoso.core.errors import NotFoundError
from kyoso.core.models import City, User
from kyoso.voice.models import (
    Comment,
    Follow,
    Proposal,
    ProposalResponse,
    ProposalStatus,
    Support,
)
from kyoso.voice.themes import THEMES

if TYPE_CHECKING:
    pass

SORTS = {"new": ("-created_at", "-id"), "supports": ("-support_count", "-id")}


def proposals_list(
    city: City,
    *,
    status: str = "",
    theme: str = "",
    district: str = "",
    q: str = "",
    sort: str = "new",
    include_hidden: bool = False,
) -> QuerySet[Proposal]:
    """Return the city's proposals, filtered; one query however many there are."""
    proposals = Proposal.objects.filter(city=city).select_related("district", "theme")
    if not include_hidden:
        proposals = proposals.filter(is_hidden=False)
    if status in ProposalStatus.values:
        proposals = proposals.filter(status=status)
    if theme:
        proposals = proposals.filter(theme__code=theme)
    if district:
        proposals = proposals.filter(district__code=district)
    if q:
        proposals = proposals.filter(Q(title__icontains=q) | Q(body__icontains=q))
    return proposals.order_by(*SORTS.get(sort, SORTS["new"]))


def proposal_get(
    city: City, pk: int, *, viewer: User | None = None, staff: bool = False
) -> Proposal:
    """Return the proposal with its answers and measures; hidden ones only for staff and the author."""
    proposal = (
        Proposal.objects.filter(city=city, pk=pk)
        .select_related("district", "photo", "theme")
        .prefetch_related(
            Prefetch("responses", queryset=ProposalResponse.objects.order_by("created_at")),
            "measures",
        )
        .first()
    )
    if proposal is None:
        raise NotFoundError("Not found.")
    if proposal.is_hidden and not staff and (viewer is None or viewer.pk != proposal.author_id):
        raise NotFoundError("Not found.")
    return proposal


@dataclass(frozen=True)
class ViewerState:
    supported: bool
    following: bool


def viewer_state(proposal: Proposal, user: User | None) -> ViewerState:
    if user is None or not user.is_authenticated:
        return ViewerState(False, False)
    return ViewerState(
        Support.objects.filter(proposal=proposal, user=user).exists(),
        Follow.objects.filter(proposal=proposal, user=user).exists(),
    )


def comment_tree(
    proposal: Proposal | None = None, conversation: object | None = None
) -> list[tuple[Comment, int]]:
    """Return (comment, depth) pairs in reading order, replies under their parent."""
    comments = Comment.objects.all()
    if proposal is not None:
        comments = comments.filter(proposal=proposal)
    else:
        comments = comments.filter(conversation=conversation)
    items = list(comments.order_by("created_at", "id"))
    children: dict[int | None, list[Comment]] = {}
    for c in items:
        children.setdefault(c.parent_id, []).append(c)
    out: list[tuple[Comment, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for c in children.get(parent, []):
            out.append((c, depth))
            walk(c.pk, min(depth + 1, 4))

    walk(None, 0)
    return out


def proposals_similar(
    city: City, text: str, *, exclude: int | None = None, limit: int = 5
) -> list[tuple[Proposal, float]]:
    """Return proposals like ``text`` (TF-IDF cosine), best first, for "似た提案があります"."""
    from kyoso.voice.algorithms import text_analysis

    if len(text.strip()) < 4:
        return []
    pool = list(
        Proposal.objects.filter(city=city, is_hidden=False)
        .exclude(pk=exclude or 0)
        .order_by("-created_at")
        .only("id", "title", "body", "support_count", "status", "city_id")[:2000]
    )
    hits = text_analysis.similar(
        text, [f"{p.title} {p.body}" for p in pool], limit=limit, min_score=0.2
    )
    return [(pool[i], score) for i, score in hits]


def theme_suggest(text: str) -> str | None:
    """Return the code of the theme closest to ``text``."""
    from kyoso.voice.algorithms import text_analysis

    if len(text.strip()) < 4:
        return None
    return text_analysis.suggest_label(
        text, {t.code: f"{t.name_ja} {t.name_en} {t.keywords}" for t in THEMES}
    )


def proposals_overdue(city: City) -> QuerySet[Proposal]:
    """Return proposals past their answer deadline and still unanswered."""
    return (
        Proposal.objects.filter(
            city=city,
            response_due_at__lt=timezone.now(),
            responded_at__isnull=True,
            is_hidden=False,
        )
        .select_related("district", "theme")
        .order_by("response_due_at")
    )


def proposals_of(city: City, user: User) -> QuerySet[Proposal]:
    return Proposal.objects.filter(city=city, author=user).order_by("-created_at")
