"""Conversation services: votes, the debounced stored map, projection, Polis CSV import/export."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from kyoso.core.errors import ConflictError, DomainError, NotFoundError
from kyoso.voice import services
from kyoso.voice.models import Conversation, ConversationMap, Participant, Vote
from kyoso.voice.selectors import conversations as selectors
from tests.errors import raises
from tests.voice.factories import ConversationFactory, StatementFactory

pytestmark = pytest.mark.django_db


def _two_camps(city, conversation, n=30):  # type: ignore[no-untyped-def]
    """Two clear camps voting opposite ways on 8 statements."""
    statements = [StatementFactory(conversation=conversation) for _ in range(8)]
    participants = Participant.objects.bulk_create(
        [Participant(city=city, conversation=conversation, external_id=i) for i in range(n)]
    )
    votes = []
    for i, p in enumerate(participants):
        camp = 1 if i < n // 2 else -1
        for j, s in enumerate(statements):
            if j == i % 6:
                continue  # everyone skips one statement, so people differ a little
            value = camp if j < 6 else 1  # the last two everyone agrees with
            if j == (i + 3) % 6 and i % 4 == 0:
                value = 0
            votes.append(
                Vote(city=city, conversation=conversation, participant=p, statement=s, value=value)
            )
    Vote.objects.bulk_create(votes)
    return statements, participants


def test_vote_replaces_and_counts(city, citizen):
    conversation = ConversationFactory(city=city)
    s = StatementFactory(conversation=conversation)
    services.vote_cast(city=city, conversation=conversation, user=citizen, statement=s, value=1)
    services.vote_cast(city=city, conversation=conversation, user=citizen, statement=s, value=-1)
    conversation.refresh_from_db()
    assert Vote.objects.get().value == -1
    assert conversation.vote_count == 1 and conversation.participant_count == 1


def test_vote_rejects_bad_value_closed_and_foreign_statement(city, citizen):
    conversation = ConversationFactory(city=city)
    other = ConversationFactory(city=city)
    s = StatementFactory(conversation=conversation)
    with raises(DomainError, field="value"):
        services.vote_cast(city=city, conversation=conversation, user=citizen, statement=s, value=2)
    with pytest.raises(NotFoundError):
        services.vote_cast(city=city, conversation=other, user=citizen, statement=s, value=1)
    pending = StatementFactory(conversation=conversation, status="pending")
    with pytest.raises(NotFoundError):
        services.vote_cast(
            city=city, conversation=conversation, user=citizen, statement=pending, value=1
        )
    conversation.is_open = False
    conversation.save()
    with raises(DomainError, field="value"):
        services.vote_cast(city=city, conversation=conversation, user=citizen, statement=s, value=1)
    assert not Vote.objects.exists()


def test_map_computed_stored_and_groups_found(city):
    conversation = ConversationFactory(city=city)
    statements, participants = _two_camps(city, conversation)
    Conversation.objects.filter(pk=conversation.pk).update(map_dirty_since="2026-01-01T00:00:00Z")
    stored = services.conversation_map_compute(conversation_id=conversation.pk)
    assert stored is not None
    groups = stored.summary["groups"]
    assert sorted(g["size"] for g in groups) == [15, 15]
    consensus_ids = {c["statement_id"] for c in stored.summary["consensus"]}
    assert consensus_ids & {statements[6].pk, statements[7].pk}
    labels = dict(zip(stored.data["participant_ids"], stored.data["labels"], strict=True))
    truth = [0 if i < 15 else 1 for i in range(30)]
    assert adjusted_rand_score(truth, [labels[p.pk] for p in participants]) == 1.0
    # Fresh map: a second run without new votes does nothing.
    assert services.conversation_map_compute(conversation_id=conversation.pk) is None


def test_vote_marks_dirty_and_task_recomputes(city, citizen, django_capture_on_commit_callbacks):
    conversation = ConversationFactory(city=city)
    statements, _participants = _two_camps(city, conversation)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.vote_cast(
            city=city, conversation=conversation, user=citizen, statement=statements[0], value=1
        )
    assert len(callbacks) == 1
    stored = ConversationMap.objects.get(conversation=conversation)
    assert stored.n_participants == 31
    conversation.refresh_from_db()
    assert conversation.map_dirty_since is None and conversation.map_computed_at is not None


def test_debounce_enqueues_once_per_period(city, citizen, django_capture_on_commit_callbacks):
    conversation = ConversationFactory(city=city)
    s1, s2 = (
        StatementFactory(conversation=conversation),
        StatementFactory(conversation=conversation),
    )
    Conversation.objects.filter(pk=conversation.pk).update(map_enqueued_at="2999-01-01T00:00:00Z")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.vote_cast(
            city=city, conversation=conversation, user=citizen, statement=s1, value=1
        )
        services.vote_cast(
            city=city, conversation=conversation, user=citizen, statement=s2, value=1
        )
    assert callbacks == []  # a recomputation is already queued for this period
    conversation.refresh_from_db()
    assert conversation.map_dirty_since is not None


def test_newcomer_point_projected_at_once(city, citizen):
    conversation = ConversationFactory(city=city)
    statements, participants = _two_camps(city, conversation)
    stored = services.conversation_map_compute(conversation_id=conversation.pk, force=True)
    assert stored is not None
    camp_a = {s.pk: 1 for s in statements[:6]}
    camp_b = {s.pk: -1 for s in statements[:6]}
    pa, pb = selectors.project_votes(stored, camp_a), selectors.project_votes(stored, camp_b)
    coords = dict(zip(stored.data["participant_ids"], stored.data["coords"], strict=True))
    first = np.asarray(coords[participants[0].pk])
    assert np.linalg.norm(np.asarray(pa) - first) < np.linalg.norm(np.asarray(pb) - first)
    services.vote_cast(
        city=city, conversation=conversation, user=citizen, statement=statements[0], value=1
    )
    view = selectors.map_view(conversation, selectors.participant_of(conversation, citizen))
    assert view is not None and view.my_point is not None and view.my_group in ("A", "B")


def test_polis_export_import_roundtrip(city, staff):
    source = ConversationFactory(city=city)
    _two_camps(city, source)
    services.conversation_map_compute(conversation_id=source.pk, force=True)
    files = selectors.polis_export(source)
    header = files["participants-votes.csv"].decode().splitlines()[0]
    assert header.startswith("participant,group-id,n-comments,n-votes,n-agree,n-disagree,")
    assert (
        files["votes.csv"].decode().splitlines()[0] == "timestamp,datetime,comment-id,voter-id,vote"
    )
    target = ConversationFactory(city=city)
    counts = services.conversation_import_polis(
        city=city, actor=staff, conversation=target, files=files
    )
    assert counts == {"statements": 8, "participants": 30, "votes": 210}
    stored = ConversationMap.objects.get(conversation=target)
    assert sorted(g["size"] for g in stored.summary["groups"]) == [15, 15]
    with pytest.raises(ConflictError):
        services.conversation_import_polis(city=city, actor=staff, conversation=target, files=files)


def test_polis_import_rejects_garbage(city, staff):
    target = ConversationFactory(city=city)
    with raises(DomainError, field="comments.csv"):
        services.conversation_import_polis(
            city=city,
            actor=staff,
            conversation=target,
            files={"comments.csv": b"a,b\n1,2\n", "participants-votes.csv": b"x\n"},
        )
    assert not Vote.objects.exists()


def test_import_real_polis_conversation(city, staff, shared_data):
    folder = shared_data / "polis" / "brexit-consensus"
    files = {n: (folder / n).read_bytes() for n in ("comments.csv", "participants-votes.csv")}
    target = ConversationFactory(city=city)
    counts = services.conversation_import_polis(
        city=city, actor=staff, conversation=target, files=files
    )
    assert counts["participants"] > 100 and counts["statements"] > 40
    stored = ConversationMap.objects.get(conversation=target)
    assert 2 <= len(stored.summary["groups"]) <= 5
