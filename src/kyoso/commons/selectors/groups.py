"""Reads of activity groups: search by theme, district and skill."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from kyoso.commons.models import Group
from kyoso.core.models import City


def groups_search(
    city: City, *, theme: str = "", district: str = "", skill: str = "", q: str = ""
) -> QuerySet[Group]:
    """Return the city's groups matching the filters, with member counts."""
    groups = Group.objects.filter(city=city)
    if theme:
        groups = groups.filter(theme=theme)
    if district:
        groups = groups.filter(district__code=district)
    if skill:
        groups = groups.filter(roles__skill__icontains=skill.strip().lower())
    if q:
        groups = groups.filter(Q(name__icontains=q) | Q(purpose__icontains=q))
    return (
        groups.select_related("district")
        .annotate(member_count=Count("members", distinct=True))
        .order_by("-created_at", "-id")
        .distinct()
    )


def group_get(*, city: City, pk: int) -> Group | None:
    return Group.objects.filter(city=city, pk=pk).select_related("district").first()
