"""Citizen acceptance of measures, from whatever modules can tell it (providers).

A source is registered with :func:`register_acceptance_source` (voice and commons do so in
their ``AppConfig.ready()`` once they hold supports, stances, opinion groups or surveys). It
gets the city and a list of measures and returns, per measure id, an :class:`AcceptanceSignal`:
a score from 0 (rejected) to 1 (fully accepted) and a weight (how many people stand behind
it). The per-measure acceptance is the weighted mean of all signals.

The default source reads the vision app: citizens' 共感 with the measure's theme, the stance
of comments on the measure and its theme, and citizens' perspective ratings of the measure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from kyoso.core.models import City, Role
from kyoso.core.registry import (
    ACCEPTANCE_SOURCES,
    AcceptanceSignal,
    AcceptanceSource,
    Ref,
    SourceFn,
)
from kyoso.vision.models import Endorsement, Measure, PerspectiveRating, Stance, VisionComment


@dataclass(frozen=True)
class Acceptance:
    score: float | None
    weight: float
    signals: dict[str, AcceptanceSignal]


def register_acceptance_source(key: str, label: Any, fn: SourceFn | Ref) -> None:
    """Add (or replace) a source of acceptance signals under ``key`` (a callable or dotted path)."""
    ACCEPTANCE_SOURCES.register(key, AcceptanceSource(key=key, label=label, ref=fn))


def unregister_acceptance_source(key: str) -> None:
    ACCEPTANCE_SOURCES.unregister(key)


def acceptance_sources() -> list[AcceptanceSource]:
    return ACCEPTANCE_SOURCES.entries()


def acceptance_of(city: City, measures: Sequence[Measure]) -> dict[int, Acceptance]:
    """Return the combined acceptance of each measure (score None when nobody has spoken)."""
    collected: dict[int, dict[str, AcceptanceSignal]] = defaultdict(dict)
    for source in acceptance_sources():
        for measure_id, signal in source.fn(city, measures).items():
            if signal.weight > 0:
                collected[measure_id][source.key] = signal
    out = {}
    for m in measures:
        signals = collected.get(m.pk, {})
        weight = sum(s.weight for s in signals.values())
        score = sum(s.score * s.weight for s in signals.values()) / weight if weight else None
        out[m.pk] = Acceptance(score=score, weight=weight, signals=signals)
    return out


def _root_theme_ids(measures: Sequence[Measure]) -> dict[int, int]:
    roots = {}
    for m in measures:
        theme = m.theme
        roots[m.pk] = theme.parent_id or theme.pk
    return roots


def vision_acceptance(city: City, measures: Sequence[Measure]) -> dict[int, AcceptanceSignal]:
    """Acceptance from the vision app: 共感, comment stances and citizens' ratings."""
    if not measures:
        return {}
    ids = [m.pk for m in measures]
    roots = _root_theme_ids(measures)
    theme_ids = {m.theme_id for m in measures} | set(roots.values())
    endorse = dict(
        Endorsement.objects.filter(city=city, theme_id__in=theme_ids)
        .values("theme")
        .annotate(n=Count("id"))
        .values_list("theme", "n")
    )
    vision_n = Endorsement.objects.filter(city=city, theme__isnull=True).count()
    stance_by_measure: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    stance_by_theme: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        VisionComment.objects.filter(city=city, hidden=False)
        .filter(measure_id__in=ids)
        .values("measure", "stance")
        .annotate(n=Count("id"))
    ):
        stance_by_measure[row["measure"]][row["stance"]] += row["n"]
    for row in (
        VisionComment.objects.filter(
            city=city, hidden=False, measure__isnull=True, theme_id__in=theme_ids
        )
        .values("theme", "stance")
        .annotate(n=Count("id"))
    ):
        stance_by_theme[row["theme"]][row["stance"]] += row["n"]
    ratings: dict[int, list[int]] = defaultdict(list)
    for measure_id, score in PerspectiveRating.objects.filter(
        city=city, measure_id__in=ids, role=Role.CITIZEN
    ).values_list("measure", "score"):
        ratings[measure_id].append(score)
    out = {}
    for m in measures:
        parts: list[tuple[float, float]] = []
        support = (
            stance_by_measure[m.pk][Stance.SUPPORT] + stance_by_theme[m.theme_id][Stance.SUPPORT]
        )
        concern = (
            stance_by_measure[m.pk][Stance.CONCERN] + stance_by_theme[m.theme_id][Stance.CONCERN]
        )
        if support + concern:
            # Laplace-smoothed share of supportive comments.
            parts.append(((support + 1) / (support + concern + 2), support + concern))
        scores = ratings.get(m.pk, [])
        if scores:
            parts.append(((sum(scores) / len(scores) - 1) / 4, len(scores)))
        shared = endorse.get(m.theme_id, 0) or endorse.get(roots[m.pk], 0)
        if shared and vision_n:
            # Of the people who share the vision, how many also share this measure's theme.
            parts.append((min(shared / vision_n, 1.0), min(shared, vision_n) / 4))
        weight = sum(w for _s, w in parts)
        if weight:
            out[m.pk] = AcceptanceSignal(
                score=sum(s * w for s, w in parts) / weight,
                weight=weight,
                detail=f"comments +{support}/-{concern}, ratings {len(scores)}, 共感 {shared}",
            )
    return out
