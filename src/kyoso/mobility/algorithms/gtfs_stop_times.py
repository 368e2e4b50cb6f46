"""Read stop_times.txt, nearly all of a big feed, into column arrays.

A file without quote characters has one record per line, so it is read in blocks of rows that
are turned into columns at once (``zip``, ``map`` over dicts and ``int``, NumPy for the blank
times): no per-row Python code runs for a well-formed block. A block with anything unusual (a
blank line, a short row, an unknown id, a bad value) and every file with quotes are read row by
row by ``_stop_time_row`` and the same checks as the other files, so the validation report is
the same whichever way a row was read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

import numpy as np
import numpy.typing as npt

from kyoso.mobility.algorithms.gtfs_validation import (
    REQUIRED_COLUMNS,
    Row,
    ValidationReport,
    parse_time,
)

BLOCK = 32768  # rows turned into columns at once: a few MiB of Python strings
_NEEDED = ("trip_id", "stop_id", "stop_sequence", "arrival_time", "departure_time")
_SMALL = {"": 0, "0": 0, "1": 1, "2": 2, "3": 3}


@dataclass(slots=True)
class StopTimes:
    """stop_times.txt as columns; ``arrival``/``departure`` are seconds, -1 when blank."""

    trip_index: npt.NDArray[np.int32]
    stop_index: npt.NDArray[np.int32]
    stop_sequence: npt.NDArray[np.int64]
    arrival: npt.NDArray[np.int32]
    departure: npt.NDArray[np.int32]
    pickup_type: npt.NDArray[np.int8]
    drop_off_type: npt.NDArray[np.int8]
    line: npt.NDArray[np.int32]
    stop_headsign: list[str]


_DTYPES = (np.int32, np.int32, np.int64, np.int32, np.int32, np.int8, np.int8, np.int32)


def header_of(header_row: list[str]) -> dict[str, int]:
    """Return the column index of each header name (spaces and a BOM removed)."""
    return {h.strip().lstrip("\ufeff"): i for i, h in enumerate(header_row)}


def check_columns(name: str, header: dict[str, int], report: ValidationReport) -> None:
    """Report every required column of ``name`` missing from ``header``."""
    for col in REQUIRED_COLUMNS.get(name, ()):
        if col not in header:
            report.error(name, 1, col, "required column is missing")


class _Columns:
    """Blocks of columns in file order, joined once at the end."""

    def __init__(self) -> None:
        self.blocks: list[tuple[np.ndarray, ...]] = []
        self.headsigns: list[str] = []

    def add(self, columns: Iterable[Any], headsigns: list[str]) -> None:
        self.blocks.append(
            tuple(np.asarray(c, dtype=t) for c, t in zip(columns, _DTYPES, strict=True))
        )
        self.headsigns.extend(headsigns)

    def result(self) -> StopTimes:
        cols = [
            np.concatenate([b[k] for b in self.blocks]) if self.blocks else np.zeros(0, t)
            for k, t in enumerate(_DTYPES)
        ]
        trip, stop, seq, arr, dep, pick, drop, line = cols
        return StopTimes(trip, stop, seq, arr, dep, pick, drop, line, self.headsigns)


def read_stop_times(
    name: str,
    data: bytes | None,
    report: ValidationReport,
    stop_index: dict[str, int],
    trip_index: dict[str, int],
    rows: Iterator[Row],
) -> StopTimes:
    """Return the stop times of ``data`` as columns, reporting problems like any other file.

    ``rows`` is the general row reader over the same ``data``; it is used (and reports a bad
    encoding or a missing column) unless the file is plain enough to be read in blocks.
    """
    out = _Columns()
    plain = _plain_blocks(name, data, report) if data is not None else None
    if plain is None:
        _add_rows(out, rows, stop_index, trip_index)
        return out.result()
    header, width, blocks = plain
    reader = _BlockReader(header, width, stop_index, trip_index)
    for first_line, block in blocks:
        if not reader.add(out, block, first_line):
            _add_rows(
                out,
                (
                    Row(name, header, values, first_line + i, report)
                    for i, values in enumerate(block)
                    if values and (len(values) > 1 or values[0].strip())
                ),
                stop_index,
                trip_index,
            )
    return out.result()


def _plain_blocks(
    name: str, data: bytes, report: ValidationReport
) -> tuple[dict[str, int], int, Iterator[tuple[int, list[list[str]]]]] | None:
    """Return (header, width, blocks of (first line, rows)) when every record is one line."""
    if b'"' in data:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None  # the general reader reports it
    reader = csv.reader(io.StringIO(text, newline=""))
    header_row = next(reader, None)
    if header_row is None:
        return None
    header = header_of(header_row)
    if not all(c in header for c in _NEEDED):
        return None
    check_columns(name, header, report)

    def blocks() -> Iterator[tuple[int, list[list[str]]]]:
        line = 2  # without quotes, record k of the body is on line k + 2
        while block := list(islice(reader, BLOCK)):
            yield line, block
            line += len(block)

    return header, len(header_row), blocks()


class _BlockReader:
    """Turns a block of well-formed rows into columns, or says it cannot (returns False)."""

    def __init__(
        self,
        header: dict[str, int],
        width: int,
        stop_index: dict[str, int],
        trip_index: dict[str, int],
    ) -> None:
        self.header, self.width = header, width
        self.stop_get, self.trip_get = stop_index.get, trip_index.get
        self.times: dict[str, int] = {"": -1}

    def _times(self, column: tuple[str, ...]) -> list[int | None]:
        found = list(map(self.times.get, column))
        if None in found:
            for raw in set(column) - self.times.keys():
                seconds = parse_time(raw)
                if seconds is not None:
                    self.times[raw] = seconds
            found = list(map(self.times.get, column))
        return found

    def add(self, out: _Columns, block: list[list[str]], first_line: int) -> bool:
        h, n = self.header, len(block)
        if set(map(len, block)) != {self.width}:
            return False
        cols = list(zip(*block, strict=True))
        trips = list(map(self.trip_get, cols[h["trip_id"]]))
        stops = list(map(self.stop_get, cols[h["stop_id"]]))
        arr, dep = self._times(cols[h["arrival_time"]]), self._times(cols[h["departure_time"]])
        small = [
            list(map(_SMALL.get, cols[h[c]])) if c in h else [0] * n
            for c in ("pickup_type", "drop_off_type")
        ]
        if any(None in c for c in (trips, stops, arr, dep, *small)):
            return False
        try:
            seq = np.fromiter(map(int, cols[h["stop_sequence"]]), dtype=np.int64, count=n)
        except (ValueError, OverflowError):
            return False
        a, d = np.array(arr, dtype=np.int32), np.array(dep, dtype=np.int32)
        if n and (seq.min() < 0 or seq.max() >= 2**31 or ((a < 0) & (d < 0)).any()):
            return False
        # A blank time on one side means the same time on the other (GTFS allows either blank).
        a, d = np.where(a >= 0, a, d), np.where(d >= 0, d, a)
        heads = list(map(str.strip, cols[h["stop_headsign"]])) if "stop_headsign" in h else []
        lines = np.arange(first_line, first_line + n, dtype=np.int32)
        out.add((trips, stops, seq, a, d, small[0], small[1], lines), heads or [""] * n)
        return True


def _add_rows(
    out: _Columns, rows: Iterable[Row], stop_index: dict[str, int], trip_index: dict[str, int]
) -> None:
    """Add rows one at a time, in blocks, through the checks every row gets."""
    it = iter(rows)
    while block := list(islice(it, BLOCK)):
        kept = [x for x in (_stop_time_row(r, stop_index, trip_index) for r in block) if x]
        if kept:
            *columns, heads = zip(*kept, strict=True)
            out.add(columns, list(heads))


def _stop_time_row(
    r: Row, stop_index: dict[str, int], trip_index: dict[str, int]
) -> tuple[int, int, int, int, int, int, int, int, str] | None:
    """Return (trip, stop, seq, arr, dep, pick, drop, line, headsign), reporting problems."""
    trip_id, stop_id = r.text("trip_id", required=True), r.text("stop_id", required=True)
    seq = r.integer("stop_sequence", None, range(0, 2**31), required=True)
    arr, dep = r.time("arrival_time"), r.time("departure_time")
    pick = r.integer("pickup_type", 0, range(4))
    drop = r.integer("drop_off_type", 0, range(4))
    if trip_id and trip_id not in trip_index:
        r.report.error(r.file, r.line, "trip_id", f"unknown trip_id {trip_id!r}")
    if stop_id and stop_id not in stop_index:
        r.report.error(r.file, r.line, "stop_id", f"unknown stop_id {stop_id!r}")
    if trip_id not in trip_index or stop_id not in stop_index or seq is None:
        return None
    arr, dep = (arr if arr >= 0 else dep), (dep if dep >= 0 else arr)
    return (trip_index[trip_id], stop_index[stop_id], seq, arr, dep, pick or 0, drop or 0,
            r.line, r.text("stop_headsign"))  # fmt: skip
