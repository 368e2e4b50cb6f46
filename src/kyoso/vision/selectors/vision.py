"""Reads of the vision app: the vision tree, KPIs with actuals, measures, roadmap and gaps."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from kyoso.core.errors import NotFoundError
from kyoso.core.models import City, Role, User
from kyoso.vision.models import (
    Axis,
    Endorsement,
    Kpi,
    KpiActual,
    Measure,
    MeasureCost,
    MeasureKpiLink,
    MeasureStatus,
    PerspectiveRating,
    Theme,
    Vision,
    VisionComment,
)
from kyoso.vision.roadmap.backcast import Coverage, coverage, needed_trajectory

ACTIVE_STATUSES = (
    MeasureStatus.PLANNED,
    MeasureStatus.PILOT,
    MeasureStatus.RUNNING,
    MeasureStatus.SCALED,
)


def vision_of(city: City) -> Vision | None:
    return Vision.objects.filter(city=city).first()


def themes_of(city: City) -> QuerySet[Theme]:
    return Theme.objects.filter(city=city).select_related("parent")


def top_themes(city: City) -> QuerySet[Theme]:
    """Return the top-level themes with their sub-themes prefetched."""
    return (
        Theme.objects.filter(city=city, parent__isnull=True)
        .prefetch_related(
            Prefetch("children", queryset=Theme.objects.order_by("sort_order", "code"))
        )
        .order_by("sort_order", "code")
    )


def theme_get(city: City, code: str) -> Theme:
    if "\x00" in code:
        raise NotFoundError("Theme not found.", field="theme")
    theme = Theme.objects.filter(city=city, code=code).select_related("parent").first()
    if theme is None:
        raise NotFoundError("Theme not found.", field="theme")
    return theme


def theme_family(theme: Theme) -> list[Theme]:
    """Return the theme and all its descendants."""
    family = [theme]
    frontier = [theme.pk]
    while frontier:
        children = list(Theme.objects.filter(city_id=theme.city_id, parent_id__in=frontier))
        family.extend(children)
        frontier = [c.pk for c in children]
    return family


def kpis_of(city: City, *, themes: Iterable[Theme] | None = None) -> QuerySet[Kpi]:
    """Return KPIs with their theme and yearly actuals prefetched (as ``yearly``)."""
    qs = Kpi.objects.filter(city=city).select_related("theme", "owner")
    if themes is not None:
        qs = qs.filter(theme__in=list(themes))
    return qs.prefetch_related(
        Prefetch(
            "actuals",
            queryset=KpiActual.objects.filter(month=0).order_by("year"),
            to_attr="yearly",
        )
    )


def kpi_get(city: City, code: str) -> Kpi:
    if "\x00" in code:
        raise NotFoundError("KPI not found.", field="kpi")
    kpi = kpis_of(city).filter(code=code).first()
    if kpi is None:
        raise NotFoundError("KPI not found.", field="kpi")
    return kpi


def kpi_yearly_series(kpi: Kpi) -> list[tuple[int, float]]:
    """Return the KPI's yearly actuals as (year, value); uses the prefetched ``yearly`` if any."""
    rows = getattr(kpi, "yearly", None)
    if rows is None:
        rows = list(KpiActual.objects.filter(kpi=kpi, month=0).order_by("year"))
    return [(a.year, float(a.value)) for a in rows]


def kpi_actuals(kpi: Kpi) -> QuerySet[KpiActual]:
    return KpiActual.objects.filter(city_id=kpi.city_id, kpi=kpi).select_related("entered_by")


def kpi_actuals_for_export(city: City) -> QuerySet[KpiActual]:
    return (
        KpiActual.objects.filter(city=city)
        .select_related("kpi", "entered_by")
        .order_by("kpi__code", "year", "month")
    )


def plain_number(value: Decimal) -> str:
    """Return a Decimal as plain text without exponent or trailing zeros (1690, 12.5)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def kpi_trajectory(kpi: Kpi) -> list[tuple[int, float]]:
    return needed_trajectory(
        baseline_year=kpi.baseline_year,
        baseline_value=float(kpi.baseline_value),
        target_year=kpi.target_year,
        target_value=float(kpi.target_value),
        milestones=[(int(m["year"]), float(m["value"])) for m in kpi.milestones],
    )


def measures_of(
    city: City, *, themes: Iterable[Theme] | None = None, status: str = ""
) -> QuerySet[Measure]:
    qs = (
        Measure.objects.filter(city=city)
        .select_related("theme", "owner")
        .prefetch_related(
            Prefetch("kpi_links", queryset=MeasureKpiLink.objects.select_related("kpi")),
            Prefetch("costs", queryset=MeasureCost.objects.order_by("year")),
        )
    )
    if themes is not None:
        qs = qs.filter(theme__in=list(themes))
    if status:
        qs = qs.filter(status=status)
    return qs


def measure_get(city: City, pk: int) -> Measure:
    measure = measures_of(city).prefetch_related("milestones").filter(pk=pk).first()
    if measure is None:
        raise NotFoundError("Measure not found.", field="measure")
    return measure


def measure_total_cost(measure: Measure) -> tuple[int, int]:
    """Return (total budget, total actual spending) in yen over all years."""
    costs = list(measure.costs.all())
    budget = sum(int(c.budget_yen) for c in costs)
    actual = sum(int(c.actual_yen) for c in costs if c.actual_yen is not None)
    return budget, actual


# --- roadmap and gaps ----------------------------------------------------------------------


@dataclass
class KpiGap:
    kpi: Kpi
    coverage: Coverage
    links: list[MeasureKpiLink]

    @property
    def no_measure(self) -> bool:
        return not self.links

    @property
    def share_percent(self) -> int | None:
        share = self.coverage.share
        return None if share is None else round(share * 100)

    @property
    def short(self) -> bool:
        share = self.coverage.share
        return bool(self.links) and share is not None and share < 0.999


@dataclass
class RoadmapBar:
    measure: Measure
    start: int
    end: int
    left_percent: float
    width_percent: float


@dataclass
class Roadmap:
    theme: Theme
    first_year: int
    last_year: int
    years: list[int]
    bars: list[RoadmapBar]
    gaps: list[KpiGap] = field(default_factory=list)

    @property
    def warnings(self) -> list[KpiGap]:
        return [g for g in self.gaps if g.no_measure or g.short]


def kpi_gaps(kpis: Iterable[Kpi], links: Iterable[MeasureKpiLink]) -> list[KpiGap]:
    """Return, per KPI, how much of the needed change active measures are expected to bring."""
    by_kpi: dict[int, list[MeasureKpiLink]] = defaultdict(list)
    for link in links:
        if link.measure.status in ACTIVE_STATUSES:
            by_kpi[link.kpi_id].append(link)
    gaps = []
    for kpi in kpis:
        kpi_links = by_kpi.get(kpi.pk, [])
        gaps.append(
            KpiGap(
                kpi=kpi,
                coverage=coverage(
                    float(kpi.needed_change), [float(x.expected_change) for x in kpi_links]
                ),
                links=kpi_links,
            )
        )
    return gaps


def roadmap_of(city: City, theme: Theme, *, today: date | None = None) -> Roadmap:
    """Return the backcast roadmap of a theme (with its sub-themes)."""
    today = today or timezone.localdate()
    family = theme_family(theme)
    kpis = list(kpis_of(city, themes=family))
    measures = list(measures_of(city, themes=family).order_by("start_date", "id"))
    start_years = [m.start_date.year for m in measures if m.start_date]
    first = min([today.year, *start_years])
    last = max([theme.target_year, *(k.target_year for k in kpis), today.year + 1])
    span = max(last - first + 1, 1)
    bars = []
    for m in measures:
        start = m.start_date.year if m.start_date else today.year
        end = m.end_date.year if m.end_date else last
        start, end = max(start, first), min(max(end, start), last)
        bars.append(
            RoadmapBar(
                measure=m,
                start=start,
                end=end,
                left_percent=round((start - first) / span * 100, 2),
                width_percent=round((end - start + 1) / span * 100, 2),
            )
        )
    links = MeasureKpiLink.objects.filter(city=city, kpi__in=kpis).select_related("measure", "kpi")
    return Roadmap(
        theme=theme,
        first_year=first,
        last_year=last,
        years=list(range(first, last + 1)),
        bars=bars,
        gaps=kpi_gaps(kpis, links),
    )


# --- perspectives --------------------------------------------------------------------------


@dataclass
class AxisSummary:
    axis: str
    label: str
    mean: float | None
    count: int
    by_role: dict[str, tuple[float, int]]

    @property
    def spread(self) -> float:
        means = [m for m, n in self.by_role.values() if n]
        return max(means) - min(means) if len(means) > 1 else 0.0

    @property
    def diverges(self) -> bool:
        return self.spread >= 1.5


def _role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def perspective_summary(measure: Measure) -> list[AxisSummary]:
    """Return, per axis, the mean rating overall and by the raters' role."""
    sums: dict[tuple[str, str], list[int]] = defaultdict(list)
    for r in PerspectiveRating.objects.filter(city_id=measure.city_id, measure=measure).values_list(
        "axis", "role", "score"
    ):
        sums[(r[0], r[1])].append(r[2])
    out = []
    for axis, label in Axis.choices:
        by_role = {
            _role_label(role): (sum(scores) / len(scores), len(scores))
            for (a, role), scores in sorted(sums.items())
            if a == axis
        }
        all_scores = [s for (a, _r), scores in sums.items() if a == axis for s in scores]
        out.append(
            AxisSummary(
                axis=axis,
                label=str(label),
                mean=sum(all_scores) / len(all_scores) if all_scores else None,
                count=len(all_scores),
                by_role=by_role,
            )
        )
    return out


def my_ratings(measure: Measure, user: User) -> dict[str, int]:
    if not user.is_authenticated:
        return {}
    return dict(
        PerspectiveRating.objects.filter(
            city_id=measure.city_id, measure=measure, rater=user
        ).values_list("axis", "score")
    )


# --- sharing -------------------------------------------------------------------------------


def endorsement_total(city: City, theme: Theme | None = None) -> int:
    return Endorsement.objects.filter(city=city, theme=theme).count()


def endorsement_counts_by_theme(city: City) -> dict[int | None, int]:
    return {
        row["theme"]: row["n"]
        for row in Endorsement.objects.filter(city=city).values("theme").annotate(n=Count("id"))
    }


def endorsed_by(city: City, user: User) -> set[int | None]:
    """Return the themes (None for the whole vision) the person shares."""
    if not user.is_authenticated:
        return set()
    return set(Endorsement.objects.filter(city=city, user=user).values_list("theme_id", flat=True))


@dataclass
class EndorsementTable:
    columns: list[tuple[int | None, str]]
    rows: list[tuple[str, list[int]]]


def endorsement_breakdown(city: City, by: str) -> EndorsementTable:
    """Return counts of 共感 by district or age band (rows) and vision/theme (columns)."""
    key = "district__name_ja" if by == "district" else "age_band"
    themes = list(
        Theme.objects.filter(city=city, parent__isnull=True).order_by("sort_order", "code")
    )
    columns: list[tuple[int | None, str]] = [(None, "vision"), *((t.pk, t.name) for t in themes)]
    counts: dict[str, dict[int | None, int]] = defaultdict(dict)
    for row in Endorsement.objects.filter(city=city).values(key, "theme").annotate(n=Count("id")):
        counts[row[key] or "—"][row["theme"]] = row["n"]
    rows = [
        (label, [counts[label].get(col, 0) for col, _name in columns]) for label in sorted(counts)
    ]
    return EndorsementTable(columns=columns, rows=rows)


def comments_of(
    city: City,
    *,
    theme: Theme | None = None,
    measure: Measure | None = None,
    vision_only: bool = False,
) -> QuerySet[VisionComment]:
    qs = VisionComment.objects.filter(city=city, hidden=False).select_related("user", "theme")
    if measure is not None:
        qs = qs.filter(measure=measure)
    elif theme is not None:
        qs = qs.filter(theme=theme, measure__isnull=True)
    elif vision_only:
        qs = qs.filter(theme__isnull=True, measure__isnull=True)
    return qs
