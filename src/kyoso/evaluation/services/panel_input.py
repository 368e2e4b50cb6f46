"""Checking the input data of a verification: long panels (unit, time, outcome) and KPI series.

Errors are raised as DomainError naming the field, before any estimator runs, so a person
uploading a spreadsheet learns exactly which unit or year is missing.
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from kyoso.core.csv_import import decode_csv
from kyoso.core.errors import DomainError

MAX_ROWS = 50_000
MAX_UNITS = 500


def _number(raw: Any, where: str, field: str) -> float:
    try:
        value = float(str(raw).strip().replace(",", ""))
    except (TypeError, ValueError) as exc:
        raise DomainError(where + _("not a number."), field=field) from exc
    if not math.isfinite(value):
        raise DomainError(where + _("not a number."), field=field)
    return value


def parse_panel_rows(
    rows: Iterable[Mapping[str, Any]], *, field: str = "panel"
) -> list[dict[str, Any]]:
    """Return clean rows {unit: str, time: float, outcome: float}; raise on the first bad row."""
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, float]] = set()
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS:
            raise DomainError(_("The data has too many rows."), field=field)
        where = _("Row %(n)d: ") % {"n": number}
        if not isinstance(row, Mapping):
            raise DomainError(where + _("expected unit, time and outcome."), field=field)
        unit = str(row.get("unit", "")).strip()
        if not unit:
            raise DomainError(where + _("the unit is empty."), field=field)
        time = _number(row.get("time"), where, field)
        outcome = _number(row.get("outcome"), where, field)
        if (unit, time) in seen:
            raise DomainError(
                where + _("%(unit)s appears twice for %(time)g.") % {"unit": unit, "time": time},
                field=field,
            )
        seen.add((unit, time))
        out.append({"unit": unit, "time": time, "outcome": outcome})
    if not out:
        raise DomainError(_("The data is empty."), field=field)
    if len({r["unit"] for r in out}) > MAX_UNITS:
        raise DomainError(_("The data has too many units."), field=field)
    return out


def parse_panel_csv(data: bytes, *, field: str = "panel") -> list[dict[str, Any]]:
    """Return clean rows from a CSV with the columns unit, time, outcome."""
    text = decode_csv(data, field=field)
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in ("unit", "time", "outcome") if c not in header]
    if missing:
        raise DomainError(
            _("The first row must name the columns unit, time, outcome. Missing: %(cols)s")
            % {"cols": ", ".join(missing)},
            field=field,
        )
    reader.fieldnames = header
    return parse_panel_rows(reader, field=field)


def check_balanced(rows: list[dict[str, Any]], *, field: str = "panel") -> list[float]:
    """Return the sorted times; raise naming a unit whose years are missing."""
    times_by_unit: dict[str, set[float]] = defaultdict(set)
    for r in rows:
        times_by_unit[r["unit"]].add(r["time"])
    all_times = sorted(set().union(*times_by_unit.values()))
    for unit, times in times_by_unit.items():
        missing = [t for t in all_times if t not in times]
        if missing:
            shown = ", ".join(f"{t:g}" for t in missing[:5])
            raise DomainError(
                _("%(unit)s has no value for %(times)s; every unit needs every period.")
                % {"unit": unit, "times": shown},
                field=field,
            )
    return all_times


def check_consecutive_years(series: list[tuple[int, float]], *, field: str) -> None:
    """Raise naming the missing years when a yearly series has holes."""
    if not series:
        raise DomainError(_("There are no values to analyse."), field=field)
    years = [y for y, _v in series]
    missing = sorted(set(range(years[0], years[-1] + 1)) - set(years))
    if missing:
        raise DomainError(
            _("Values are missing for %(years)s. Enter them or choose another period.")
            % {"years": ", ".join(str(y) for y in missing[:8])},
            field=field,
        )
