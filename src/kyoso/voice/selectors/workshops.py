"""Reads for workshops and their summaries."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from kyoso.core.errors import NotFoundError
from kyoso.core.models import City, User
from kyoso.voice.models import Idea, Registration, Workshop
from kyoso.voice.themes import theme_by_code


def workshops_list(city: City) -> QuerySet[Workshop]:
    return (
        Workshop.objects.filter(city=city)
        .select_related("district")
        .annotate(n_registered=Count("registrations"))
        .order_by("-starts_at")
    )


def workshop_get(city: City, pk: int) -> Workshop:
    workshop = (
        Workshop.objects.filter(city=city, pk=pk)
        .select_related("district")
        .annotate(n_registered=Count("registrations"))
        .first()
    )
    if workshop is None:
        raise NotFoundError("Not found.")
    return workshop


def ideas_of(workshop: Workshop) -> QuerySet[Idea]:
    return Idea.objects.filter(workshop=workshop).order_by("-vote_count", "id")


def is_registered(workshop: Workshop, user: User | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Registration.objects.filter(workshop=workshop, user=user).exists()


def registrations_of(workshop: Workshop) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(workshop=workshop).select_related("user").order_by("created_at")
    )


def summary_view(workshop: Workshop) -> list[dict[str, Any]]:
    """Return the summary's groups with their ideas and theme filled in, for the page and CSV."""
    ideas = {i.pk: i for i in Idea.objects.filter(workshop=workshop)}
    groups = []
    for n, g in enumerate(workshop.summary.get("groups", []), start=1):
        theme = theme_by_code(g.get("theme_code", ""))
        groups.append(
            {
                "number": n,
                "keywords": g.get("keywords", []),
                "theme": theme,
                "votes": g.get("votes", 0),
                "ideas": [ideas[i] for i in g.get("idea_ids", []) if i in ideas],
                "representative": [ideas[i] for i in g.get("representative_ids", []) if i in ideas],
            }
        )
    return groups
