"""Every CSV Kyoso writes goes through here: safe to open in a spreadsheet, and Excel-friendly.

A cell that starts with ``= + - @``, a tab or a carriage return is a formula to Excel and
LibreOffice (``=HYPERLINK(...)`` from a citizen's title would run on a clerk's machine), so such
text is prefixed with an apostrophe, as OWASP advises. Plain numbers (``-1``, ``+3.5``) are not
formulas and stay as they are, so exports still read back.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from django.http import StreamingHttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


class _Writable(Protocol):
    def write(self, value: str, /) -> Any: ...


def spreadsheet_safe(value: object) -> object:
    """Return ``value`` with a leading apostrophe if a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and not _PLAIN_NUMBER.match(value)
    ):
        return "'" + value
    return value


class SafeCsvWriter:
    """``csv.writer`` whose rows pass through :func:`spreadsheet_safe`."""

    def __init__(self, out: _Writable, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([spreadsheet_safe(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> StreamingHttpResponse:
    """Return a streamed CSV download with a BOM, so Excel reads the Japanese text as UTF-8."""
    writer = SafeCsvWriter(_Echo())

    def lines() -> Iterable[str]:
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
