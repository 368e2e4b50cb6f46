"""Reads for conversations: the next statement to vote on, and the stored map with your point."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet

from kyoso.core.errors import NotFoundError
from kyoso.core.models import City, User
from kyoso.voice.models import (
    Conversation,
    ConversationMap,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)

if TYPE_CHECKING:
    pass

GROUP_COLORS = ["#0b5c8a", "#b3541e", "#2e7d32", "#6a1b9a", "#8d6e00"]
GROUP_LETTERS = "ABCDE"


def conversations_list(city: City) -> QuerySet[Conversation]:
    return Conversation.objects.filter(city=city).order_by("-is_open", "-created_at")


def conversation_get(city: City, pk: int) -> Conversation:
    conversation = Conversation.objects.filter(city=city, pk=pk).first()
    if conversation is None:
        raise NotFoundError("Not found.")
    return conversation


def participant_of(conversation: Conversation, user: User | None) -> Participant | None:
    if user is None or not user.is_authenticated:
        return None
    return Participant.objects.filter(conversation=conversation, user=user).first()


def my_votes(participant: Participant | None) -> dict[int, int]:
    if participant is None:
        return {}
    return dict(Vote.objects.filter(participant=participant).values_list("statement_id", "value"))


def next_statement(conversation: Conversation, participant: Participant | None) -> Statement | None:
    """Return the next accepted statement the participant has not voted on (seeds first)."""
    statements = Statement.objects.filter(
        conversation=conversation, status=StatementStatus.ACCEPTED
    )
    if participant is not None:
        statements = statements.exclude(votes__participant=participant)
    return statements.order_by("-is_seed", "id").first()


def statements_count(conversation: Conversation) -> int:
    return Statement.objects.filter(
        conversation=conversation, status=StatementStatus.ACCEPTED
    ).count()


def pending_statements(city: City) -> QuerySet[Statement]:
    return (
        Statement.objects.filter(city=city, status=StatementStatus.PENDING)
        .select_related("conversation")
        .order_by("created_at")
    )


@dataclass
class GroupView:
    id: int
    letter: str
    color: str
    size: int
    representative: list[dict[str, Any]]


@dataclass
class MapView:
    computed_at: Any
    n_participants: int
    groups: list[GroupView]
    consensus: list[dict[str, Any]]
    my_point: tuple[float, float] | None
    my_group: str = ""
    chart: dict[str, Any] = field(default_factory=dict)
    table: list[list[Any]] = field(default_factory=list)


def project_votes(stored: ConversationMap, votes: dict[int, int]) -> tuple[float, float] | None:
    """Return a participant's (x, y) on the stored map's axes, computed from their votes now."""
    import numpy as np

    from kyoso.voice.algorithms.opinion_pca import PcaFit, project_vector
    from kyoso.voice.algorithms.vote_matrix import row_vector

    axes = stored.axes
    if not votes or not axes.get("statement_ids"):
        return None
    sids = np.asarray(axes["statement_ids"], dtype=np.int64)
    active = np.asarray(axes["active"], dtype=bool)
    fit = PcaFit(
        np.asarray(axes["means"], dtype=float),
        np.asarray(axes["components"], dtype=float).reshape(2, -1),
        active,
        len(sids),
        int((~active).sum()),
    )
    known = {s: v for s, v in votes.items() if s in set(sids.tolist())}
    if not known:
        return None
    x, y = project_vector(row_vector(known, sids), fit)
    return float(x), float(y)


def map_view(
    conversation: Conversation, participant: Participant | None, *, you: str = "You"
) -> MapView | None:
    """Return what the map page shows, or None before the first map is computed."""
    import numpy as np

    stored = ConversationMap.objects.filter(conversation=conversation).first()
    if stored is None:
        return None
    summary = stored.summary
    ids = {r["statement_id"] for g in summary.get("groups", []) for r in g["representative"]}
    ids |= {c["statement_id"] for c in summary.get("consensus", [])}
    texts = dict(Statement.objects.filter(pk__in=ids).values_list("id", "text"))
    groups = []
    for i, g in enumerate(summary.get("groups", [])):
        reps = [dict(r, text=texts.get(r["statement_id"], "")) for r in g["representative"]]
        groups.append(
            GroupView(g["id"], GROUP_LETTERS[i % 5], GROUP_COLORS[i % 5], g["size"], reps)
        )
    consensus = [
        dict(c, text=texts.get(c["statement_id"], "")) for c in summary.get("consensus", [])
    ]
    point = project_votes(stored, my_votes(participant)) if participant is not None else None
    view = MapView(stored.computed_at, stored.n_participants, groups, consensus, point)
    letter_of = {g.id: g for g in groups}
    series = []
    for g in groups:
        series.append(
            {
                "name": g.letter,
                "type": "scatter",
                "symbolSize": 5,
                "itemStyle": {"color": g.color, "opacity": 0.6},
                "data": [[p[0], p[1]] for p in summary.get("points", []) if p[2] == g.id],
            }
        )
    if point is not None:
        series.append(
            {
                "name": you,
                "type": "scatter",
                "symbol": "diamond",
                "symbolSize": 22,
                "itemStyle": {"color": "#000", "borderColor": "#ffd400", "borderWidth": 3},
                "data": [[round(point[0], 4), round(point[1], 4)]],
                "z": 10,
            }
        )
        # The nearest group centre tells the participant which group they are closest to.
        pts = np.asarray([p[:2] for p in summary.get("points", []) if p[2] >= 0], dtype=float)
        labs = [p[2] for p in summary.get("points", []) if p[2] >= 0]
        if len(pts):
            nearest = int(np.argmin(((pts - np.asarray(point)) ** 2).sum(axis=1)))
            view.my_group = letter_of[labs[nearest]].letter if labs[nearest] in letter_of else ""
    view.chart = {
        "legend": {"top": 0},
        "grid": {"left": 30, "right": 10, "top": 40, "bottom": 30},
        "xAxis": {"type": "value", "axisLabel": {"show": False}, "splitLine": {"show": False}},
        "yAxis": {"type": "value", "axisLabel": {"show": False}, "splitLine": {"show": False}},
        "tooltip": {"trigger": "item"},
        "series": series,
    }
    view.table = [[g.letter, g.size] for g in groups]
    return view


def groups_of(conversation: Conversation) -> list[dict[str, Any]]:
    stored = ConversationMap.objects.filter(conversation=conversation).only("summary").first()
    return list(stored.summary.get("groups", [])) if stored else []


def polis_export(conversation: Conversation) -> dict[str, bytes]:
    """Return comments.csv, participants-votes.csv and votes.csv of the conversation (Polis format)."""
    import numpy as np

    from kyoso.voice.algorithms.opinion_map import OpinionMap
    from kyoso.voice.algorithms.polis_csv import (
        PolisComment,
        PolisParticipants,
        PolisVoteLog,
        write_comments,
        write_participants_votes,
        write_votes,
    )
    from kyoso.voice.algorithms.vote_matrix import VoteMatrix

    statements = list(
        Statement.objects.filter(conversation=conversation)
        .annotate(n_agree=Count("votes", filter=_q(1)), n_disagree=Count("votes", filter=_q(-1)))
        .select_related("author")
        .order_by("id")
    )
    moderated = {
        StatementStatus.ACCEPTED: 1,
        StatementStatus.PENDING: 0,
        StatementStatus.REJECTED: -1,
    }
    comments = [
        PolisComment(
            timestamp=str(int(s.created_at.timestamp() * 1000)),
            datetime=s.created_at.strftime(
                "%a %b %d %Y %H:%M:%S GMT+0000 (Coordinated Universal Time)"
            ),
            comment_id=s.pk,
            author_id=s.author_id or 0,
            agrees=s.n_agree,
            disagrees=s.n_disagree,
            moderated=moderated[StatementStatus(s.status)],
            body=s.text,
        )
        for s in statements
    ]
    rows = list(
        Vote.objects.filter(conversation=conversation)
        .order_by("updated_at", "id")
        .values_list("participant_id", "statement_id", "value", "updated_at")
    )
    p = np.array([r[0] for r in rows], dtype=np.int64)
    s = np.array([r[1] for r in rows], dtype=np.int64)
    v = np.array([r[2] for r in rows], dtype=np.int64)
    pids = np.asarray(
        sorted(Participant.objects.filter(conversation=conversation).values_list("id", flat=True)),
        dtype=np.int64,
    )
    sids = np.asarray([st.pk for st in statements], dtype=np.int64)
    matrix = VoteMatrix.from_triples(p, s, v, participant_ids=pids, statement_ids=sids)
    groups: dict[int, int | None] = {}
    stored = ConversationMap.objects.filter(conversation=conversation).first()
    if stored is not None:
        m = OpinionMap.from_dict(stored.data)
        for pid, label, inside in zip(
            m.participant_ids.tolist(), m.labels.tolist(), m.clustered.tolist(), strict=True
        ):
            groups[pid] = int(label) if inside and label >= 0 else None
    n_comments: dict[int, int] = {}
    for st in statements:
        if st.author_id:
            n_comments[st.author_id] = n_comments.get(st.author_id, 0) + 1
    log = PolisVoteLog(
        timestamps=np.array([int(r[3].timestamp() * 1000) for r in rows], dtype=np.int64),
        datetimes=[
            r[3].strftime("%a %b %d %Y %H:%M:%S GMT+0000 (Coordinated Universal Time)")
            for r in rows
        ],
        comment_ids=s,
        voter_ids=p,
        votes=v,
    )
    out: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_comments(folder / "comments.csv", comments)
        write_participants_votes(
            folder / "participants-votes.csv", PolisParticipants(matrix, groups, n_comments)
        )
        write_votes(folder / "votes.csv", log)
        for name in ("comments.csv", "participants-votes.csv", "votes.csv"):
            out[name] = (folder / name).read_bytes()
    return out


def _q(value: int) -> Any:
    from django.db.models import Q

    return Q(votes__value=value)
