"""Writes for workshops: events, registration, ideas on sticky notes, votes, the summary."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import require_role
from kyoso.core.errors import ConflictError, DomainError, NotFoundError
from kyoso.core.models import City, District, Role, User
from kyoso.core.services import audit_record
from kyoso.voice.algorithms import text_analysis
from kyoso.voice.models import Idea, IdeaVote, Registration, Workshop
from kyoso.voice.services.common import check_district, check_text
from kyoso.voice.themes import THEMES, voice_theme_resolve


@transaction.atomic
def workshop_create(
    *,
    city: City,
    actor: User,
    title: str,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int = 30,
    description: str = "",
    accessibility_notes: str = "",
    district: District | None = None,
    theme_code: str = "",
) -> Workshop:
    """Return a new workshop, open for registration."""
    require_role(actor, city, Role.STAFF)
    if ends_at <= starts_at:
        raise DomainError(_("The end must be after the start."), field="ends_at")
    if capacity < 1 or capacity > 10000:
        raise DomainError(_("Give a capacity between 1 and 10,000."), field="capacity")
    theme = voice_theme_resolve(city, theme_code)
    check_district(city, district)
    workshop = Workshop.objects.create(
        city=city,
        title=check_text(title, field="title", max_length=120),
        place=check_text(place, field="place", max_length=120),
        description=check_text(description, field="description", max_length=5000, required=False),
        accessibility_notes=check_text(
            accessibility_notes, field="accessibility_notes", max_length=2000, required=False
        ),
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        district=district,
        theme=theme,
        created_by=actor,
    )
    audit_record(city=city, actor=actor, action="voice.workshop.create", obj=workshop)
    return workshop


@transaction.atomic
def workshop_register(
    *, city: City, workshop: Workshop, user: User, needs: str = "", entered_by: User | None = None
) -> Registration:
    """Return the person's registration; staff may register someone who phoned in."""
    _check(city, workshop)
    if entered_by is not None:
        require_role(entered_by, city, Role.STAFF)
    locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if not locked.registration_open or locked.starts_at <= timezone.now():
        raise DomainError(_("Registration for this workshop is closed."), field="workshop")
    if Registration.objects.filter(workshop=locked).count() >= locked.capacity:
        raise ConflictError(_("This workshop is full."), field="workshop")
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                city=city,
                workshop=locked,
                user=user,
                needs=check_text(needs, field="needs", max_length=200, required=False),
                entered_by=entered_by,
            )
    except IntegrityError as exc:
        raise ConflictError(_("You are already registered."), field="workshop") from exc
    if entered_by is not None:
        audit_record(
            city=city,
            actor=entered_by,
            on_behalf_of=user,
            action="voice.workshop.register",
            obj=workshop,
        )
    return registration


def workshop_unregister(*, city: City, workshop: Workshop, user: User) -> int:
    """Return how many registrations were cancelled (0 or 1)."""
    _check(city, workshop)
    deleted, _n = Registration.objects.filter(city=city, workshop=workshop, user=user).delete()
    return deleted


@transaction.atomic
def idea_record(
    *,
    city: City,
    workshop: Workshop,
    actor: User,
    text: str,
    on_behalf_of: User | None = None,
    is_proxy: bool = False,
    dot_votes: int = 0,
) -> Idea:
    """Return a sticky note recorded by the facilitator (a proxy entry when from paper or phone)."""
    _check(city, workshop)
    require_role(actor, city, Role.STAFF)
    if dot_votes < 0:
        raise DomainError(_("Votes cannot be negative."), field="dot_votes")
    idea = Idea.objects.create(
        city=city,
        workshop=workshop,
        text=check_text(text, field="text", max_length=300),
        recorded_by=actor,
        is_proxy=is_proxy or on_behalf_of is not None,
        on_behalf_of=on_behalf_of,
        dot_votes=dot_votes,
        vote_count=dot_votes,
    )
    if idea.is_proxy:
        audit_record(
            city=city,
            actor=actor,
            on_behalf_of=on_behalf_of,
            action="voice.idea.proxy",
            obj=idea,
        )
    return idea


@transaction.atomic
def idea_add_dots(*, city: City, idea: Idea, actor: User, dots: int) -> Idea:
    """Return the idea after adding dot stickers counted on the wall."""
    if idea.city_id != city.pk:
        raise NotFoundError(_("No such idea."))
    require_role(actor, city, Role.STAFF)
    if not 0 < dots <= 1000:
        raise DomainError(_("Give a number between 1 and 1,000."), field="dots")
    Idea.objects.filter(pk=idea.pk).update(
        dot_votes=F("dot_votes") + dots, vote_count=F("vote_count") + dots
    )
    idea.refresh_from_db()
    return idea


@transaction.atomic
def idea_vote(*, city: City, idea: Idea, user: User) -> Idea:
    """Return the idea after the person's one vote."""
    if idea.city_id != city.pk:
        raise NotFoundError(_("No such idea."))
    try:
        with transaction.atomic():
            IdeaVote.objects.create(city=city, idea=idea, user=user)
    except IntegrityError as exc:
        raise ConflictError(_("You already voted for this idea."), field="idea") from exc
    Idea.objects.filter(pk=idea.pk).update(vote_count=F("vote_count") + 1)
    idea.refresh_from_db()
    return idea


@transaction.atomic
def workshop_summarize(*, city: City, workshop: Workshop) -> Workshop:
    """Return the workshop with its summary: ideas grouped into themes with representative ideas."""
    _check(city, workshop)
    ideas = list(Idea.objects.filter(workshop=workshop).order_by("id"))
    texts = [i.text for i in ideas]
    theme_words = {t.code: f"{t.name_ja} {t.name_en} {t.keywords}" for t in THEMES}
    groups: list[dict[str, Any]] = []
    for topic in text_analysis.topics(texts):
        members = [ideas[i] for i in topic.members]
        members.sort(key=lambda i: (-i.vote_count, i.pk))
        joined = " ".join(ideas[i].text for i in topic.members)
        groups.append(
            {
                "keywords": topic.keywords,
                "theme_code": text_analysis.suggest_label(joined, theme_words) or "",
                "idea_ids": [i.pk for i in members],
                "representative_ids": [ideas[i].pk for i in topic.representative],
                "votes": sum(i.vote_count for i in members),
            }
        )
    groups.sort(key=lambda g: (-g["votes"], -len(g["idea_ids"])))
    summary_text = ""
    if settings.KYOSO_LLM_BASE_URL and texts:
        try:
            summary_text = text_analysis.llm_summary(
                texts,
                base_url=settings.KYOSO_LLM_BASE_URL,
                api_key=settings.KYOSO_LLM_API_KEY,
                model=settings.KYOSO_LLM_MODEL,
            )
        except Exception:
            summary_text = ""
    workshop.summary = {
        "groups": groups,
        "summary": summary_text,
        "extract": text_analysis.extractive_summary(texts, n_sentences=3),
        "n_ideas": len(ideas),
        "n_proxy": sum(1 for i in ideas if i.is_proxy),
    }
    workshop.summary_computed_at = timezone.now()
    workshop.save(update_fields=["summary", "summary_computed_at"])
    return workshop


def _check(city: City, workshop: Workshop) -> None:
    if workshop.city_id != city.pk:
        raise NotFoundError(_("No such workshop."))
