"""What citizens' ballots say of the city's measures, for evaluation's portfolio review.

Registered as an acceptance source in ``CommonsConfig.ready()`` (commons does not import vision
or evaluation: it reads only a measure's ``pk`` and ``theme.catalogue.code``). In participatory
budgets, projects carry a catalogue theme: of the ballots cast in rounds that offered a project
of the measure's theme, the share that backed at least one such project is the score, and a
quarter of those ballots the weight (a ballot backs the theme, not the measure itself).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from kyoso.commons.models import PbBallot, PbProject
from kyoso.core.models import City
from kyoso.core.registry import AcceptanceSignal


def measure_acceptance(city: City, measures: Sequence[Any]) -> dict[int, AcceptanceSignal]:
    codes: dict[int, str] = {}
    for m in measures:
        catalogue = getattr(m.theme, "catalogue", None)
        if catalogue is not None:
            codes[m.pk] = catalogue.code
    if not codes:
        return {}
    # project codes of each theme, per round
    themed: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for round_id, code, theme in PbProject.objects.filter(
        city=city, theme__in=set(codes.values())
    ).values_list("round_id", "code", "theme"):
        themed[theme][round_id].add(code)
    rounds = {r for by_round in themed.values() for r in by_round}
    ballots: dict[int, list[set[str]]] = defaultdict(list)
    for round_id, choices in PbBallot.objects.filter(city=city, round_id__in=rounds).values_list(
        "round_id", "choices"
    ):
        ballots[round_id].append({k for k, v in (choices or {}).items() if v})
    out = {}
    for measure_id, theme in codes.items():
        cast = backed = 0
        for round_id, projects in themed.get(theme, {}).items():
            for chosen in ballots.get(round_id, []):
                cast += 1
                backed += bool(chosen & projects)
        if cast:
            out[measure_id] = AcceptanceSignal(
                score=backed / cast,
                weight=cast / 4,
                detail=f"participatory budget: {backed} of {cast} ballots backed the theme",
            )
    return out
