"""Typed records of GTFS / GTFS-JP files, each built from a ``Row`` that reports bad fields.

Each record keeps the 1-based CSV ``line`` it came from so later checks can name it, and the
records of the core files keep unknown columns (GTFS-JP ``jp_*`` and others) in ``extra``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kyoso.mobility.algorithms.gtfs_validation import Row

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True, slots=True)
class Agency:
    agency_id: str
    name: str
    url: str
    timezone: str
    lang: str
    phone: str
    line: int
    extra: dict[str, str]

    @classmethod
    def from_row(cls, r: Row) -> Agency:
        known = frozenset(
            [
                "agency_id",
                "agency_name",
                "agency_url",
                "agency_timezone",
                "agency_lang",
                "agency_phone",
            ]
        )
        return cls(
            r.text("agency_id"),
            r.text("agency_name", True),
            r.text("agency_url", True),
            r.text("agency_timezone", True),
            r.text("agency_lang"),
            r.text("agency_phone"),
            r.line,
            r.extras(known),
        )


@dataclass(frozen=True, slots=True)
class Stop:
    """A stop; ``wheelchair_boarding`` is 0 unknown/inherit, 1 possible, 2 impossible."""

    stop_id: str
    name: str
    lat: float | None
    lon: float | None
    location_type: int
    parent_station: str
    wheelchair_boarding: int
    zone_id: str
    platform_code: str
    line: int
    extra: dict[str, str]

    @classmethod
    def from_row(cls, r: Row) -> Stop:
        known = frozenset(
            [
                "stop_id",
                "stop_name",
                "stop_lat",
                "stop_lon",
                "location_type",
                "parent_station",
                "wheelchair_boarding",
                "zone_id",
                "platform_code",
            ]
        )
        kind = r.integer("location_type", 0, range(5)) or 0
        return cls(
            r.text("stop_id", True),
            r.text("stop_name", kind in (0, 1, 2)),
            r.number("stop_lat", -90.0, 90.0),
            r.number("stop_lon", -180.0, 180.0),
            kind,
            r.text("parent_station"),
            r.integer("wheelchair_boarding", 0, range(3)) or 0,
            r.text("zone_id"),
            r.text("platform_code"),
            r.line,
            r.extras(known),
        )


@dataclass(frozen=True, slots=True)
class Route:
    route_id: str
    agency_id: str
    short_name: str
    long_name: str
    route_type: int
    color: str
    text_color: str
    line: int
    extra: dict[str, str]

    @classmethod
    def from_row(cls, r: Row) -> Route:
        known = frozenset(
            [
                "route_id",
                "agency_id",
                "route_short_name",
                "route_long_name",
                "route_type",
                "route_color",
                "route_text_color",
            ]
        )
        return cls(
            r.text("route_id", True),
            r.text("agency_id"),
            r.text("route_short_name"),
            r.text("route_long_name"),
            r.integer("route_type", 3, range(0, 1800), required=True) or 0,
            r.text("route_color"),
            r.text("route_text_color"),
            r.line,
            r.extras(known),
        )


@dataclass(frozen=True, slots=True)
class Trip:
    """A trip; ``wheelchair_accessible`` is 0 unknown, 1 accessible, 2 not accessible."""

    trip_id: str
    route_id: str
    service_id: str
    headsign: str
    direction_id: int | None
    shape_id: str
    wheelchair_accessible: int
    line: int
    extra: dict[str, str]

    @classmethod
    def from_row(cls, r: Row) -> Trip:
        known = frozenset(
            [
                "trip_id",
                "route_id",
                "service_id",
                "trip_headsign",
                "direction_id",
                "shape_id",
                "wheelchair_accessible",
            ]
        )
        return cls(
            r.text("trip_id", True),
            r.text("route_id", True),
            r.text("service_id", True),
            r.text("trip_headsign"),
            r.integer("direction_id", None, range(2)),
            r.text("shape_id"),
            r.integer("wheelchair_accessible", 0, range(3)) or 0,
            r.line,
            r.extras(known),
        )


@dataclass(frozen=True, slots=True)
class Calendar:
    service_id: str
    weekdays: tuple[bool, ...]
    start_date: date | None
    end_date: date | None
    line: int

    @classmethod
    def from_row(cls, r: Row) -> Calendar:
        days = tuple(bool(r.integer(d, 0, range(2), required=True)) for d in _WEEKDAYS)
        return cls(r.text("service_id", True), days, r.day("start_date"), r.day("end_date"), r.line)


@dataclass(frozen=True, slots=True)
class CalendarDate:
    """An exception: ``exception_type`` 1 adds the service on ``date``, 2 removes it."""

    service_id: str
    date: date | None
    exception_type: int
    line: int

    @classmethod
    def from_row(cls, r: Row) -> CalendarDate:
        kind = r.integer("exception_type", 0, range(1, 3), required=True) or 0
        return cls(r.text("service_id", True), r.day("date"), kind, r.line)


@dataclass(frozen=True, slots=True)
class Frequency:
    """frequencies.txt: the trip runs every ``headway_secs`` from ``start_time`` until before
    ``end_time`` (seconds of the service day), its stop_times giving the times between stops."""

    trip_id: str
    start_time: int
    end_time: int
    headway_secs: int
    exact_times: int
    line: int

    @classmethod
    def from_row(cls, r: Row) -> Frequency:
        r.text("start_time", True), r.text("end_time", True)  # reports an empty one
        start, end = r.time("start_time"), r.time("end_time")
        if 0 <= end <= start:
            r.report.error(r.file, r.line, "end_time", "must be after start_time")
        return cls(
            r.text("trip_id", True),
            start,
            end,
            r.integer("headway_secs", 0, range(1, 86_400), required=True) or 0,
            r.integer("exact_times", 0, range(2)) or 0,
            r.line,
        )


@dataclass(frozen=True, slots=True)
class Transfer:
    """transfers.txt: type 2 needs ``min_transfer_time`` seconds, type 3 forbids the transfer."""

    from_stop_id: str
    to_stop_id: str
    transfer_type: int
    min_transfer_time: int | None
    line: int

    @classmethod
    def from_row(cls, r: Row) -> Transfer:
        return cls(
            r.text("from_stop_id", True),
            r.text("to_stop_id", True),
            r.integer("transfer_type", 0, range(6)) or 0,
            r.integer("min_transfer_time", None, range(0, 2**31)),
            r.line,
        )


@dataclass(frozen=True, slots=True)
class FareAttribute:
    """A fare; ``price`` is a Decimal because money is never a float."""

    fare_id: str
    price: Decimal | None
    currency_type: str
    payment_method: int | None
    transfers: int | None
    agency_id: str
    transfer_duration: int | None
    line: int

    @classmethod
    def from_row(cls, r: Row) -> FareAttribute:
        return cls(
            r.text("fare_id", True),
            r.decimal("price"),
            r.text("currency_type", True),
            r.integer("payment_method", None, range(2), required=True),
            r.integer("transfers", None, range(3)),
            r.text("agency_id"),
            r.integer("transfer_duration", None, range(0, 2**31)),
            r.line,
        )


@dataclass(frozen=True, slots=True)
class FareRule:
    fare_id: str
    route_id: str
    origin_id: str
    destination_id: str
    contains_id: str
    line: int

    @classmethod
    def from_row(cls, r: Row) -> FareRule:
        return cls(
            r.text("fare_id", True),
            r.text("route_id"),
            r.text("origin_id"),
            r.text("destination_id"),
            r.text("contains_id"),
            r.line,
        )


@dataclass(frozen=True, slots=True)
class Translation:
    """A translation; the old GTFS-JP layout has only ``field_value`` (its ``trans_id``)."""

    table_name: str | None
    field_name: str | None
    language: str
    translation: str
    record_id: str
    record_sub_id: str
    field_value: str
    line: int

    @classmethod
    def from_row(cls, r: Row) -> Translation:
        if "trans_id" in r.header:
            lang, text = r.text("lang", True), r.text("translation", True)
            return cls(None, None, lang, text, "", "", r.text("trans_id", True), r.line)
        return cls(
            r.text("table_name", True),
            r.text("field_name", True),
            r.text("language", True),
            r.text("translation", True),
            r.text("record_id"),
            r.text("record_sub_id"),
            r.text("field_value"),
            r.line,
        )


@dataclass(frozen=True, slots=True)
class AgencyJp:
    agency_id: str
    official_name: str
    zip_number: str
    address: str
    president_pos: str
    president_name: str
    line: int

    @classmethod
    def from_row(cls, r: Row) -> AgencyJp:
        return cls(
            r.text("agency_id", True),
            r.text("agency_official_name"),
            r.text("agency_zip_number"),
            r.text("agency_address"),
            r.text("agency_president_pos"),
            r.text("agency_president_name"),
            r.line,
        )


@dataclass(frozen=True, slots=True)
class OfficeJp:
    office_id: str
    name: str
    url: str
    phone: str
    line: int

    @classmethod
    def from_row(cls, r: Row) -> OfficeJp:
        return cls(
            r.text("office_id", True),
            r.text("office_name", True),
            r.text("office_url"),
            r.text("office_phone"),
            r.line,
        )


@dataclass(frozen=True, slots=True)
class RouteJp:
    route_id: str
    update_date: str
    origin_stop: str
    via_stop: str
    destination_stop: str
    line: int

    @classmethod
    def from_row(cls, r: Row) -> RouteJp:
        return cls(
            r.text("route_id", True),
            r.text("route_update_date"),
            r.text("origin_stop"),
            r.text("via_stop"),
            r.text("destination_stop"),
            r.line,
        )
