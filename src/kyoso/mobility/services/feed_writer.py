"""Write a validated ``GtfsFeed`` into the database as one new feed version, in bulk.

Called by ``services.feed_import`` inside its transaction; nothing here checks the feed (the
pure reader already did) or decides which feed is active.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import numpy as np
from django.db import models

from kyoso.core.models import City
from kyoso.mobility.algorithms.gtfs_feed import GtfsFeed
from kyoso.mobility.algorithms.gtfs_records import Translation as TranslationRecord
from kyoso.mobility.algorithms.gtfs_validation import Problem
from kyoso.mobility.models import (
    Agency,
    Calendar,
    CalendarDate,
    FareAttribute,
    FareRule,
    FareTable,
    Feed,
    Frequency,
    Route,
    ShapePoint,
    Stop,
    StopTime,
    Transfer,
    Translation,
    Trip,
)
from kyoso.mobility.services.feed_bulk import BATCH, raw_insert, write_stop_times, write_trips

# Child tables first, so a replaced feed is deleted with one statement per table.
FEED_TABLES: tuple[type[models.Model], ...] = (
    StopTime,
    ShapePoint,
    Transfer,
    FareRule,
    FareAttribute,
    FareTable,
    Frequency,
    Translation,
    CalendarDate,
    Calendar,
    Trip,
    Route,
    Stop,
    Agency,
)


def _bulk(model: type[models.Model], rows: Sequence[models.Model]) -> None:
    if rows:
        model.objects.bulk_create(rows, batch_size=BATCH)  # type: ignore[attr-defined]


class _Names:
    """Translations indexed both ways: (table, field, record_id) and the old (value) layout."""

    def __init__(self, records: Iterable[TranslationRecord]) -> None:
        self.by_record: dict[tuple[str, str, str], dict[str, str]] = defaultdict(dict)
        self.by_value: dict[str, dict[str, str]] = defaultdict(dict)
        for t in records:
            if t.table_name and t.record_id:
                key = (t.table_name, t.field_name or "", t.record_id)
                self.by_record[key][t.language] = t.translation
            else:
                self.by_value[t.field_value][t.language] = t.translation

    def of(self, table: str, field: str, record_id: str, value: str) -> dict[str, str]:
        found = dict(self.by_value.get(value, {}))
        found.update(self.by_record.get((table, field, record_id), {}))
        return found


# Fare files beyond v1 (GTFS-Fares v2, GTFS-JP rider categories), stored as rows of text.
FARE_FILES = (
    "fare_products",
    "fare_leg_rules",
    "fare_transfer_rules",
    "stop_areas",
    "route_networks",
    "rider_categories",
    "fare_rider_categories",
)

# Ids longer than their column would be cut and could then collide: such a feed is rejected.
ID_LIMITS: tuple[tuple[str, str, str, int], ...] = (
    ("agencies", "agency.txt", "agency_id", 100),
    ("stops", "stops.txt", "stop_id", 100),
    ("routes", "routes.txt", "route_id", 100),
    ("trips", "trips.txt", "trip_id", 150),
    ("trips", "trips.txt", "service_id", 100),
    ("trips", "trips.txt", "shape_id", 100),
    ("calendars", "calendar.txt", "service_id", 100),
    ("calendar_dates", "calendar_dates.txt", "service_id", 100),
    ("fare_attributes", "fare_attributes.txt", "fare_id", 100),
    ("frequencies", "frequencies.txt", "trip_id", 150),
)


def storage_problems(feed: GtfsFeed) -> list[Problem]:
    """Return errors for values this database cannot hold (ids too long, NUL characters)."""
    problems = []
    for table, file, field, limit in ID_LIMITS:
        for record in getattr(feed, table):
            value = getattr(record, field, "") or ""
            if len(value) > limit or "\x00" in value:
                problems.append(
                    Problem("error", file, record.line, field, f"longer than {limit} characters")
                )
    return problems


def write_feed(*, city: City, feed_row: Feed, feed: GtfsFeed) -> dict[str, int]:
    """Return row counts per table after inserting every record of ``feed`` under ``feed_row``."""
    common: dict[str, Any] = {"city": city, "feed": feed_row}
    names = _Names(feed.translations)
    _write_agencies(common, feed)
    stop_pk = _write_stops(common, feed, names)
    route_pk = _write_routes(common, feed, names)
    trip_pk = write_trips(city, feed_row, feed, route_pk)
    write_stop_times(city, feed_row, feed, trip_pk, stop_pk)
    _write_calendars(common, feed)
    n_shapes = _write_shapes(city, feed_row, feed)
    _write_fares(common, city, feed_row, feed)
    Frequency.objects.bulk_create(
        [
            Frequency(
                **common,
                trip_id=f.trip_id,
                start_time=f.start_time,
                end_time=f.end_time,
                headway_secs=f.headway_secs,
                exact_times=f.exact_times,
            )
            for f in feed.frequencies
        ],
        batch_size=BATCH,
    )
    FareTable.objects.bulk_create(
        [
            FareTable(**common, name=name, rows=feed.extra_tables[name])
            for name in FARE_FILES
            if feed.extra_tables.get(name)
        ]
    )
    _write_transfers_and_translations(common, feed)
    return {
        "agencies": len(feed.agencies),
        "stops": len(feed.stops),
        "routes": len(feed.routes),
        "trips": len(feed.trips),
        "stop_times": len(feed.stop_times.trip_index),
        "calendars": len(feed.calendars),
        "calendar_dates": len(feed.calendar_dates),
        "shape_points": n_shapes,
        "fares": len(feed.fare_attributes),
        "translations": len(feed.translations),
    }


def _write_agencies(common: dict[str, Any], feed: GtfsFeed) -> None:
    jp_agency = {a.agency_id: a for a in feed.agencies_jp}
    _bulk(
        Agency,
        [
            Agency(
                **common,
                agency_id=a.agency_id,
                name=a.name[:200],
                url=a.url[:300],
                timezone=(a.timezone or "Asia/Tokyo")[:40],
                lang=a.lang[:10],
                phone=a.phone[:40],
                extra={
                    **a.extra,
                    **(
                        {
                            "official_name": jp_agency[a.agency_id].official_name,
                            "zip_number": jp_agency[a.agency_id].zip_number,
                            "address": jp_agency[a.agency_id].address,
                            "president_pos": jp_agency[a.agency_id].president_pos,
                            "president_name": jp_agency[a.agency_id].president_name,
                        }
                        if a.agency_id in jp_agency
                        else {}
                    ),
                },
            )
            for a in feed.agencies
        ],
    )


def _write_routes(common: dict[str, Any], feed: GtfsFeed, names: _Names) -> dict[str, int]:
    routes_jp = {r.route_id: r for r in feed.routes_jp}
    route_rows = []
    for r in feed.routes:
        jp = dict(r.extra)
        if r.route_id in routes_jp:
            rj = routes_jp[r.route_id]
            jp.update(
                update_date=rj.update_date,
                origin_stop=rj.origin_stop,
                via_stop=rj.via_stop,
                destination_stop=rj.destination_stop,
            )
        tr = names.of("routes", "route_long_name", r.route_id, r.long_name)
        route_rows.append(
            Route(
                **common,
                route_id=r.route_id,
                agency_id=r.agency_id,
                short_name=r.short_name[:100],
                long_name=r.long_name[:300],
                long_name_en=tr.get("en", "")[:300],
                route_type=r.route_type,
                color=r.color[:6],
                text_color=r.text_color[:6],
                jp=jp,
            )
        )
    _bulk(Route, route_rows)
    route_pk = {r.route_id: r.pk for r in route_rows}
    return route_pk


def _write_calendars(common: dict[str, Any], feed: GtfsFeed) -> None:
    _bulk(
        Calendar,
        [
            Calendar(
                **common,
                service_id=c.service_id,
                monday=c.weekdays[0],
                tuesday=c.weekdays[1],
                wednesday=c.weekdays[2],
                thursday=c.weekdays[3],
                friday=c.weekdays[4],
                saturday=c.weekdays[5],
                sunday=c.weekdays[6],
                start_date=c.start_date or date.min,
                end_date=c.end_date or date.max,
            )
            for c in feed.calendars
        ],
    )
    _bulk(
        CalendarDate,
        [
            CalendarDate(
                **common, service_id=d.service_id, date=d.date, exception_type=d.exception_type
            )
            for d in feed.calendar_dates
            if d.date is not None
        ],
    )


def _write_shapes(city: City, feed_row: Feed, feed: GtfsFeed) -> int:
    shapes = feed.extra_tables.get("shapes", [])
    raw_insert(
        ShapePoint,
        ("city_id", "feed_id", "shape_id", "sequence", "lat", "lon", "dist_traveled"),
        (
            (
                city.pk,
                feed_row.pk,
                sh["shape_id"],
                int(sh["shape_pt_sequence"]),
                float(sh["shape_pt_lat"]),
                float(sh["shape_pt_lon"]),
                float(sh["shape_dist_traveled"]) if sh.get("shape_dist_traveled") else None,
            )
            for sh in _valid_shapes(shapes)
        ),
    )
    return len(shapes)


def _write_fares(common: dict[str, Any], city: City, feed_row: Feed, feed: GtfsFeed) -> None:
    _bulk(
        FareAttribute,
        [
            FareAttribute(
                **common,
                fare_id=f.fare_id,
                price=f.price,
                currency_type=f.currency_type or "JPY",
                payment_method=f.payment_method,
                transfers=f.transfers,
                agency_id=f.agency_id,
                transfer_duration=f.transfer_duration,
            )
            for f in feed.fare_attributes
        ],
    )
    raw_insert(
        FareRule,
        ("city_id", "feed_id", "fare_id", "route_id", "origin_id", "destination_id", "contains_id"),
        [
            (
                city.pk,
                feed_row.pk,
                f.fare_id,
                f.route_id,
                f.origin_id,
                f.destination_id,
                f.contains_id,
            )
            for f in feed.fare_rules
        ],
    )


def _write_transfers_and_translations(common: dict[str, Any], feed: GtfsFeed) -> None:
    _bulk(
        Transfer,
        [
            Transfer(
                **common,
                from_stop_id=t.from_stop_id,
                to_stop_id=t.to_stop_id,
                transfer_type=t.transfer_type,
                min_transfer_time=t.min_transfer_time,
            )
            for t in feed.transfers
        ],
    )
    _bulk(
        Translation,
        [
            Translation(
                **common,
                table_name=t.table_name or "",
                field_name=t.field_name or "",
                language=t.language[:20],
                translation=t.translation[:300],
                record_id=t.record_id[:150],
                record_sub_id=t.record_sub_id[:150],
                field_value=t.field_value[:300],
            )
            for t in feed.translations
        ],
    )


def _valid_shapes(rows: list[dict[str, str]]) -> Iterable[dict[str, str]]:
    seen: set[tuple[str, int]] = set()
    for s in rows:
        try:
            key = (s["shape_id"], int(s["shape_pt_sequence"]))
            float(s["shape_pt_lat"]), float(s["shape_pt_lon"])
        except (KeyError, ValueError):
            continue  # shapes are drawing aids; a bad point is skipped, not fatal
        if key not in seen:
            seen.add(key)
            yield s


def _write_stops(common: dict[str, Any], feed: GtfsFeed, names: _Names) -> np.ndarray:
    """Insert stops parents first; return the primary key of each stop by its feed index."""
    pks = np.zeros(len(feed.stops), dtype=np.int64)
    index = feed.stop_by_id()
    pending = list(range(len(feed.stops)))
    created: dict[str, int] = {}
    while pending:
        ready = [
            i
            for i in pending
            if not feed.stops[i].parent_station
            or feed.stops[i].parent_station in created
            or feed.stops[i].parent_station not in index
        ]
        if not ready:  # a parent cycle: write the rest without parents
            ready = pending
        rows = []
        for i in ready:
            s = feed.stops[i]
            tr = names.of("stops", "stop_name", s.stop_id, s.name)
            rows.append(
                Stop(
                    **common,
                    stop_id=s.stop_id,
                    name=s.name[:200],
                    name_en=tr.get("en", "")[:200],
                    translations=tr,
                    lat=s.lat,
                    lon=s.lon,
                    location_type=s.location_type,
                    parent_id=created.get(s.parent_station),
                    wheelchair_boarding=s.wheelchair_boarding,
                    zone_id=s.zone_id[:100],
                    platform_code=s.platform_code[:40],
                    extra=s.extra,
                )
            )
        _bulk(Stop, rows)
        for i, row in zip(ready, rows, strict=True):
            pks[i] = row.pk
            created[row.stop_id] = row.pk
        done = set(ready)
        pending = [i for i in pending if i not in done]
    return pks


def delete_feed_rows(feed_row: Feed) -> None:
    """Return None after deleting every timetable row of ``feed_row`` (the row itself stays)."""
    # A raw DELETE per table: Django's collector would load every row when any app listens to
    # delete signals, and timetable rows have no behaviour on deletion.
    for model in FEED_TABLES:
        qs = model.objects.filter(feed=feed_row)  # type: ignore[attr-defined]
        qs._raw_delete(qs.db)
