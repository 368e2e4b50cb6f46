"""Writes for opinion conversations: statements, votes, the debounced map, Polis CSV import."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import require_participant, require_role
from kyoso.core.errors import ConflictError, DomainError, NotFoundError
from kyoso.core.models import City, Role, User
from kyoso.core.services import audit_record
from kyoso.voice.models import (
    Conversation,
    ConversationMap,
    ModerationMode,
    Participant,
    Statement,
    StatementStatus,
    Vote,
    VoteValue,
)
from kyoso.voice.services.common import check_text, rate_limit_check
from kyoso.voice.themes import voice_theme_resolve

if TYPE_CHECKING:
    from kyoso.voice.algorithms.opinion_map import OpinionMap, OpinionMapState

MAP_POINTS_SHOWN = 3000  # participants drawn on the page; the full map stays in storage


@transaction.atomic
def conversation_create(
    *,
    city: City,
    actor: User,
    title: str,
    question: str,
    moderation: str = ModerationMode.STRICT,
    seed_statements: list[str] | None = None,
    theme_code: str = "",
) -> Conversation:
    """Return a new open conversation with its seed statements (accepted at once)."""
    require_role(actor, city, Role.STAFF)
    title = check_text(title, field="title", max_length=120)
    question = check_text(question, field="question", max_length=1000)
    if moderation not in ModerationMode.values:
        raise DomainError(_("Choose strict or permissive moderation."), field="moderation")
    theme = voice_theme_resolve(city, theme_code)
    conversation = Conversation.objects.create(
        city=city,
        title=title,
        question=question,
        moderation=moderation,
        theme=theme,
        created_by=actor,
    )
    for text in seed_statements or []:
        if text.strip():
            Statement.objects.create(
                city=city,
                conversation=conversation,
                text=check_text(text, field="seed_statements", max_length=280),
                is_seed=True,
                status=StatementStatus.ACCEPTED,
            )
    audit_record(city=city, actor=actor, action="voice.conversation.create", obj=conversation)
    return conversation


@transaction.atomic
def conversation_set_open(
    *, city: City, conversation: Conversation, actor: User, is_open: bool
) -> Conversation:
    """Return the conversation opened or closed for votes and statements."""
    _check(city, conversation)
    require_role(actor, city, Role.STAFF)
    conversation.is_open = is_open
    conversation.save(update_fields=["is_open"])
    audit_record(
        city=city,
        actor=actor,
        action="voice.conversation.open" if is_open else "voice.conversation.close",
        obj=conversation,
    )
    return conversation


def participant_for(*, city: City, conversation: Conversation, user: User) -> Participant:
    """Return the person's participant row in the conversation, created on first use."""
    participant, created = Participant.objects.get_or_create(
        city=city, conversation=conversation, user=user
    )
    if created:
        Conversation.objects.filter(pk=conversation.pk).update(
            participant_count=F("participant_count") + 1
        )
    return participant


@transaction.atomic
def statement_add(*, city: City, conversation: Conversation, user: User, text: str) -> Statement:
    """Return a participant's new statement; under strict moderation it waits for a moderator."""
    _check(city, conversation)
    if not conversation.is_open:
        raise DomainError(_("This conversation is closed."), field="text")
    require_participant(user, city)
    rate_limit_check(city=city, user=user)
    text = check_text(text, field="text", max_length=280)
    if Statement.objects.filter(conversation=conversation, text=text).exists():
        raise ConflictError(_("This statement is already in the conversation."), field="text")
    participant = participant_for(city=city, conversation=conversation, user=user)
    status = (
        StatementStatus.ACCEPTED
        if conversation.moderation == ModerationMode.PERMISSIVE
        else StatementStatus.PENDING
    )
    statement = Statement.objects.create(
        city=city, conversation=conversation, text=text, author=participant, status=status
    )
    return statement


@transaction.atomic
def statement_moderate(*, city: City, statement: Statement, actor: User, accept: bool) -> Statement:
    """Return the statement accepted into the conversation or rejected."""
    if statement.city_id != city.pk:
        raise NotFoundError(_("No such statement."))
    require_role(actor, city, Role.MODERATOR, Role.STAFF)
    statement.status = StatementStatus.ACCEPTED if accept else StatementStatus.REJECTED
    statement.save(update_fields=["status"])
    audit_record(
        city=city,
        actor=actor,
        action="voice.statement.accept" if accept else "voice.statement.reject",
        obj=statement,
    )
    _mark_map_dirty(statement.conversation)
    return statement


@transaction.atomic
def vote_cast(
    *, city: City, conversation: Conversation, user: User, statement: Statement, value: int
) -> Vote:
    """Return the person's vote (agree +1, pass 0, disagree -1); a second vote replaces the first."""
    _check(city, conversation)
    if not conversation.is_open:
        raise DomainError(_("This conversation is closed."), field="value")
    if statement.conversation_id != conversation.pk or statement.status != StatementStatus.ACCEPTED:
        raise NotFoundError(_("No such statement."), field="statement")
    if value not in VoteValue.values:
        raise DomainError(_("Vote agree, disagree or pass."), field="value")
    require_participant(user, city)
    participant = participant_for(city=city, conversation=conversation, user=user)
    vote, created = Vote.objects.update_or_create(
        city=city,
        participant=participant,
        statement=statement,
        defaults={"value": value, "conversation": conversation},
    )
    if created:
        Conversation.objects.filter(pk=conversation.pk).update(vote_count=F("vote_count") + 1)
    _mark_map_dirty(conversation)
    return vote


def _mark_map_dirty(conversation: Conversation) -> None:
    """Mark the map stale and enqueue at most one recomputation per debounce period.

    Conditional UPDATEs instead of a row lock: of many concurrent voters exactly one wins the
    right to enqueue, and nobody waits for anybody.
    """
    from kyoso.voice.tasks import conversation_map_task

    now = timezone.now()
    debounce = timedelta(seconds=int(conversation.city.rule("voice.map_debounce_seconds", 30)))
    rows = Conversation.objects.filter(pk=conversation.pk)
    rows.filter(map_dirty_since__isnull=True).update(map_dirty_since=now)
    # A lost task (worker restart) must not block the map forever: re-enqueue after 4 periods.
    won = rows.filter(
        Q(map_enqueued_at__isnull=True) | Q(map_enqueued_at__lt=now - 4 * debounce)
    ).update(map_enqueued_at=now)
    if not won:
        return
    pk = conversation.pk
    if conversation_map_task.get_backend().supports_defer:
        deferred = conversation_map_task.using(run_after=now + debounce)
        transaction.on_commit(lambda: deferred.enqueue(pk))
    else:
        transaction.on_commit(lambda: conversation_map_task.enqueue(pk))


def conversation_map_compute(
    *, conversation_id: int, force: bool = False, replay_history: bool = True
) -> ConversationMap | None:
    """Return the recomputed map, or None when it was fresh or there are too few votes.

    A first map replays the conversation's history as Polis would have seen it (stabler
    groups on imports); ``replay_history=False`` skips that for synthetic data.
    """
    import numpy as np

    from kyoso.voice.algorithms.opinion_map import compute_opinion_map
    from kyoso.voice.algorithms.vote_matrix import VoteMatrix

    with transaction.atomic():
        conversation = (
            Conversation.objects.select_for_update()
            .select_related("city")
            .filter(pk=conversation_id)
            .first()
        )
        if conversation is None:
            return None
        stored = ConversationMap.objects.filter(conversation=conversation).first()
        if not force and stored is not None and conversation.map_dirty_since is None:
            return None
        conversation.map_dirty_since = None
        conversation.map_enqueued_at = None
        conversation.save(update_fields=["map_dirty_since", "map_enqueued_at"])
        rows = np.array(
            list(
                Vote.objects.filter(conversation=conversation).values_list(
                    "participant_id", "statement_id", "value"
                )
            ),
            dtype=np.int64,
        ).reshape(-1, 3)
        rejected = list(
            Statement.objects.filter(
                conversation=conversation, status=StatementStatus.REJECTED
            ).values_list("id", flat=True)
        )
    if len(np.unique(rows[:, 0])) < 2 or len(np.unique(rows[:, 1])) < 2:
        return None
    votes = VoteMatrix.from_triples(rows[:, 0], rows[:, 1], rows[:, 2])
    previous = _previous_state(stored)
    if replay_history:
        opinion_map = compute_opinion_map(votes, moderated_out=rejected, previous=previous)
    else:
        opinion_map = compute_opinion_map(
            votes, moderated_out=rejected, previous=previous, history_steps=1
        )
    return _store_map(conversation, opinion_map, n_votes=len(rows))


def _previous_state(stored: ConversationMap | None) -> OpinionMapState | None:
    from kyoso.voice.algorithms.opinion_map import OpinionMap

    if stored is None:
        return None
    try:
        return OpinionMap.from_dict(stored.data).state
    except (KeyError, TypeError, ValueError):
        return None


@transaction.atomic
def _store_map(conversation: Conversation, m: OpinionMap, *, n_votes: int) -> ConversationMap:
    import numpy as np

    axes = {
        "statement_ids": m.statement_ids.tolist(),
        "means": m.means.tolist(),
        "components": m.components.tolist(),
        "active": m.active.tolist(),
    }
    n = len(m.participant_ids)
    step = max(1, int(np.ceil(n / MAP_POINTS_SHOWN)))
    shown = np.arange(0, n, step)
    summary: dict[str, Any] = {
        "groups": [
            {
                "id": gid,
                "size": size,
                "representative": [
                    {
                        "statement_id": r.statement_id,
                        "direction": r.direction,
                        "percent": round(100 * r.p_success),
                        "n_success": r.n_success,
                        "n_trials": r.n_trials,
                    }
                    for r in m.representative.get(gid, [])
                ],
            }
            for gid, size in zip(m.group_ids, m.group_sizes, strict=True)
        ],
        "consensus": [
            {"statement_id": c.statement_id, "direction": c.direction, "score": round(c.score, 3)}
            for c in m.consensus
        ],
        "points": [
            [round(float(m.coords[i, 0]), 4), round(float(m.coords[i, 1]), 4), int(m.labels[i])]
            for i in shown
        ],
        "participant_ids": m.participant_ids[shown].tolist(),
    }
    now = timezone.now()
    stored, _created = ConversationMap.objects.update_or_create(
        conversation=conversation,
        defaults={
            "city": conversation.city,
            "data": m.to_dict(),
            "axes": axes,
            "summary": summary,
            "computed_at": now,
            "n_participants": n,
            "n_votes": n_votes,
        },
    )
    Conversation.objects.filter(pk=conversation.pk).update(map_computed_at=now)
    return stored


def conversation_import_polis(
    *, city: City, actor: User, conversation: Conversation, files: dict[str, bytes]
) -> dict[str, int]:
    """Import a Polis open-data export (comments.csv + participants-votes.csv) into an empty conversation."""
    import numpy as np

    from kyoso.voice.algorithms.polis_csv import read_conversation

    _check(city, conversation)
    require_role(actor, city, Role.STAFF)
    for name in ("comments.csv", "participants-votes.csv"):
        if not files.get(name):
            raise DomainError(_("Upload %(name)s.") % {"name": name}, field=name)
    if Vote.objects.filter(conversation=conversation).exists():
        raise ConflictError(
            _("Import into a conversation that has no votes yet."), field="conversation"
        )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in ("comments.csv", "participants-votes.csv"):
            (folder / name).write_bytes(files[name])
        try:
            polis = read_conversation(folder)
        except (ValueError, IndexError, UnicodeDecodeError) as exc:
            raise DomainError(
                _("These files are not a Polis export: %(e)s") % {"e": str(exc)[:200]},
                field="comments.csv",
            ) from exc
    with transaction.atomic():
        statuses = {
            -1: StatementStatus.REJECTED,
            0: StatementStatus.ACCEPTED,
            1: StatementStatus.ACCEPTED,
        }
        statements = Statement.objects.bulk_create(
            [
                Statement(
                    city=city,
                    conversation=conversation,
                    text=c.body[:280] or "-",
                    external_id=c.comment_id,
                    status=statuses.get(c.moderated, StatementStatus.ACCEPTED),
                )
                for c in polis.comments
            ]
        )
        statement_pk = {s.external_id: s.pk for s in statements}
        matrix = polis.participants.votes
        participants = Participant.objects.bulk_create(
            [
                Participant(city=city, conversation=conversation, external_id=int(pid))
                for pid in matrix.participant_ids.tolist()
            ]
        )
        v = matrix.votes
        rows = np.repeat(np.arange(v.shape[0]), np.diff(v.indptr))
        votes = []
        for r, c, val in zip(rows.tolist(), v.indices.tolist(), v.data.tolist(), strict=True):
            sid = statement_pk.get(int(matrix.statement_ids[c]))
            if sid is None:
                continue
            votes.append(
                Vote(
                    city=city,
                    conversation=conversation,
                    participant_id=participants[r].pk,
                    statement_id=sid,
                    value=int(val),
                )
            )
        Vote.objects.bulk_create(votes, batch_size=5000)
        Conversation.objects.filter(pk=conversation.pk).update(
            participant_count=len(participants),
            vote_count=len(votes),
            map_dirty_since=timezone.now(),
        )
        audit_record(
            city=city,
            actor=actor,
            action="voice.conversation.import_polis",
            obj=conversation,
            details={
                "statements": len(statements),
                "participants": len(participants),
                "votes": len(votes),
            },
        )
    conversation_map_compute(conversation_id=conversation.pk, force=True)
    return {"statements": len(statements), "participants": len(participants), "votes": len(votes)}


def _check(city: City, conversation: Conversation) -> None:
    if conversation.city_id != city.pk:
        raise NotFoundError(_("No such conversation."))
