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

from kyoso.mobility.algorithms.gtfs_records import (
    Agency,
    AgencyJp,
    Calendar,
    CalendarDate,
    FareAttribute,
    FareRule,
    Frequency,
    OfficeJp,
    Route,
    RouteJp,
    Stop,
    Transfer,
    Translation,
    Trip,
)
from kyoso.mobility.algorithms.gtfs_stop_times import (
    StopTimes,
    check_columns,
    header_of,
    read_stop_times,
)
from kyoso.mobility.algorithms.gtfs_validation import (
    REQUIRED_FILES,
    Row,
    ValidationReport,
    check_feed,
)


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
    frequencies: list[Frequency] = field(default_factory=list)
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


class FeedTooLargeError(ValueError):
    """The feed breaks a size limit: a zip bomb, or more than this server takes."""


@dataclass(frozen=True)
class FeedLimits:
    """What a feed may unpack to. A large real feed (1 M stop times) is about 60 MB unpacked
    with a ratio near 10; a zip bomb is thousands to one."""

    max_entries: int = 500
    max_file_bytes: int = 512 * 1024 * 1024
    max_total_bytes: int = 1024 * 1024 * 1024
    max_ratio: int = 100  # unpacked / packed, for entries over 1 MiB unpacked


CHUNK = 1024 * 1024


def _read_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, room: int, limits: FeedLimits) -> bytes:
    """Read one entry, stopping as soon as it passes a limit (the sizes in a zip can lie)."""
    cap = min(limits.max_file_bytes, room)
    parts: list[bytes] = []
    size = 0
    with zf.open(info) as stream:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > cap:
                which = "file" if cap == limits.max_file_bytes else "feed"
                raise FeedTooLargeError(
                    f"{info.filename}: the {which} unpacks to more than {cap // 2**20} MiB"
                )
            if size > CHUNK and size > limits.max_ratio * max(info.compress_size, 1):
                raise FeedTooLargeError(
                    f"{info.filename}: unpacks to over {limits.max_ratio} times its packed size "
                    "(a zip bomb?)"
                )
            parts.append(chunk)
    return b"".join(parts)


def _open_source(source: Path, limits: FeedLimits) -> dict[str, bytes]:
    if source.is_dir():
        return {
            p.name: p.read_bytes() for p in source.iterdir() if p.is_file() and p.suffix == ".txt"
        }
    with zipfile.ZipFile(source) as zf:
        entries = zf.infolist()
        if len(entries) > limits.max_entries:
            raise FeedTooLargeError(
                f"the zip holds {len(entries)} entries; a feed has at most {limits.max_entries}"
            )
        files: dict[str, bytes] = {}
        total = 0
        # Many publishers zip the folder rather than its contents.
        for info in entries:
            n = info.filename
            if info.is_dir() or not n.endswith(".txt") or n.startswith("__MACOSX"):
                continue
            data = _read_entry(zf, info, limits.max_total_bytes - total, limits)
            total += len(data)
            files[Path(n).name] = data
        return files


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
    header = header_of(header_row)
    check_columns(name, header, report)
    start = reader.line_num
    for values in reader:
        if not values or (len(values) == 1 and not values[0].strip()):
            start = reader.line_num
            continue
        yield Row(name, header, values, start + 1, report)
        start = reader.line_num


def read_feed(
    source: str | Path, limits: FeedLimits | None = None
) -> tuple[GtfsFeed, ValidationReport]:
    """Return the feed read from a folder or zip and the report of every problem found.

    Nothing is written anywhere: callers reject the feed when ``report.ok`` is False. A zip
    that unpacks past ``limits`` raises FeedTooLargeError (a ValueError) before it is all read.
    """
    report = ValidationReport()
    files = _open_source(Path(source), limits or FeedLimits())
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
        stop_times=read_stop_times(
            "stop_times.txt",
            files.get("stop_times.txt"),
            report,
            stop_index,
            trip_index,
            rows("stop_times.txt"),
        ),
        calendars=[Calendar.from_row(r) for r in rows("calendar.txt")],
        calendar_dates=[CalendarDate.from_row(r) for r in rows("calendar_dates.txt")],
        transfers=[Transfer.from_row(r) for r in rows("transfers.txt")],
        frequencies=[Frequency.from_row(r) for r in rows("frequencies.txt")],
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
        "frequencies.txt",
        "fare_attributes.txt",
        "fare_rules.txt",
        "translations.txt",
        "agency_jp.txt",
        "office_jp.txt",
        "routes_jp.txt",
        "feed_info.txt",
    ]
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
