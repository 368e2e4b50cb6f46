"""Demo vision of 日立市: a 2050 image, three themes with sub-themes, KPIs with ten years of
history, measures with costs, and citizens' 共感, comments and ratings. All figures are
invented for the demo (labelled as demo data on every page of a demo city).

The content is data (`vision/data/demo/*.toml`, one file per kind, named fields); this module
only reads it and builds the city through the vision services, as the city's staff would — the
history of the KPIs arrives the way a clerk sends it, as one CSV import.
"""

from __future__ import annotations

import csv
import io
import random
import tomllib
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from kyoso.core.models import City, District, Role, User
from kyoso.core.services import membership_grant, system_actor
from kyoso.vision import services
from kyoso.vision.models import Axis, Kpi, Measure, Theme
from kyoso.vision.services.themes import themes_link_catalogue

DEMO_NOTE = "デモデータ"
DATA = Path(__file__).resolve().parent / "data" / "demo"
SIMULATED_CITIZENS = 160
# How likely a simulated citizen is to share (共感) each top theme, and the vision itself.
SHARES = {None: 0.7, "green": 0.35, "health": 0.55, "transit": 0.5}


@cache
def demo_data(kind: str) -> Any:
    """Return one demo file's content: ``vision`` (a table) or a list of ``theme``, ``kpi``,
    ``measure`` or ``comment`` tables."""
    with (DATA / f"{kind}s.toml" if kind != "vision" else DATA / "vision.toml").open("rb") as f:
        content = tomllib.load(f)
    return content if kind == "vision" else content[kind]


def _night_er(rng: random.Random) -> list[tuple[int, float]]:
    """Children's night ER visits: a slow decline, then a clear drop once the line opens (2019)."""
    out: list[tuple[int, float]] = []
    for year in range(2012, 2026):
        trend = 5000 - 45 * (year - 2012)
        drop = -720 - 30 * (year - 2019) if year >= 2019 else 0
        out.append((year, round(trend + drop + rng.gauss(0, 40))))
    return out


def load(city: City, rng: random.Random) -> None:
    if city.slug != "hitachi":
        return
    staff = User.objects.filter(email="staff@hitachi.example").first()
    actor = staff or system_actor()
    services.vision_save(city=city, actor=actor, **demo_data("vision"))
    themes: dict[str, Theme] = {}
    for order, row in enumerate(demo_data("theme")):
        parent = row.get("parent")
        themes[row["code"]] = services.theme_create(
            city=city, actor=actor, **{k: v for k, v in row.items() if k != "parent"},
            parent=themes[parent] if parent else None, target_year=2031, sort_order=order,
        )  # fmt: skip
    themes_link_catalogue(city=city)  # vision's themes belong to the city's catalogue
    kpis = _kpis(city, actor, staff, themes, rng)
    measures = _measures(city, actor, staff, themes, kpis)
    _participation(city, rng, themes, measures)


def _kpis(
    city: City, actor: User, owner: User | None, themes: dict[str, Theme], rng: random.Random
) -> dict[str, Kpi]:
    kpis: dict[str, Kpi] = {}
    history = io.StringIO()
    rows = csv.writer(history)
    rows.writerow(["kpi_code", "year", "value", "note"])
    for order, row in enumerate(demo_data("kpi")):
        kpis[row["code"]] = services.kpi_create(
            city=city, actor=actor, theme=themes[row["theme"]], code=row["code"],
            name_ja=row["name_ja"], name_en=row["name_en"],
            description_ja=f"{row['name_ja']}（{DEMO_NOTE}）", unit=row["unit"],
            direction=row["direction"], baseline_year=row["baseline_year"],
            baseline_value=Decimal(str(row["baseline_value"])), target_year=row["target_year"],
            target_value=Decimal(str(row["target_value"])),
            milestones=[{"year": m["year"], "value": str(m["value"])} for m in row["milestones"]],
            source="csv", owner=owner, owner_unit="政策企画課", sort_order=order,
        )  # fmt: skip
        series = (
            _night_er(rng)
            if row["code"] == "child-night-er"
            else [(row["history_from"] + i, v) for i, v in enumerate(row["history"])]
        )
        for year, value in series:
            rows.writerow([row["code"], year, value, DEMO_NOTE])
    services.kpi_actuals_import_csv(city=city, actor=actor, data=history.getvalue().encode())
    return kpis


def _measures(
    city: City, actor: User, owner: User | None, themes: dict[str, Theme], kpis: dict[str, Kpi]
) -> dict[str, Measure]:
    measures: dict[str, Measure] = {}
    logic = ("inputs", "activities", "outputs", "outcomes", "impact")
    for row in demo_data("measure"):
        m = services.measure_create(
            city=city, actor=actor, theme=themes[row["theme"]], title_ja=row["title_ja"],
            title_en=row["title_en"], description_ja=f"{row['title_ja']}の取り組みです（{DEMO_NOTE}）。",
            status=row["status"], owner=owner, owner_unit=row["owner_unit"],
            start_date=row["start_date"], end_date=row.get("end_date"),
            **{k: row[k] for k in logic},
        )  # fmt: skip
        measures[row["title_ja"]] = m
        for code, change in row["kpi_changes"].items():
            services.measure_kpi_link_set(
                city=city, actor=actor, measure=m, kpi=kpis[code], expected_change=change
            )
        for cost in row["costs"]:
            actual = cost.get("actual_thousand_yen")
            services.measure_cost_set(
                city=city, actor=actor, measure=m, year=cost["year"],
                budget_yen=Decimal(cost["budget_thousand_yen"] * 1000),
                actual_yen=None if actual is None else Decimal(actual * 1000),
            )  # fmt: skip
        services.measure_milestone_add(
            city=city, actor=actor, measure=m, title_ja="中間振り返り", title_en="Mid-term review",
            due_date=date(2027, 3, 31),
        )  # fmt: skip
    return measures


def _citizens(city: City, rng: random.Random) -> list[User]:
    """Simulated citizens (unusable passwords: they cannot sign in), each living in a district."""
    districts = list(District.objects.filter(city=city))
    system = system_actor()
    people = []
    for i in range(SIMULATED_CITIZENS):
        email = f"vision-demo-{i:03d}@hitachi.example"
        person = User.objects.filter(email=email).first() or User.objects.create_user(
            email, None, display_name=f"市民{i + 1}", birth_year=rng.choice(range(1938, 2006))
        )
        membership_grant(
            city=city, user=person, role=Role.CITIZEN, actor=system,
            district=rng.choice(districts) if districts else None,
        )  # fmt: skip
        people.append(person)
    return people


def _participation(
    city: City, rng: random.Random, themes: dict[str, Theme], measures: dict[str, Measure]
) -> None:
    """The simulated citizens share the vision and its themes, comment, and rate measures."""
    users = _citizens(city, rng)
    top = [t for t in themes.values() if t.parent_id is None]
    for u in users:
        for theme in (None, *top):
            if rng.random() < SHARES[theme.code if theme else None]:
                services.endorsement_add(city=city, user=u, theme=theme)
    for u, row in zip(users, demo_data("comment"), strict=False):
        theme, measure = row.get("theme"), row.get("measure")
        services.comment_post(
            city=city, user=u, body=row["body"], stance=row["stance"],
            theme=themes[theme] if theme else None, measure=measures[measure] if measure else None,
        )  # fmt: skip
    # Citizens rate convenience by each measure's `citizen_rating`, fairness and cost a bit lower.
    ratings = {row["title_ja"]: row.get("citizen_rating", 3.5) for row in demo_data("measure")}
    for title, m in measures.items():
        for u in users[20:44]:
            for axis, shift in (
                (Axis.CONVENIENCE, 0.0),
                (Axis.FAIRNESS, -0.3),
                (Axis.ECONOMICS, -0.6),
            ):
                score = min(5, max(1, round(rng.gauss(ratings[title] + shift, 0.7))))
                services.perspective_rate(city=city, user=u, measure=m, axis=axis, score=score)
    business = User.objects.filter(email="business@hitachi.example").first()
    if business is not None:
        for m in measures.values():
            economics = 2 if m.theme.code.startswith("health") else 4
            services.perspective_rate(
                city=city, user=business, measure=m, axis=Axis.ECONOMICS, score=economics
            )
