"""What citizens' voice says of the city's measures, for evaluation's portfolio review.

Registered as an acceptance source in ``VoiceConfig.ready()`` (voice does not import vision or
evaluation: it gets the measures and reads only ``pk`` and ``theme.catalogue.code``). Two signals:

* **supports** — people supporting proposals that led to the measure ("you said, we did"
  links whose ``measure_ref`` is the measure's id): everyone who supports is for it, so the
  score is the Laplace-smoothed ``(s + 1) / (s + 2)`` with weight ``s``;
* **opinion-group consensus** — in conversations on the measure's catalogue theme, statements
  every opinion group agrees on against those every group rejects: ``(a + 1) / (a + d + 2)``,
  weighted by participation (a tenth of the people who took part, as a conversation is about
  the theme rather than the measure itself).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import Count

from kyoso.core.models import City
from kyoso.core.registry import AcceptanceSignal
from kyoso.voice.models import ConversationMap, MeasureLink


def _catalogue_code(measure: Any) -> str | None:
    catalogue = getattr(measure.theme, "catalogue", None)
    return catalogue.code if catalogue is not None else None


def measure_acceptance(city: City, measures: Sequence[Any]) -> dict[int, AcceptanceSignal]:
    if not measures:
        return {}
    refs = {str(m.pk): m.pk for m in measures}
    supports: dict[int, int] = defaultdict(int)
    for ref, n in (
        MeasureLink.objects.filter(city=city, measure_ref__in=refs)
        .values("measure_ref")
        .annotate(n=Count("proposal__supports", distinct=True))
        .values_list("measure_ref", "n")
    ):
        supports[refs[ref]] += n
    consensus: dict[str, tuple[int, int, int]] = {}  # theme code -> (agree, disagree, people)
    codes = {c for m in measures if (c := _catalogue_code(m))}
    for theme_code, summary, people in ConversationMap.objects.filter(
        city=city, conversation__theme__code__in=codes
    ).values_list("conversation__theme__code", "summary", "n_participants"):
        statements = (summary or {}).get("consensus", [])
        agree = sum(1 for c in statements if c.get("direction") == "agree")
        disagree = sum(1 for c in statements if c.get("direction") == "disagree")
        a, d, p = consensus.get(theme_code, (0, 0, 0))
        consensus[theme_code] = (a + agree, d + disagree, p + people)
    out = {}
    for m in measures:
        parts: list[tuple[float, float]] = []
        s = supports.get(m.pk, 0)
        if s:
            parts.append(((s + 1) / (s + 2), float(s)))
        a, d, people = consensus.get(_catalogue_code(m) or "", (0, 0, 0))
        if a + d and people:
            parts.append(((a + 1) / (a + d + 2), people / 10))
        weight = sum(w for _s, w in parts)
        if weight:
            out[m.pk] = AcceptanceSignal(
                score=sum(score * w for score, w in parts) / weight,
                weight=weight,
                detail=f"supports {s}, consensus +{a}/-{d} of {people} people",
            )
    return out
