from __future__ import annotations

import random
from typing import Any

import factory
from factory.django import DjangoModelFactory

from kyoso.evaluation.models import Verification
from tests.core.factories import CityFactory
from tests.vision.factories import MeasureFactory


class VerificationFactory(DjangoModelFactory):
    class Meta:
        model = Verification

    city = factory.SubFactory(CityFactory)
    measure = factory.SubFactory(MeasureFactory, city=factory.SelfAttribute("..city"))
    title = factory.Sequence(lambda n: f"検証{n}")
    method = "its"


def its_rows(
    effect: float = -50, start: int = 2019, first: int = 2010, last: int = 2024
) -> list[dict[str, Any]]:
    rng = random.Random(3)
    return [
        {
            "unit": "s",
            "time": y,
            "outcome": 1000 - 10 * (y - first) + (effect if y >= start else 0) + rng.gauss(0, 3),
        }
        for y in range(first, last + 1)
    ]


def did_rows(effect: float = 5.0, units: int = 10, treated: int = 4) -> list[dict[str, Any]]:
    rng = random.Random(5)
    rows = []
    for u in range(units):
        base = rng.uniform(10, 20)
        for t in range(2014, 2026):
            y = (
                base
                + 2 * (t - 2014)
                + rng.gauss(0, 0.5)
                + (effect if u < treated and t >= 2020 else 0)
            )
            rows.append({"unit": f"u{u}", "time": t, "outcome": y})
    return rows


def sc_rows(effect: float = 15.0, donors: int = 8) -> list[dict[str, Any]]:
    rng = random.Random(7)
    series = {
        f"d{i}": [
            rng.uniform(80, 120) + rng.uniform(-2, 1) * k + rng.gauss(0, 1) for k in range(16)
        ]
        for i in range(donors)
    }
    series["T"] = [
        0.6 * series["d0"][k] + 0.4 * series["d1"][k] + (effect if k >= 9 else 0) for k in range(16)
    ]
    return [
        {"unit": u, "time": 2010 + k, "outcome": v}
        for u, vals in series.items()
        for k, v in enumerate(vals)
    ]
