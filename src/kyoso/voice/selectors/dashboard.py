"""Reads for the staff listening dashboard: volumes, rising topics, overdue answers, groups."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from kyoso.core.models import City
from kyoso.voice.models import Comment, Conversation, Proposal, Report
from kyoso.voice.selectors.conversations import groups_of
from kyoso.voice.selectors.proposals import proposals_overdue
from kyoso.voice.themes import THEMES

if TYPE_CHECKING:
    pass

AGE_BANDS = ["<20", "20s", "30s", "40s", "50s", "60s", "70s", "80+", "unknown"]


@dataclass
class Dashboard:
    months: list[str]
    by_theme: dict[str, list[int]]
    by_district: list[tuple[str, int, int]]
    by_age: list[tuple[str, int]]
    by_age_month: dict[str, list[int]]
    rising: list[tuple[str, int, int]]
    overdue: list[Proposal]
    conversations: list[tuple[Conversation, list[dict[str, Any]]]]
    totals: dict[str, int] = field(default_factory=dict)


def _age_band(birth_year: int | None, year: int) -> str:
    if not birth_year:
        return "unknown"
    age = year - birth_year
    if age >= 80:
        return "80+"
    if age < 20:
        return "<20"
    return f"{age // 10 * 10}s"


def listening_dashboard(city: City, *, months: int = 12) -> Dashboard:
    """Return the dashboard of the last ``months`` months (a handful of queries, any volume)."""
    from kyoso.voice.algorithms import text_analysis

    now = timezone.localtime()
    start = (now.replace(day=1) - timedelta(days=31 * (months - 1))).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    labels = []
    cursor = start
    while cursor <= now:
        labels.append(cursor.strftime("%Y-%m"))
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    proposals = list(
        Proposal.objects.filter(city=city, created_at__gte=start).values_list(
            "created_at", "theme__code", "district__name_ja", "author__birth_year", "title", "body"
        )
    )
    reports = list(
        Report.objects.filter(city=city, requested_at__gte=start).values_list(
            "requested_at", "district__name_ja", "description"
        )
    )
    comments = list(
        Comment.objects.filter(city=city, created_at__gte=start).values_list("created_at", "body")
    )
    by_theme: dict[str, list[int]] = {t.code: [0] * len(labels) for t in THEMES}
    by_theme[""] = [0] * len(labels)
    district_p: Counter[str] = Counter()
    district_r: Counter[str] = Counter()
    ages: Counter[str] = Counter()
    age_months: dict[str, list[int]] = {band: [0] * len(labels) for band in AGE_BANDS}
    for created, theme, district, birth, _t, _b in proposals:
        month = timezone.localtime(created).strftime("%Y-%m")
        if month in labels:
            by_theme.setdefault(theme, [0] * len(labels))[labels.index(month)] += 1
        district_p[district or "-"] += 1
        band = _age_band(birth, now.year)
        ages[band] += 1
        if month in labels:
            age_months[band][labels.index(month)] += 1
    for _at, district, _d in reports:
        district_r[district or "-"] += 1
    recent_cut = now - timedelta(days=30)
    recent = [f"{t} {b}" for c, *_x, t, b in proposals if c >= recent_cut]
    recent += [d for at, _di, d in reports if at >= recent_cut] + [
        b for c, b in comments if c >= recent_cut
    ]
    earlier = [f"{t} {b}" for c, *_x, t, b in proposals if c < recent_cut]
    earlier += [d for at, _di, d in reports if at < recent_cut] + [
        b for c, b in comments if c < recent_cut
    ]
    names = sorted(set(district_p) | set(district_r))
    conversations = [
        (c, groups_of(c))
        for c in Conversation.objects.filter(city=city).order_by("-created_at")[:10]
    ]
    return Dashboard(
        months=labels,
        by_theme={k: v for k, v in by_theme.items() if any(v)},
        by_district=sorted(
            ((n, district_p[n], district_r[n]) for n in names), key=lambda r: -(r[1] + r[2])
        ),
        by_age=[(band, ages[band]) for band in AGE_BANDS if ages[band]],
        by_age_month={band: counts for band, counts in age_months.items() if any(counts)},
        rising=text_analysis.rising_terms(recent[:3000], earlier[:6000]),
        overdue=list(proposals_overdue(city)[:50]),
        conversations=conversations,
        totals={"proposals": len(proposals), "reports": len(reports), "comments": len(comments)},
    )
