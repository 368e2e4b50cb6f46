"""Read a GTFS or GTFS-JP (日本版GTFS) feed from a folder or a zip into typed records.

Tolerant where GTFS allows it (UTF-8 with or without BOM, spaces around values, extra columns
such as ``jp_*`` kept in ``extra``, times past 24:00:00, stops with no ``parent_station``,
``calendar.txt`` and/or ``calendar_dates.txt``, translations in the standard or the old GTFS-JP
``trans_id,lang,translation`` layout) and strict where it does not: every problem is reported
with file, line and field in a ``ValidationReport``. Stop times are column arrays because
the journey planner builds NumPy timetables from them.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt

from kyoso.mobility.algorithms.gtfs_records import (
    Agency,
    AgencyJp,
    Calendar,
    CalendarDate,
    FareAttribute,
    FareRule,
    OfficeJp,
    Route,
    RouteJp,
    Stop,
    Transfer,
    Translation,
    Trip,
)
from kyoso.mobility.algorithms.gtfs_validation import (
    REQUIRED_COLUMNS,
    REQUIRED_FILES,
    Row,
    ValidationReport,
    check_feed,
)


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


@dataclass(slots=True)
class GtfsFeed:
    """A whole feed as records; ``extra_tables`` holds files this module has no record for."""

    agencies: list[Agency]
    stops: list[Stop]
    routes: list[Route]
    trips: list[Trip]
    stop_times: StopTimes
    calendars: list[Calendar]
    calendar_dates: list[CalendarDate]
    transfers: list[Transfer] = field(default_factory=list)
    fare_attributes: list[FareAttribute] = field(default_factory=list)
    fare_rules: list[FareRule] = field(default_factory=list)
    translations: list[Translation] = field(default_factory=list)
    agencies_jp: list[AgencyJp] = field(default_factory=list)
    offices_jp: list[OfficeJp] = field(default_factory=list)
    routes_jp: list[RouteJp] = field(default_factory=list)
    feed_info: dict[str, str] = field(default_factory=dict)
    extra_tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    def stop_by_id(self) -> dict[str, int]:
        """Return a map from stop_id to its index in ``stops``."""
        return {s.stop_id: i for i, s in enumerate(self.stops)}

    def translate(
        self, table: str, field_name: str, record_id: str, value: str, language: str
    ) -> str:
        """Return the translation of a field in ``language`` (either layout), else ``value``."""
        for t in self.translations:
            if t.language != language:
                continue
            if t.table_name is None:
                if t.field_value == value:
                    return t.translation
            elif (
                t.table_name == table
                and t.field_name == field_name
                and (t.record_id == record_id or (not t.record_id and t.field_value == value))
            ):
                return t.translation
        return value


def _open_source(source: Path) -> dict[str, bytes]:
    if source.is_dir():
        return {
            p.name: p.read_bytes() for p in source.iterdir() if p.is_file() and p.suffix == ".txt"
        }
    with zipfile.ZipFile(source) as zf:
        # Many publishers zip the folder rather than its contents.
        return {
            Path(n).name: zf.read(n)
            for n in zf.namelist()
            if n.endswith(".txt") and not n.startswith("__MACOSX")
        }


def _rows(name: str, data: bytes, report: ValidationReport) -> Iterator[Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report.error(name, 1, "", f"not UTF-8 ({exc.reason} at byte {exc.start})")
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    header_row = next(reader, None)
    if header_row is None:
        return
    header = {h.strip().lstrip("\ufeff"): i for i, h in enumerate(header_row)}
    for col in REQUIRED_COLUMNS.get(name, ()):
        if col not in header:
            report.error(name, 1, col, "required column is missing")
    start = reader.line_num
    for values in reader:
        if not values or (len(values) == 1 and not values[0].strip()):
            start = reader.line_num
            continue
        yield Row(name, header, values, start + 1, report)
        start = reader.line_num


def read_feed(source: str | Path) -> tuple[GtfsFeed, ValidationReport]:
    """Return the feed read from a folder or zip and the report of every problem found.

    Nothing is written anywhere: callers reject the feed when ``report.ok`` is False.
    """
    report = ValidationReport()
    files = _open_source(Path(source))
    for name in REQUIRED_FILES:
        if name not in files:
            report.error(name, 0, "", "required file is missing")
    if "calendar.txt" not in files and "calendar_dates.txt" not in files:
        report.error("calendar.txt", 0, "", "calendar.txt or calendar_dates.txt is required")

    def rows(name: str) -> Iterator[Row]:
        return _rows(name, files[name], report) if name in files else iter(())

    agencies = [Agency.from_row(r) for r in rows("agency.txt")]
    stops = [Stop.from_row(r) for r in rows("stops.txt")]
    routes = [Route.from_row(r) for r in rows("routes.txt")]
    trips = [Trip.from_row(r) for r in rows("trips.txt")]
    stop_index = {s.stop_id: i for i, s in enumerate(stops)}
    trip_index = {t.trip_id: i for i, t in enumerate(trips)}
    feed = GtfsFeed(
        agencies=agencies,
        stops=stops,
        routes=routes,
        trips=trips,
        stop_times=_stop_times(rows("stop_times.txt"), stop_index, trip_index),
        calendars=[Calendar.from_row(r) for r in rows("calendar.txt")],
        calendar_dates=[CalendarDate.from_row(r) for r in rows("calendar_dates.txt")],
        transfers=[Transfer.from_row(r) for r in rows("transfers.txt")],
        fare_attributes=[FareAttribute.from_row(r) for r in rows("fare_attributes.txt")],
        fare_rules=[FareRule.from_row(r) for r in rows("fare_rules.txt")],
        translations=[Translation.from_row(r) for r in rows("translations.txt")],
        agencies_jp=[AgencyJp.from_row(r) for r in rows("agency_jp.txt")],
        offices_jp=[OfficeJp.from_row(r) for r in rows("office_jp.txt")],
        routes_jp=[RouteJp.from_row(r) for r in rows("routes_jp.txt")],
        feed_info=next(({k: r.text(k) for k in r.header} for r in rows("feed_info.txt")), {}),
    )
    for name in sorted(set(files) - _KNOWN_FILES):
        feed.extra_tables[name.removesuffix(".txt")] = [
            {k: r.text(k) for k in r.header} for r in rows(name)
        ]
    check_feed(feed, report)
    return feed, report


_KNOWN_FILES = frozenset(
    [
        "agency.txt",
        "stops.txt",
        "routes.txt",
        "trips.txt",
        "stop_times.txt",
        "calendar.txt",
        "calendar_dates.txt",
        "transfers.txt",
        "fare_attributes.txt",
        "fare_rules.txt",
        "translations.txt",
        "agency_jp.txt",
        "office_jp.txt",
        "routes_jp.txt",
        "feed_info.txt",
    ]
)


def _stop_times(
    rows: Iterator[Row], stop_index: dict[str, int], trip_index: dict[str, int]
) -> StopTimes:
    cols: dict[str, list[int]] = {
        k: [] for k in ("trip", "stop", "seq", "arr", "dep", "pick", "drop", "line")
    }
    headsigns: list[str] = []
    for r in rows:
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
            continue
        # A blank time on one side means the same time on the other (GTFS allows either blank).
        arr, dep = (arr if arr >= 0 else dep), (dep if dep >= 0 else arr)
        for key, value in (
            ("trip", trip_index[trip_id]),
            ("stop", stop_index[stop_id]),
            ("seq", seq),
            ("arr", arr),
            ("dep", dep),
            ("pick", pick or 0),
            ("drop", drop or 0),
            ("line", r.line),
        ):
            cols[key].append(value)
        headsigns.append(r.text("stop_headsign"))
    return StopTimes(
        trip_index=np.array(cols["trip"], dtype=np.int32),
        stop_index=np.array(cols["stop"], dtype=np.int32),
        stop_sequence=np.array(cols["seq"], dtype=np.int64),
        arrival=np.array(cols["arr"], dtype=np.int32),
        departure=np.array(cols["dep"], dtype=np.int32),
        pickup_type=np.array(cols["pick"], dtype=np.int8),
        drop_off_type=np.array(cols["drop"], dtype=np.int8),
        line=np.array(cols["line"], dtype=np.int32),
        stop_headsign=headsigns,
    )


def active_service_ids(feed: GtfsFeed, day: date) -> frozenset[str]:
    """Return the service_ids running on ``day`` (calendar.txt, then calendar_dates.txt exceptions)."""
    active = {
        c.service_id
        for c in feed.calendars
        if c.start_date is not None
        and c.end_date is not None
        and c.start_date <= day <= c.end_date
        and c.weekdays[day.weekday()]
    }
    for d in feed.calendar_dates:
        if d.date == day:
            if d.exception_type == 1:
                active.add(d.service_id)
            elif d.exception_type == 2:
                active.discard(d.service_id)
    return frozenset(active)
