"""The consortium's and the city's view: only consenting companies, names only when named."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Q, Sum

from kyoso.core.models import City, User
from kyoso.green.accounting import peers
from kyoso.green.accounting.inventory import fiscal_year
from kyoso.green.models import (
    JSIC_CHOICES,
    Activity,
    Category,
    Company,
    Consortium,
    ConsortiumInvitation,
)
from kyoso.green.selectors.access import aggregate_ids, named_ids

if TYPE_CHECKING:
    from kyoso.vision.models import Kpi

JSIC_LABELS = dict(JSIC_CHOICES)


def consortium_of(city: City) -> Consortium | None:
    return Consortium.objects.filter(city=city).order_by("id").first()


def _yearly(city: City, company_ids: set[int]) -> dict[int, dict[int, dict[str, float]]]:
    """Return {company id: {April fiscal year: {location, market, months}}} from stored results."""
    out: dict[int, dict[int, dict[str, float]]] = defaultdict(
        lambda: defaultdict(lambda: {"location": 0.0, "market": 0.0})
    )
    rows = (
        Activity.objects.filter(city=city, company_id__in=company_ids, scope__in=[1, 2])
        .values("company_id", "month")
        .annotate(loc=Sum("co2_location_t"), mkt=Sum("co2_market_t"))
    )
    for r in rows:
        fy = fiscal_year(r["month"].year, r["month"].month)
        out[r["company_id"]][fy]["location"] += float(r["loc"] or 0)
        out[r["company_id"]][fy]["market"] += float(r["mkt"] or 0)
    return out


@dataclass
class Dashboard:
    consortium: Consortium | None
    members: int
    consenting: int
    named: list[tuple[Company, float]]
    by_sector: dict[str, dict[int, float]]
    years: list[int]
    totals: dict[int, float]
    completeness: float  # share of consenting members with 12 months in the latest year
    estimates: dict[int, float]
    target_2030: float | None


def dashboard(city: City) -> Dashboard:
    """Return the consortium dashboard from consenting members only."""
    consortium = consortium_of(city)
    member_ids = set(consortium.members.values_list("pk", flat=True)) if consortium else set()
    allowed = aggregate_ids(city) & member_ids if consortium else aggregate_ids(city)
    yearly = _yearly(city, allowed)
    companies = {c.pk: c for c in Company.objects.filter(pk__in=allowed)}
    years = sorted({fy for v in yearly.values() for fy in v})
    by_sector: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    totals: dict[int, float] = defaultdict(float)
    for cid, per_year in yearly.items():
        label = str(JSIC_LABELS.get(companies[cid].jsic, companies[cid].jsic))
        for fy, v in per_year.items():
            by_sector[label][fy] += v["market"]
            totals[fy] += v["market"]
    complete = 0
    if years:
        latest = years[-1]
        months = (
            Activity.objects.filter(
                city=city, company_id__in=allowed, category=Category.ELECTRICITY
            )
            .values("company_id")
            .annotate(
                n=Count(
                    "month",
                    distinct=True,
                    filter=Q(month__gte=f"{latest}-04-01", month__lt=f"{latest + 1}-04-01"),
                )
            )
        )
        complete = sum(1 for m in months if m["n"] >= 12)
    names = named_ids(city) & allowed
    latest_fy = years[-1] if years else None
    named = sorted(
        (
            (companies[c], yearly[c][latest_fy]["market"])
            for c in names
            if latest_fy in yearly.get(c, {})
        ),
        key=lambda t: t[0].name,
    )
    estimates = {
        int(k): float(v) for k, v in (consortium.sector_estimates if consortium else {}).items()
    }
    target = estimates[2013] * (1 - 0.38) if 2013 in estimates else None
    return Dashboard(
        consortium,
        len(member_ids),
        len(allowed),
        named,
        {k: dict(v) for k, v in sorted(by_sector.items())},
        years,
        dict(totals),
        complete / len(allowed) if allowed else 0.0,
        estimates,
        target,
    )


def peer_benchmark(company: Company, fy: int) -> peers.PeerBenchmark | None:
    """Return the intensity percentiles (t-CO2 per million yen) of consenting peers in the
    company's industry, or None when fewer than five peers consent. Never names."""
    allowed = aggregate_ids(company.city) - {company.pk}
    peer_companies = {
        c.pk: c
        for c in Company.objects.filter(city=company.city, jsic=company.jsic, pk__in=allowed)
        if c.sales_million_yen > 0
    }
    yearly = _yearly(company.city, set(peer_companies) | {company.pk})
    values = [
        yearly[c][fy]["market"] / float(peer_companies[c].sales_million_yen)
        for c in peer_companies
        if fy in yearly.get(c, {})
    ]
    own = yearly.get(company.pk, {}).get(fy)
    own_value = (
        own["market"] / float(company.sales_million_yen)
        if own and company.sales_million_yen
        else None
    )
    return peers.benchmark(own_value, values)


# KPI providers: (year, value) series for the vision's green KPIs.
def industrial_co2_by_year(city: City, kpi: Kpi | None = None) -> list[tuple[int, Decimal]]:
    """Industrial CO2 (t, market-based) of consenting companies by fiscal year."""
    yearly = _yearly(city, aggregate_ids(city))
    totals: dict[int, float] = defaultdict(float)
    for per_year in yearly.values():
        for fy, v in per_year.items():
            totals[fy] += v["market"]
    return [(fy, Decimal(f"{v:.1f}")) for fy, v in sorted(totals.items())]


def members_by_year(city: City, kpi: Kpi | None = None) -> list[tuple[int, int]]:
    """Companies recording their CO2 (consortium members with data) by fiscal year."""
    consortium = consortium_of(city)
    if consortium is None:
        return []
    counts: dict[int, set[int]] = defaultdict(set)
    for cid, month in (
        Activity.objects.filter(city=city, company__in=consortium.members.all())
        .values_list("company_id", "month")
        .distinct()
    ):
        counts[fiscal_year(month.year, month.month)].add(cid)
    return [(fy, len(ids)) for fy, ids in sorted(counts.items())]


def renewable_share_by_year(city: City, kpi: Kpi | None = None) -> list[tuple[int, Decimal]]:
    """Share (%) of consenting companies' electricity bought on zero-emission menus."""
    allowed = aggregate_ids(city)
    total: dict[int, float] = defaultdict(float)
    green: dict[int, float] = defaultdict(float)
    for month, qty, factor in Activity.objects.filter(
        city=city, company_id__in=allowed, category=Category.ELECTRICITY
    ).values_list("month", "quantity", "factor_market_value"):
        fy = fiscal_year(month.year, month.month)
        total[fy] += float(qty)
        if factor is not None and factor == 0:
            green[fy] += float(qty)
    return [
        (fy, Decimal(f"{100 * green[fy] / total[fy]:.1f}")) for fy in sorted(total) if total[fy]
    ]


@dataclass(frozen=True)
class MemberRow:
    company: Company
    shares: str  # Disclosure value: private, aggregate or named
    secretariat_may_enter: bool


def members_for_secretariat(user: User, city: City) -> list[MemberRow]:
    """Return the members of the consortia the user runs, with what each lets them see."""
    from kyoso.green.selectors.access import _consented_ids

    named, counted = named_ids(city), aggregate_ids(city)
    entering = _consented_ids(city, "green.secretariat")
    companies = Company.objects.filter(city=city, consortia__secretariat=user).distinct()
    return [
        MemberRow(
            c,
            "named" if c.pk in named else "aggregate" if c.pk in counted else "private",
            c.pk in entering,
        )
        for c in companies.order_by("name")
    ]


def invitations_open(company: Company) -> list[ConsortiumInvitation]:
    return list(
        ConsortiumInvitation.objects.filter(
            city=company.city, company=company, accepted__isnull=True
        ).select_related("consortium")
    )


def invitations_sent(user: User, city: City) -> list[ConsortiumInvitation]:
    """Return the invitations of the user's consortia still waiting for an answer."""
    return list(
        ConsortiumInvitation.objects.filter(
            city=city, consortium__secretariat=user, accepted__isnull=True
        ).select_related("company")
    )
