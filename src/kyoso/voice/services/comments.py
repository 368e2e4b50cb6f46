"""Writes for comments (threaded, with edit history) and moderation (flags, hiding, appeals)."""

from __future__ import annotations

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import has_role, require_participant
from kyoso.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from kyoso.core.models import City, Role, User
from kyoso.core.services import audit_record, notification_send
from kyoso.voice.models import (
    Appeal,
    AppealStatus,
    Comment,
    CommentRevision,
    Conversation,
    Flag,
    Proposal,
    Report,
    Statement,
    StatementStatus,
    TargetType,
)
from kyoso.voice.services.common import check_text, public_name, rate_limit_check

MODERATORS = (Role.MODERATOR, Role.STAFF)


@transaction.atomic
def comment_create(
    *,
    city: City,
    author: User,
    body: str,
    proposal: Proposal | None = None,
    conversation: Conversation | None = None,
    parent: Comment | None = None,
    pseudonym: str = "",
) -> Comment:
    """Return a new comment on a proposal or a conversation, or a reply to ``parent``."""
    if parent is not None:
        if parent.city_id != city.pk:
            raise NotFoundError(_("No such comment."), field="parent")
        proposal, conversation = parent.proposal, parent.conversation
    if (proposal is None) == (conversation is None):
        raise DomainError(_("Comment on one proposal or one conversation."), field="proposal")
    target = proposal or conversation
    if target is None or target.city_id != city.pk:
        raise NotFoundError(_("Not found."), field="proposal")
    if proposal is not None and proposal.is_hidden:
        raise DomainError(_("This proposal is hidden."), field="proposal")
    require_participant(author, city)
    rate_limit_check(city=city, user=author)
    body = check_text(body, field="body", max_length=2000)
    return Comment.objects.create(
        city=city,
        proposal=proposal,
        conversation=conversation,
        parent=parent,
        author=author,
        public_name=public_name(author, pseudonym),
        body=body,
    )


@transaction.atomic
def comment_edit(*, city: City, comment: Comment, actor: User, body: str) -> Comment:
    """Return the comment with its new text; the old text is kept as a revision."""
    if comment.city_id != city.pk:
        raise NotFoundError(_("No such comment."))
    if comment.author_id != actor.pk:
        raise PermissionDeniedError(_("Only the author can edit this comment."))
    if comment.is_hidden:
        raise DomainError(_("A hidden comment cannot be edited."), field="body")
    body = check_text(body, field="body", max_length=2000)
    if body == comment.body:
        return comment
    CommentRevision.objects.create(city=city, comment=comment, body=comment.body)
    comment.body = body
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    return comment


def _target(city: City, target_type: str, target_id: int) -> models.Model:
    targets: dict[str, type[models.Model]] = {
        TargetType.PROPOSAL: Proposal,
        TargetType.COMMENT: Comment,
        TargetType.STATEMENT: Statement,
        TargetType.REPORT: Report,
    }
    model = targets.get(target_type)
    if model is None:
        raise DomainError(_("Unknown kind of content."), field="target_type")
    obj = model._default_manager.filter(city=city, pk=target_id).first()
    if obj is None:
        raise NotFoundError(_("Not found."), field="target_id")
    return obj


def target_author_id(obj: models.Model) -> int | None:
    """Return the id of the person who wrote the content, if known."""
    if isinstance(obj, Statement):
        return obj.author.user_id if obj.author is not None else None
    if isinstance(obj, Report):
        return obj.reporter_id
    return getattr(obj, "author_id", None)


def _is_hidden(obj: models.Model) -> bool:
    if isinstance(obj, Statement):
        return obj.status == StatementStatus.REJECTED
    return bool(getattr(obj, "is_hidden", False))


def _set_hidden(obj: models.Model, hidden: bool, reason: str) -> None:
    if isinstance(obj, Statement):
        obj.status = StatementStatus.REJECTED if hidden else StatementStatus.ACCEPTED
        obj.save(update_fields=["status"])
        return
    obj.is_hidden = hidden  # type: ignore[attr-defined]
    obj.hidden_reason = reason if hidden else ""  # type: ignore[attr-defined]
    obj.save(update_fields=["is_hidden", "hidden_reason"])


@transaction.atomic
def content_flag(
    *, city: City, reporter: User, target_type: str, target_id: int, reason: str
) -> Flag:
    """Return the person's flag on the content (once per person and content)."""
    _target(city, target_type, target_id)
    rate_limit_check(city=city, user=reporter, kind="flag")
    reason = check_text(reason, field="reason", max_length=300)
    try:
        with transaction.atomic():
            return Flag.objects.create(
                city=city,
                target_type=target_type,
                target_id=target_id,
                reporter=reporter,
                reason=reason,
            )
    except IntegrityError as exc:
        raise ConflictError(_("You have already flagged this."), field="target_id") from exc


@transaction.atomic
def content_hide(
    *, city: City, actor: User, target_type: str, target_id: int, reason: str
) -> models.Model:
    """Return the content after hiding it with a reason; its author is told and may appeal."""
    if not has_role(actor, city, *MODERATORS):
        raise PermissionDeniedError(_("Only moderators can hide content."))
    obj = _target(city, target_type, target_id)
    reason = check_text(reason, field="reason", max_length=300)
    _set_hidden(obj, True, reason)
    Flag.objects.filter(
        city=city, target_type=target_type, target_id=target_id, resolved_at__isnull=True
    ).update(resolved_at=timezone.now(), resolution="hidden")
    audit_record(
        city=city, actor=actor, action="voice.moderation.hide", obj=obj, details={"reason": reason}
    )
    author_id = target_author_id(obj)
    if author_id is not None:
        notification_send(
            city=city,
            user=User.objects.get(pk=author_id),
            kind="voice.moderation.hidden",
            title=_("A post of yours was hidden"),
            body=_("Reason: %(reason)s. You can ask for it to be shown again on “My page”.")
            % {"reason": reason},
        )
    return obj


@transaction.atomic
def content_restore(
    *, city: City, actor: User, target_type: str, target_id: int, note: str = ""
) -> models.Model:
    """Return the content after showing it again."""
    if not has_role(actor, city, *MODERATORS):
        raise PermissionDeniedError(_("Only moderators can show content again."))
    obj = _target(city, target_type, target_id)
    _set_hidden(obj, False, "")
    audit_record(
        city=city, actor=actor, action="voice.moderation.restore", obj=obj, details={"note": note}
    )
    return obj


@transaction.atomic
def flag_dismiss(*, city: City, actor: User, flag: Flag) -> Flag:
    """Return the flag marked as looked at, leaving the content as it is."""
    if not has_role(actor, city, *MODERATORS) or flag.city_id != city.pk:
        raise PermissionDeniedError(_("Only moderators can handle flags."))
    flag.resolved_at = timezone.now()
    flag.resolution = "kept"
    flag.save(update_fields=["resolved_at", "resolution"])
    audit_record(city=city, actor=actor, action="voice.moderation.dismiss_flag", obj=flag)
    return flag


@transaction.atomic
def appeal_create(
    *, city: City, author: User, target_type: str, target_id: int, text: str
) -> Appeal:
    """Return the author's appeal against hiding their content."""
    obj = _target(city, target_type, target_id)
    if target_author_id(obj) != author.pk:
        raise PermissionDeniedError(_("Only the author can appeal."))
    if not _is_hidden(obj):
        raise DomainError(_("This post is not hidden."), field="target_id")
    text = check_text(text, field="text", max_length=2000)
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                city=city, target_type=target_type, target_id=target_id, author=author, text=text
            )
    except IntegrityError as exc:
        raise ConflictError(
            _("An appeal is already waiting for a decision."), field="text"
        ) from exc
    audit_record(city=city, actor=author, action="voice.moderation.appeal", obj=obj)
    return appeal


@transaction.atomic
def appeal_decide(
    *, city: City, actor: User, appeal: Appeal, uphold: bool, note: str = ""
) -> Appeal:
    """Return the decided appeal; upholding it shows the content again."""
    if not has_role(actor, city, *MODERATORS) or appeal.city_id != city.pk:
        raise PermissionDeniedError(_("Only moderators can decide appeals."))
    if appeal.status != AppealStatus.PENDING:
        raise ConflictError(_("This appeal was already decided."))
    if not uphold:
        note = check_text(note, field="note", max_length=300)
    if uphold:
        content_restore(
            city=city, actor=actor, target_type=appeal.target_type, target_id=appeal.target_id
        )
    appeal.status = AppealStatus.UPHELD if uphold else AppealStatus.REJECTED
    appeal.decided_by = actor
    appeal.decided_at = timezone.now()
    appeal.decision_note = note[:300]
    appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        city=city,
        actor=actor,
        action="voice.moderation.appeal_decide",
        obj=appeal,
        details={"upheld": uphold},
    )
    if appeal.author is not None:
        notification_send(
            city=city,
            user=appeal.author,
            kind="voice.moderation.appeal",
            title=_("Your post is shown again") if uphold else _("Your post stays hidden"),
            body=note,
        )
    return appeal
