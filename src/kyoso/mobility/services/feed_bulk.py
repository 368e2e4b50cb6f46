"""Bulk writes of the big feed tables (trips, stop times), used by ``feed_writer``.

A million stop times leave Python as blocks of column values: on PostgreSQL as COPY text made
by one ``%``-format per row, on SQLite as ``executemany`` over ``zip`` of the columns, with a
larger page cache while they go in. Nothing builds a model instance or a tuple per row in
Python code. Ids are checked against the feed's own rows before anything is written (the two
big tables have no database foreign keys).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

import numpy as np
from django.db import IntegrityError, connection, models

from kyoso.core.models import City
from kyoso.mobility.algorithms.gtfs_feed import GtfsFeed
from kyoso.mobility.models import Feed, Stop, StopTime, Trip

BATCH = 5000
BLOCK = 32768  # stop times per block: a few MiB of Python values at a time
SQLITE_CACHE_KIB = 65536  # page cache while the big tables are written (SQLite default: 2 MiB)

STOP_TIME_COLUMNS = (
    "city_id",
    "feed_id",
    "trip_id",
    "stop_id",
    "stop_sequence",
    "arrival",
    "departure",
    "pickup_type",
    "drop_off_type",
    "headsign",
)
TRIP_COLUMNS = (
    "city_id",
    "feed_id",
    "trip_id",
    "route_id",
    "service_id",
    "headsign",
    "direction_id",
    "shape_id",
    "wheelchair_accessible",
    "first_departure",
    "last_arrival",
    "extra",
)


def write_trips(city: City, feed_row: Feed, feed: GtfsFeed, route_pk: dict[str, int]) -> np.ndarray:
    """Return the primary key of each trip by its feed index, after inserting them all."""
    st = feed.stop_times
    n_trips = len(feed.trips)
    first = np.full(n_trips, 2**31 - 1, dtype=np.int64)
    last = np.full(n_trips, -1, dtype=np.int64)
    if len(st.trip_index):
        np.minimum.at(first, st.trip_index, st.departure)
        np.maximum.at(last, st.trip_index, st.arrival)
    first[last < 0], last[last < 0] = 0, 0
    raw_insert(
        Trip,
        TRIP_COLUMNS,
        (
            (city.pk, feed_row.pk, t.trip_id, route_pk[t.route_id], t.service_id,
             t.headsign[:200], t.direction_id, t.shape_id, t.wheelchair_accessible,
             int(first[i]), int(last[i]), json.dumps(t.extra))
            for i, t in enumerate(feed.trips)
        ),
    )  # fmt: skip
    pk_of = dict(Trip.objects.filter(feed=feed_row).values_list("trip_id", "pk"))
    return np.array([pk_of[t.trip_id] for t in feed.trips], dtype=np.int64)


def write_stop_times(
    city: City, feed_row: Feed, feed: GtfsFeed, trip_pk: np.ndarray, stop_pk: np.ndarray
) -> None:
    """Insert every stop time of ``feed``, ids mapped to the rows just written."""
    st = feed.stop_times
    trips, stops = trip_pk[st.trip_index], stop_pk[st.stop_index]
    check_references(feed_row, trips, stops)
    arrival, departure = np.maximum(st.arrival, 0), np.maximum(st.departure, 0)
    heads = st.stop_headsign
    if any(len(h) > 200 for h in set(heads)):
        heads = [h[:200] for h in heads]
    columns = (trips, stops, st.stop_sequence, arrival, departure, st.pickup_type,
               st.drop_off_type)  # fmt: skip
    n = len(trips)
    if connection.vendor == "postgresql":
        prefix = f"{city.pk}\t{feed_row.pk}\t"
        escaped = {h: _copy_escape(h) for h in set(heads)}
        fmt = prefix + "%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n"

        def text() -> Iterator[str]:
            for a in range(0, n, BLOCK):
                b = min(a + BLOCK, n)
                values = zip(
                    *(c[a:b].tolist() for c in columns), map(escaped.get, heads[a:b]), strict=True
                )
                yield "".join(map(fmt.__mod__, values))

        copy_text(StopTime, STOP_TIME_COLUMNS, text())
        return

    def rows() -> Iterator[Iterable[object]]:
        for a in range(0, n, BLOCK):
            b = min(a + BLOCK, n)
            ids = ([city.pk] * (b - a), [feed_row.pk] * (b - a))
            yield zip(*ids, *(c[a:b].tolist() for c in columns), heads[a:b], strict=True)

    with sqlite_cache():
        for block in rows():
            raw_insert(StopTime, STOP_TIME_COLUMNS, block)


def check_references(feed_row: Feed, trips: np.ndarray, stops: np.ndarray) -> None:
    """Raise unless every trip and stop id is a row of ``feed_row`` (set-based, no join).

    StopTime has no database foreign keys: this is their check, in the import's transaction,
    and a stricter one: the trip and stop must be of the same feed.
    """
    for model, ids in ((Trip, trips), (Stop, stops)):
        known = np.fromiter(
            model.objects.filter(feed=feed_row).values_list("pk", flat=True),
            dtype=np.int64,
        )
        outside = int(np.count_nonzero(~np.isin(ids, known)))
        if outside:
            name = model._meta.model_name
            raise IntegrityError(
                f"{outside} stop times of feed {feed_row.pk} name a {name} outside the feed"
            )


class sqlite_cache:
    """A larger SQLite page cache inside the block: index pages stay in memory, not the WAL."""

    def __enter__(self) -> None:
        self.before: int | None = None
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                (self.before,) = cursor.fetchone()
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")

    def __exit__(self, *exc: object) -> None:
        if self.before is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(self.before)}")


def _copy_escape(text: str) -> str:
    """Return ``text`` as a value of PostgreSQL's COPY text format."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_text(model: type[models.Model], columns: Sequence[str], blocks: Iterable[str]) -> None:
    """COPY blocks of ready COPY-text lines into ``model``'s table (PostgreSQL only)."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for block in blocks:
                copy.write(block.encode())


def raw_insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[Any]) -> None:
    """Insert plain tuples without building a model per row: COPY on PostgreSQL, else executemany.

    Used for the large tables (stop times, shape points), where Django's per-field preparation
    in ``bulk_create`` costs far more than the database does.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - names are ours
        it = iter(rows)
        while batch := list(islice(it, BATCH)):
            cursor.executemany(sql, batch)
