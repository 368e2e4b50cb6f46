"""Problems found in a GTFS / GTFS-JP feed, and the cross-file checks that find them.

Parsing (``gtfs_feed``) reports what is wrong inside one field; this module holds the report
types and the checks that need several rows or files: duplicate ids, unknown references,
stop_sequence and time order, coordinates. Errors make a feed unusable (it must be rejected
before anything is written); warnings describe data that still works.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:
    from kyoso.mobility.algorithms.gtfs_feed import GtfsFeed

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in a feed: where it is (file, 1-based line, field) and what is wrong."""

    severity: Severity
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.file}:{self.line} [{self.field}] {self.message}"


@dataclass(slots=True)
class ValidationReport:
    """All problems of a feed; the feed is acceptable when there are no errors."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, severity: Severity, file: str, line: int, field_name: str, message: str) -> None:
        self.problems.append(Problem(severity, file, line, field_name, message))

    def error(self, file: str, line: int, field_name: str, message: str) -> None:
        self.add("error", file, line, field_name, message)

    def warning(self, file: str, line: int, field_name: str, message: str) -> None:
        self.add("warning", file, line, field_name, message)

    @property
    def errors(self) -> list[Problem]:
        """Return the problems of severity error."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Return the problems of severity warning."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """Return True when the feed has no error."""
        return not any(p.severity == "error" for p in self.problems)

    def raise_for_errors(self) -> None:
        """Return None, or raise GtfsValidationError when the report holds an error."""
        if not self.ok:
            raise GtfsValidationError(self)


_TIME = re.compile(r"^(\d{1,3}):([0-5]\d):([0-5]\d)$")


def parse_time(text: str) -> int | None:
    """Return seconds after noon-minus-12h of a GTFS time (``25:10:00`` is allowed), or None."""
    m = _TIME.match(text.strip())
    if m is None:
        return None
    return int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3])


class Row:
    """One CSV row; typed getters report bad values (with file, line, field) and return defaults."""

    __slots__ = ("file", "header", "line", "report", "values")

    def __init__(
        self,
        file: str,
        header: dict[str, int],
        values: list[str],
        line: int,
        report: ValidationReport,
    ) -> None:
        self.file, self.header, self.values, self.line, self.report = (
            file,
            header,
            values,
            line,
            report,
        )

    def text(self, name: str, required: bool = False) -> str:
        i = self.header.get(name)
        value = self.values[i].strip() if i is not None and i < len(self.values) else ""
        if required and not value and i is not None:
            self.report.error(self.file, self.line, name, "required value is empty")
        return value

    def integer(
        self, name: str, default: int | None, allowed: range | None = None, required: bool = False
    ) -> int | None:
        raw = self.text(name, required)
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            self.report.error(self.file, self.line, name, f"not an integer: {raw!r}")
            return default
        if allowed is not None and value not in allowed:
            self.report.error(
                self.file,
                self.line,
                name,
                f"{value} is not one of {allowed.start}..{allowed.stop - 1}",
            )
            return default
        return value

    def number(self, name: str, low: float, high: float) -> float | None:
        raw = self.text(name)
        if not raw:
            return None
        try:
            value = float(raw)
        except ValueError:
            self.report.error(self.file, self.line, name, f"not a number: {raw!r}")
            return None
        if not low <= value <= high:
            self.report.error(self.file, self.line, name, f"{value} is outside [{low}, {high}]")
            return None
        return value

    def decimal(self, name: str) -> Decimal | None:
        raw = self.text(name)
        try:
            return Decimal(raw) if raw else None
        except InvalidOperation:
            self.report.error(self.file, self.line, name, f"not a number: {raw!r}")
            return None

    def time(self, name: str) -> int:
        raw = self.text(name)
        if not raw:
            return -1
        seconds = parse_time(raw)
        if seconds is None:
            self.report.error(self.file, self.line, name, f"not a time HH:MM:SS: {raw!r}")
            return -1
        return seconds

    def day(self, name: str) -> date | None:
        raw = self.text(name, required=True)
        try:
            return (
                date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))
                if len(raw) == 8 and raw.isdigit()
                else _bad_date(raw)
            )
        except ValueError:
            self.report.error(self.file, self.line, name, f"not a date YYYYMMDD: {raw!r}")
            return None

    def extras(self, known: frozenset[str]) -> dict[str, str]:
        return {k: self.text(k) for k in self.header if k not in known and self.text(k)}


def _bad_date(raw: str) -> date:
    raise ValueError(raw)


class GtfsValidationError(ValueError):
    """A feed was rejected; ``report`` names every problem."""

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        first = "; ".join(str(p) for p in report.errors[:5])
        super().__init__(f"{len(report.errors)} error(s) in GTFS feed: {first}")


REQUIRED_FILES = ("agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt")

REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "agency.txt": ("agency_name", "agency_url", "agency_timezone"),
    "stops.txt": ("stop_id",),
    "routes.txt": ("route_id", "route_type"),
    "trips.txt": ("route_id", "service_id", "trip_id"),
    "stop_times.txt": ("trip_id", "stop_id", "stop_sequence"),
    "calendar.txt": (
        "service_id",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "start_date",
        "end_date",
    ),
    "calendar_dates.txt": ("service_id", "date", "exception_type"),
    "transfers.txt": ("from_stop_id", "to_stop_id", "transfer_type"),
    "frequencies.txt": ("trip_id", "start_time", "end_time", "headway_secs"),
    "fare_attributes.txt": ("fare_id", "price", "currency_type", "payment_method"),
    "fare_rules.txt": ("fare_id",),
    "agency_jp.txt": ("agency_id",),
    "office_jp.txt": ("office_id", "office_name"),
    "routes_jp.txt": ("route_id",),
    "feed_info.txt": ("feed_publisher_name", "feed_publisher_url", "feed_lang"),
}


def _duplicates(
    report: ValidationReport, file: str, column: str, keyed: Iterable[tuple[str, int]]
) -> None:
    seen: dict[str, int] = {}
    for key, line in keyed:
        if key in seen:
            report.error(
                file, line, column, f"duplicate {column} {key!r} (first on line {seen[key]})"
            )
        else:
            seen[key] = line


def check_feed(feed: GtfsFeed, report: ValidationReport) -> None:
    """Return None; add to ``report`` the problems that span rows or files of ``feed``."""
    _duplicates(report, "agency.txt", "agency_id", ((a.agency_id, a.line) for a in feed.agencies))
    _duplicates(report, "stops.txt", "stop_id", ((s.stop_id, s.line) for s in feed.stops))
    _duplicates(report, "routes.txt", "route_id", ((r.route_id, r.line) for r in feed.routes))
    _duplicates(report, "trips.txt", "trip_id", ((t.trip_id, t.line) for t in feed.trips))
    _duplicates(
        report, "calendar.txt", "service_id", ((c.service_id, c.line) for c in feed.calendars)
    )
    if len(feed.agencies) > 1:
        for a in feed.agencies:
            if not a.agency_id:
                report.error(
                    "agency.txt", a.line, "agency_id", "required when there are several agencies"
                )
    _check_stops(feed, report)
    agency_ids = {a.agency_id for a in feed.agencies}
    for r in feed.routes:
        if r.agency_id and r.agency_id not in agency_ids:
            report.error("routes.txt", r.line, "agency_id", f"unknown agency_id {r.agency_id!r}")
        if not r.short_name and not r.long_name:
            # GTFS calls this an error, but journeys work without it (the Utsunomiya LRT feed).
            report.warning(
                "routes.txt",
                r.line,
                "route_short_name",
                "route_short_name or route_long_name should be set",
            )
    route_ids = {r.route_id for r in feed.routes}
    service_ids = {c.service_id for c in feed.calendars} | {
        d.service_id for d in feed.calendar_dates
    }
    for t in feed.trips:
        if t.route_id not in route_ids:
            report.error("trips.txt", t.line, "route_id", f"unknown route_id {t.route_id!r}")
        if t.service_id not in service_ids:
            report.error(
                "trips.txt",
                t.line,
                "service_id",
                f"service_id {t.service_id!r} is in neither calendar.txt nor calendar_dates.txt",
            )
    stop_ids = {s.stop_id for s in feed.stops}
    for tr in feed.transfers:
        for name, value in (("from_stop_id", tr.from_stop_id), ("to_stop_id", tr.to_stop_id)):
            if value not in stop_ids:
                report.error("transfers.txt", tr.line, name, f"unknown stop_id {value!r}")
    trip_ids = {t.trip_id for t in feed.trips}
    for f in feed.frequencies:
        if f.trip_id not in trip_ids:
            report.error("frequencies.txt", f.line, "trip_id", f"unknown trip_id {f.trip_id!r}")
    _check_stop_times(feed, report)


def _check_stops(feed: GtfsFeed, report: ValidationReport) -> None:
    by_id = {s.stop_id: s for s in feed.stops}
    for s in feed.stops:
        if s.parent_station:
            parent = by_id.get(s.parent_station)
            if parent is None:
                report.error(
                    "stops.txt",
                    s.line,
                    "parent_station",
                    f"unknown parent_station {s.parent_station!r}",
                )
            elif parent.location_type != 1 and s.location_type in (0, 2, 3):
                report.warning(
                    "stops.txt",
                    s.line,
                    "parent_station",
                    f"parent {s.parent_station!r} is not a station (location_type=1)",
                )
        if s.location_type in (0, 1, 2):
            if s.lat is None or s.lon is None:
                report.error(
                    "stops.txt",
                    s.line,
                    "stop_lat",
                    "coordinates are required for this location_type",
                )
            elif s.lat == 0.0 and s.lon == 0.0:
                report.warning("stops.txt", s.line, "stop_lat", "coordinates are (0, 0)")


def _check_stop_times(feed: GtfsFeed, report: ValidationReport) -> None:
    st = feed.stop_times
    n = len(st.trip_index)
    if n == 0:
        return
    order = np.lexsort((st.stop_sequence, st.trip_index))
    trip, seq = st.trip_index[order], st.stop_sequence[order]
    arr, dep, line = st.arrival[order], st.departure[order], st.line[order]
    same = trip[1:] == trip[:-1]
    for i in np.flatnonzero(same & (seq[1:] == seq[:-1])):
        report.error(
            "stop_times.txt",
            int(line[i + 1]),
            "stop_sequence",
            f"duplicate stop_sequence {int(seq[i + 1])} in trip {feed.trips[int(trip[i])].trip_id!r}",
        )
    for i in np.flatnonzero((arr >= 0) & (dep >= 0) & (dep < arr)):
        report.error(
            "stop_times.txt",
            int(line[i]),
            "departure_time",
            "departure_time is before arrival_time",
        )
    trips_l, arr_l, dep_l, line_l = trip.tolist(), arr.tolist(), dep.tolist(), line.tolist()
    last_time, current = -1, -1
    for k in range(n):
        if trips_l[k] != current:
            current, last_time = trips_l[k], -1
            if arr_l[k] < 0 and dep_l[k] < 0:
                report.error(
                    "stop_times.txt",
                    line_l[k],
                    "arrival_time",
                    "the first stop of a trip needs times",
                )
        elif (k + 1 == n or trips_l[k + 1] != current) and arr_l[k] < 0 and dep_l[k] < 0:
            report.error(
                "stop_times.txt", line_l[k], "arrival_time", "the last stop of a trip needs times"
            )
        for name, t in (("arrival_time", arr_l[k]), ("departure_time", dep_l[k])):
            if t < 0:
                continue
            if t < last_time:
                trip_id = feed.trips[current].trip_id
                report.error(
                    "stop_times.txt", line_l[k], name, f"time goes back along trip {trip_id!r}"
                )
            last_time = max(last_time, t)
    counts: defaultdict[int, int] = defaultdict(int)
    for trip_number in trips_l:
        counts[trip_number] += 1
    for number, tr in enumerate(feed.trips):
        if counts[number] < 2:
            report.warning(
                "trips.txt",
                tr.line,
                "trip_id",
                f"trip {tr.trip_id!r} has fewer than two stop_times",
            )
    kinds = np.array([s.location_type for s in feed.stops], dtype=np.int8)
    for i in np.flatnonzero(kinds[st.stop_index] != 0):
        report.warning(
            "stop_times.txt",
            int(st.line[i]),
            "stop_id",
            "stop_times should name a stop or platform (location_type 0)",
        )
