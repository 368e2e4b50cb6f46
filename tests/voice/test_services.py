from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from kyoso.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from kyoso.core.models import AuditEvent, EmailMode, Notification
from kyoso.voice import services
from kyoso.voice.models import (
    Appeal,
    CommentRevision,
    Flag,
    Follow,
    Proposal,
    ProposalStatus,
    StatementStatus,
    Support,
)
from kyoso.voice.services.common import RateLimitedError
from tests.core.factories import MembershipFactory
from tests.errors import raises
from tests.voice.factories import ProposalFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def _citizens(city, n):  # type: ignore[no-untyped-def]
    return [MembershipFactory(city=city, role="citizen").user for _ in range(n)]


def test_proposal_create_follows_and_audits(city, citizen):
    p = services.proposal_create(
        city=city,
        author=citizen,
        title=" バス ",
        body="本数を増やして",
        theme_code="transport",
        lat=36.6,
        lon=140.6,
        pseudonym="バス好き",
    )
    assert p.title == "バス" and p.public_name == "バス好き" and not p.is_proxy
    assert Follow.objects.filter(proposal=p, user=citizen).exists()
    assert AuditEvent.objects.filter(action="voice.proposal.create", object_id=str(p.pk)).exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": ""}, "title"),
        ({"body": "x" * 5001}, "body"),
        ({"theme_code": "nope"}, "theme_code"),
        ({"lat": 36.6}, "lat"),
        ({"lat": 99.0, "lon": 140.0}, "lat"),
    ],
)
def test_proposal_create_rejects_bad_input(city, citizen, kwargs, field):
    args = {"title": "t", "body": "b"} | kwargs
    with raises(DomainError, field=field) as exc:
        services.proposal_create(city=city, author=citizen, **args)
    assert exc.value.field == field
    assert not Proposal.objects.exists()


def test_proposal_district_of_other_city_rejected(city, other_city, citizen):
    with raises(DomainError, field="district") as exc:
        services.proposal_create(
            city=city, author=citizen, title="t", body="b", district=other_city.districts.first()
        )
    assert exc.value.field == "district"


def test_proxy_entry_needs_staff_and_is_marked(city, citizen, staff):
    with pytest.raises(PermissionDeniedError):
        services.proposal_create(city=city, author=citizen, title="t", body="b", entered_by=citizen)
    p = services.proposal_create(city=city, author=citizen, title="t", body="b", entered_by=staff)
    assert p.is_proxy and p.author == citizen
    event = AuditEvent.objects.get(action="voice.proposal.create")
    assert event.actor == staff and event.on_behalf_of == citizen


def test_support_once_and_threshold_sets_deadline(city, citizen):
    city.rules = {"voice.support_threshold": 2, "voice.response_days": 10}
    city.save()
    p = ProposalFactory(city=city, author=citizen)
    a, b = _citizens(city, 2)
    services.proposal_support(city=city, proposal=p, user=a)
    with pytest.raises(ConflictError):
        services.proposal_support(city=city, proposal=p, user=a)
    assert p.response_due_at is None
    services.proposal_support(city=city, proposal=p, user=b)
    p.refresh_from_db()
    assert p.support_count == 2
    assert p.response_due_at is not None
    assert timedelta(days=9) < p.response_due_at - timezone.now() <= timedelta(days=10)
    assert Support.objects.filter(proposal=p).count() == 2


def test_cannot_support_own_or_closed_proposal(city, citizen):
    p = ProposalFactory(city=city, author=citizen)
    with raises(DomainError, field="proposal"):
        services.proposal_support(city=city, proposal=p, user=citizen)
    p.status = ProposalStatus.DECLINED
    p.save()
    with raises(DomainError, field="proposal"):
        services.proposal_support(city=city, proposal=p, user=_citizens(city, 1)[0])


def test_unsupport_decrements(city, citizen):
    p = ProposalFactory(city=city)
    services.proposal_support(city=city, proposal=p, user=citizen)
    services.proposal_unsupport(city=city, proposal=p, user=citizen)
    services.proposal_unsupport(city=city, proposal=p, user=citizen)
    p.refresh_from_db()
    assert p.support_count == 0


def test_respond_notifies_followers_and_emails(
    city, citizen, staff, django_capture_on_commit_callbacks
):
    citizen.email_mode = EmailMode.IMMEDIATE
    citizen.save()
    p = services.proposal_create(city=city, author=citizen, title="t", body="b")
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_respond(
            city=city, proposal=p, actor=staff, status="accepted", text="やります"
        )
    p.refresh_from_db()
    assert p.status == "accepted" and p.responded_at is not None
    notice = Notification.objects.get(user=citizen, kind="voice.proposal.status")
    assert str(p.pk) in notice.url
    assert len(mail.outbox) == 1


def test_decline_requires_reason_and_staff(city, citizen, staff):
    p = ProposalFactory(city=city)
    with pytest.raises(PermissionDeniedError):
        services.proposal_respond(city=city, proposal=p, actor=citizen, status="accepted", text="")
    with raises(DomainError, field="text") as exc:
        services.proposal_respond(city=city, proposal=p, actor=staff, status="declined", text=" ")
    assert exc.value.field == "text"
    p.refresh_from_db()
    assert p.status == "open"


def test_link_measure_once(city, staff):
    p = ProposalFactory(city=city)
    services.proposal_link_measure(
        city=city, proposal=p, actor=staff, measure_ref="M1", title="BRT延伸"
    )
    with pytest.raises(ConflictError):
        services.proposal_link_measure(
            city=city, proposal=p, actor=staff, measure_ref="M1", title="x"
        )
    with raises(DomainError, field="url"):
        services.proposal_link_measure(
            city=city,
            proposal=p,
            actor=staff,
            measure_ref="M2",
            title="x",
            url="javascript:alert(1)",
        )


def test_services_refuse_other_city_objects(city, other_city, staff):
    p = ProposalFactory(city=other_city)
    with pytest.raises(PermissionDeniedError):
        services.proposal_respond(city=city, proposal=p, actor=staff, status="accepted", text="")


def test_comment_thread_and_edit_history(city, citizen):
    p = ProposalFactory(city=city)
    root = services.comment_create(city=city, author=citizen, body="賛成です", proposal=p)
    reply = services.comment_create(city=city, author=citizen, body="私も", parent=root)
    assert reply.proposal == p
    services.comment_edit(city=city, comment=root, actor=citizen, body="大賛成です")
    root.refresh_from_db()
    assert root.body == "大賛成です" and root.edited_at is not None
    assert CommentRevision.objects.get(comment=root).body == "賛成です"
    other = _citizens(city, 1)[0]
    with pytest.raises(PermissionDeniedError):
        services.comment_edit(city=city, comment=root, actor=other, body="x")


def test_rate_limit_blocks_after_limit(city, citizen):
    city.rules = {"voice.posts_per_hour": 2}
    city.save()
    p = ProposalFactory(city=city)
    services.comment_create(city=city, author=citizen, body="1", proposal=p)
    services.comment_create(city=city, author=citizen, body="2", proposal=p)
    with pytest.raises(RateLimitedError) as exc:
        services.comment_create(city=city, author=citizen, body="3", proposal=p)
    assert exc.value.status == 429


def test_rate_limit_does_not_apply_to_staff(city, staff):
    city.rules = {"voice.posts_per_hour": 1}
    city.save()
    p = ProposalFactory(city=city)
    for i in range(3):
        services.comment_create(city=city, author=staff, body=str(i), proposal=p)


def test_flag_hide_appeal_uphold(city, citizen, moderator):
    p = ProposalFactory(city=city)
    comment = services.comment_create(city=city, author=citizen, body="ひどい言葉", proposal=p)
    reporter = _citizens(city, 1)[0]
    services.content_flag(
        city=city, reporter=reporter, target_type="comment", target_id=comment.pk, reason="暴言"
    )
    with pytest.raises(ConflictError):
        services.content_flag(
            city=city, reporter=reporter, target_type="comment", target_id=comment.pk, reason="x"
        )
    with pytest.raises(PermissionDeniedError):
        services.content_hide(
            city=city, actor=reporter, target_type="comment", target_id=comment.pk, reason="x"
        )
    with raises(DomainError, field="reason"):
        services.content_hide(
            city=city, actor=moderator, target_type="comment", target_id=comment.pk, reason=""
        )
    services.content_hide(
        city=city, actor=moderator, target_type="comment", target_id=comment.pk, reason="暴言のため"
    )
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_reason == "暴言のため"
    assert Flag.objects.get().resolution == "hidden"
    assert Notification.objects.filter(user=citizen, kind="voice.moderation.hidden").exists()
    with pytest.raises(PermissionDeniedError):
        services.appeal_create(
            city=city, author=reporter, target_type="comment", target_id=comment.pk, text="x"
        )
    appeal = services.appeal_create(
        city=city, author=citizen, target_type="comment", target_id=comment.pk, text="誤解です"
    )
    with pytest.raises(ConflictError):
        services.appeal_create(
            city=city, author=citizen, target_type="comment", target_id=comment.pk, text="again"
        )
    services.appeal_decide(city=city, actor=moderator, appeal=appeal, uphold=True)
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert Appeal.objects.get().status == "upheld"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "voice.moderation.hide",
        "voice.moderation.appeal",
        "voice.moderation.appeal_decide",
    } <= actions


def test_reject_appeal_needs_note(city, citizen, moderator):
    p = ProposalFactory(city=city, author=citizen)
    services.content_hide(
        city=city, actor=moderator, target_type="proposal", target_id=p.pk, reason="広告"
    )
    appeal = services.appeal_create(
        city=city, author=citizen, target_type="proposal", target_id=p.pk, text="広告ではない"
    )
    with raises(DomainError, field="note"):
        services.appeal_decide(city=city, actor=moderator, appeal=appeal, uphold=False, note="")
    services.appeal_decide(
        city=city, actor=moderator, appeal=appeal, uphold=False, note="規約違反です"
    )
    p.refresh_from_db()
    assert p.is_hidden


def test_flag_other_city_content_not_found(city, other_city, citizen):
    p = ProposalFactory(city=other_city)
    with pytest.raises(NotFoundError):
        services.content_flag(
            city=city, reporter=citizen, target_type="proposal", target_id=p.pk, reason="x"
        )


def test_workshop_registration_capacity_and_proxy_ideas(city, citizen, staff):
    w = WorkshopFactory(city=city, capacity=1)
    services.workshop_register(city=city, workshop=w, user=citizen)
    with pytest.raises(ConflictError):
        services.workshop_register(city=city, workshop=w, user=_citizens(city, 1)[0])
    with pytest.raises(PermissionDeniedError):
        services.idea_record(city=city, workshop=w, actor=citizen, text="x")
    idea = services.idea_record(
        city=city, workshop=w, actor=staff, text="バス停に屋根を", on_behalf_of=citizen, dot_votes=2
    )
    assert idea.is_proxy and idea.vote_count == 2
    assert AuditEvent.objects.filter(action="voice.idea.proxy", on_behalf_of=citizen).exists()
    services.idea_vote(city=city, idea=idea, user=citizen)
    with pytest.raises(ConflictError):
        services.idea_vote(city=city, idea=idea, user=citizen)
    assert services.idea_add_dots(city=city, idea=idea, actor=staff, dots=3).vote_count == 6


def test_workshop_closed_registration(city, citizen):
    w = WorkshopFactory(city=city, starts_at=timezone.now() - timedelta(hours=1))
    with raises(DomainError, field="workshop"):
        services.workshop_register(city=city, workshop=w, user=citizen)


def test_workshop_summary_groups_ideas(city, staff):
    w = WorkshopFactory(city=city)
    texts = [
        "バスの本数を増やしてほしい",
        "バス停に屋根がほしい",
        "駅までのバスがない",
        "公園に遊具がほしい",
        "子どもが遊べる公園を",
        "公園のトイレをきれいに",
    ]
    for t in texts:
        services.idea_record(city=city, workshop=w, actor=staff, text=t)
    services.workshop_summarize(city=city, workshop=w)
    groups = w.summary["groups"]
    assert sum(len(g["idea_ids"]) for g in groups) == len(texts)
    assert len(groups) >= 2
    themes = {g["theme_code"] for g in groups}
    assert "transport" in themes
    assert w.summary["extract"]


def test_statement_moderation_modes(city, citizen, moderator, staff):
    strict = services.conversation_create(
        city=city, actor=staff, title="t", question="q", moderation="strict", seed_statements=["a"]
    )
    s = services.statement_add(city=city, conversation=strict, user=citizen, text="新しい意見")
    assert s.status == StatementStatus.PENDING
    with pytest.raises(ConflictError):
        services.statement_add(city=city, conversation=strict, user=citizen, text="新しい意見")
    with pytest.raises(PermissionDeniedError):
        services.statement_moderate(city=city, statement=s, actor=citizen, accept=True)
    services.statement_moderate(city=city, statement=s, actor=moderator, accept=True)
    s.refresh_from_db()
    assert s.status == StatementStatus.ACCEPTED
    loose = services.conversation_create(
        city=city, actor=staff, title="t", question="q", moderation="permissive"
    )
    assert (
        services.statement_add(city=city, conversation=loose, user=citizen, text="x").status
        == "accepted"
    )
