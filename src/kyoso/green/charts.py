"""ECharts options (with the same numbers as table rows) for the inventory, the MAC curve and
the consortium roll-up."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kyoso.green.accounting.abatement import CurveBar
from kyoso.green.models import Category
from kyoso.green.selectors.inventory import YearInventory

CATEGORY_LABELS = dict(Category.choices)


def _t(v: float) -> str:
    return f"{v:,.1f}"


def chart(
    chart_id: str, caption: str, option: dict[str, Any], header: list[str], rows: list[list[Any]]
) -> dict[str, Any]:
    return {
        "chart_id": chart_id,
        "caption": caption,
        "option": option,
        "header": header,
        "rows": rows,
    }


def _bars(
    chart_id: str,
    caption: str,
    labels: list[str],
    series: dict[str, list[float]],
    unit: str,
    stack: bool = False,
    first: str = "",
) -> dict[str, Any]:
    option = {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 70, "right": 20, "top": 40, "bottom": 60},
        "xAxis": {"type": "category", "data": labels, "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value", "name": unit},
        "series": [
            {
                "name": name,
                "type": "bar",
                "data": [round(v, 2) for v in values],
                **({"stack": "all"} if stack else {}),
            }
            for name, values in series.items()
        ],
    }
    header = [first or _("Item"), *series.keys()]
    rows = [
        [label, *(_t(values[i]) for values in series.values())] for i, label in enumerate(labels)
    ]
    return chart(chart_id, caption, option, header, rows)


def monthly_chart(inv: YearInventory) -> dict[str, Any]:
    labels = [f"{m:%Y-%m}" for m in inv.by_month]
    return _bars(
        "green-monthly",
        _("CO2 by month (t-CO2, Scope 1 + 2)"),
        labels,
        {
            _("Location-based"): [v[0] for v in inv.by_month.values()],
            _("Market-based"): [v[1] for v in inv.by_month.values()],
        },
        "t-CO2",
        first=_("Month"),
    )


def category_chart(inv: YearInventory) -> dict[str, Any]:
    labels = [str(CATEGORY_LABELS.get(k, k)) for k in inv.by_category]
    return _bars(
        "green-category",
        _("CO2 by energy (t-CO2, location-based)"),
        labels,
        {_("CO2"): list(inv.by_category.values())},
        "t-CO2",
        first=_("Energy"),
    )


def site_chart(inv: YearInventory) -> dict[str, Any]:
    return _bars(
        "green-site",
        _("CO2 by site (t-CO2, location-based)"),
        list(inv.by_site),
        {_("CO2"): list(inv.by_site.values())},
        "t-CO2",
        first=_("Site"),
    )


def years_chart(years: dict[int, YearInventory]) -> dict[str, Any]:
    labels = [f"FY{y}" for y in years]
    return _bars(
        "green-years",
        _("Year over year (t-CO2)"),
        labels,
        {
            _("Location-based"): [i.location_total for i in years.values()],
            _("Market-based"): [i.market_total for i in years.values()],
        },
        "t-CO2",
        first=_("Fiscal year"),
    )


def mac_chart(bars: list[CurveBar]) -> dict[str, Any]:
    """Variable-width bars: each measure is a rectangle as wide as its abatement."""
    series = [
        {
            "name": b.name,
            "type": "line",
            "areaStyle": {"opacity": 0.7},
            "symbol": "none",
            "data": [
                [round(b.x0, 2), 0],
                [round(b.x0, 2), round(b.height)],
                [round(b.x0 + b.width, 2), round(b.height)],
                [round(b.x0 + b.width, 2), 0],
            ],
        }
        for b in bars
    ]
    option = {
        "tooltip": {"trigger": "item"},
        "legend": {"top": 0, "type": "scroll"},
        "grid": {"left": 80, "right": 20, "top": 50, "bottom": 50},
        "xAxis": {"type": "value", "name": _("t-CO2 reduced a year")},
        "yAxis": {"type": "value", "name": _("yen per t-CO2")},
        "series": series,
    }
    rows = [[b.name, _t(b.width), f"{b.height:,.0f}"] for b in bars]
    return chart(
        "green-mac",
        _("Abatement cost curve (cheapest first; width = CO2 reduced)"),
        option,
        [_("Reduction measure"), _("t-CO2 a year"), _("yen per t-CO2")],
        rows,
    )


def rollup_chart(
    years: list[int], totals: dict[int, float], estimates: dict[int, float]
) -> dict[str, Any]:
    all_years = sorted(set(years) | set(estimates))
    labels = [f"FY{y}" for y in all_years]
    return _bars(
        "green-rollup",
        _("Member companies against the city's industrial-sector estimate (t-CO2)"),
        labels,
        {
            _("Member companies (sum)"): [totals.get(y, 0.0) for y in all_years],
            _("City estimate (industry)"): [estimates.get(y, 0.0) for y in all_years],
        },
        "t-CO2",
        first=_("Fiscal year"),
    )
