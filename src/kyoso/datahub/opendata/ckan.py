"""CKAN Action API conventions (no Django): parameters, Solr-style ``fq``, datastore queries.

Only the subset Kyoso serves is parsed; anything else is a :class:`CkanValidationError`,
which the view answers as CKAN does (HTTP 409, ``{"__type": "Validation Error", ...}``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any


class CkanError(Exception):
    status = 400
    type = "Bad request"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def error(self) -> dict[str, Any]:
        if self.field:
            return {"__type": self.type, self.field: [self.message]}
        return {"__type": self.type, "message": self.message}


class CkanValidationError(CkanError):
    status = 409
    type = "Validation Error"


class CkanNotFound(CkanError):
    status = 404
    type = "Not Found Error"


class CkanNotAuthorized(CkanError):
    status = 403
    type = "Authorization Error"


def int_param(params: Mapping[str, Any], name: str, default: int, *, most: int) -> int:
    """Return a non-negative integer parameter, at most ``most``."""
    raw = params.get(name, default)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise CkanValidationError("Invalid integer", name) from None
    if value < 0:
        raise CkanValidationError("Must be a natural number", name)
    return min(value, most)


def json_param(params: Mapping[str, Any], name: str, default: Any) -> Any:
    """Return a parameter that GET requests send as JSON text and POST bodies as JSON."""
    raw = params.get(name, default)
    if isinstance(raw, str) and raw[:1] in ("[", "{"):
        try:
            return json.loads(raw)
        except ValueError:
            raise CkanValidationError("Cannot parse JSON", name) from None
    return raw


_FQ_TERM = re.compile(r'([+-]?)([A-Za-z_]+):("(?:[^"\\]|\\.)*"|[^\s"]+)')


def parse_fq(fq: str, fields: Sequence[str]) -> dict[str, list[str]]:
    """Return ``{field: [values]}`` of a Solr filter query such as ``tags:"道路" res_format:CSV``.

    Only ANDed ``field:value`` terms of the facet fields are understood (CKAN's usual use).
    """
    out: dict[str, list[str]] = {}
    rest = _FQ_TERM.sub("", fq).replace("AND", "").strip()
    if rest:
        raise CkanValidationError(f"Unsupported filter query: {rest}", "fq")
    for sign, name, value in _FQ_TERM.findall(fq):
        if sign == "-":
            raise CkanValidationError("Negative filters are not supported", "fq")
        if name not in fields:
            raise CkanValidationError(f"Unknown field: {name}", "fq")
        out.setdefault(name, []).append(json.loads(value) if value.startswith('"') else value)
    return out


def field_type(values: Sequence[Any]) -> str:
    """Return the datastore type of a column: ``int``, ``numeric`` or ``text``."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "int"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "numeric"
    return "text"


def _sort_key(value: Any) -> tuple[bool, Any]:
    # Numbers before text, so a mixed column still sorts.
    return (isinstance(value, str), value)


def datastore_query(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    filters: Any = None,
    q: Any = "",
    sort: str = "",
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Return the page of records (with ``_id`` from 1) matching, and how many matched."""
    records = [{"_id": n, **dict(zip(columns, row, strict=True))} for n, row in enumerate(rows, 1)]
    if filters:
        if not isinstance(filters, dict):
            raise CkanValidationError("Not a JSON object", "filters")
        for name, wanted in filters.items():
            if name not in columns and name != "_id":
                raise CkanValidationError(f'field "{name}" not in table', "filters")
            allowed = {str(v) for v in (wanted if isinstance(wanted, list) else [wanted])}
            records = [r for r in records if str(r[name]) in allowed]
    if q:
        by_column = q if isinstance(q, dict) else {None: q}
        for name, text in by_column.items():
            if name is not None and name not in columns:
                raise CkanValidationError(f'field "{name}" not in table', "q")
            words = str(text).casefold().split()
            records = [
                r
                for r in records
                if all(
                    any(
                        w in str(r[c]).casefold()
                        for c in ([name] if name else columns)
                        if r[c] is not None
                    )
                    for w in words
                )
            ]
    for clause in reversed([c.strip() for c in sort.split(",") if c.strip()]):
        name, _sep, direction = clause.partition(" ")
        name = name.strip('"')
        if name not in columns and name != "_id":
            raise CkanValidationError(f'field "{name}" not in table', "sort")
        desc = direction.strip().lower() == "desc"
        present = [r for r in records if r[name] is not None]
        missing = [r for r in records if r[name] is None]
        present.sort(key=lambda r: _sort_key(r[name]), reverse=desc)
        records = present + missing
    return records[offset : offset + limit], len(records)
