"""Static timetables (GTFS / GTFS-JP) as imported feeds; every row belongs to a city and a feed.

A new version of an operator's feed is written beside the current one and then made active in
the same transaction, so unique constraints name the feed; rows inside a feed point at each
other with ``DO_NOTHING`` because the import service deletes a replaced feed table by table
(one DELETE per table instead of Django's per-row cascade).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kyoso.core.models import City


class Feed(models.Model):
    """One imported version of one operator's GTFS feed in one city."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    operator_name = models.CharField(_("operator"), max_length=120)
    source = models.CharField(_("source"), max_length=300, blank=True)
    version = models.CharField(_("version"), max_length=80, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=False)
    is_demo = models.BooleanField(_("demo data"), default=False)
    report = models.JSONField(_("validation report"), default=list, blank=True)
    counts = models.JSONField(_("row counts"), default=dict, blank=True)
    import_seconds = models.FloatField(_("import time (s)"), default=0.0)
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("GTFS feed")
        verbose_name_plural = _("GTFS feeds")
        ordering = ["city", "-imported_at"]
        indexes = [models.Index(fields=["city", "is_active"])]

    def __str__(self) -> str:
        return f"{self.operator_name} {self.version}".strip()


class FeedRow(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


def _localised(ja: str, en: str) -> str:
    return en if en and (get_language() or "ja").startswith("en") else ja


class Agency(FeedRow):
    agency_id = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=200)
    url = models.CharField(max_length=300, blank=True)
    timezone = models.CharField(max_length=40, default="Asia/Tokyo")
    lang = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    # agency_jp.txt (official name, address, president) and any extra columns.
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["city", "feed", "agency_id"], name="mobility_agency_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Stop(FeedRow):
    stop_id = models.CharField(max_length=100)  # GTFS-JP ids are often Japanese
    name = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    # Every translation from translations.txt: {"en": "...", "ja-Hrkt": "..."}.
    translations = models.JSONField(default=dict, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    location_type = models.PositiveSmallIntegerField(default=0)
    parent = models.ForeignKey(
        "self", on_delete=models.DO_NOTHING, null=True, blank=True, related_name="children"
    )
    wheelchair_boarding = models.PositiveSmallIntegerField(default=0)
    zone_id = models.CharField(max_length=100, blank=True)
    platform_code = models.CharField(max_length=40, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "feed", "stop_id"], name="mobility_stop_unique")
        ]
        indexes = [models.Index(fields=["city", "feed", "name"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return _localised(self.name, self.name_en)


class Route(FeedRow):
    route_id = models.CharField(max_length=100)
    agency_id = models.CharField(max_length=100, blank=True)
    short_name = models.CharField(max_length=100, blank=True)
    long_name = models.CharField(max_length=300, blank=True)
    long_name_en = models.CharField(max_length=300, blank=True)
    route_type = models.PositiveSmallIntegerField(default=3)
    color = models.CharField(max_length=6, blank=True)
    text_color = models.CharField(max_length=6, blank=True)
    # GTFS-JP: jp_parent_route_id and the routes_jp.txt row (origin, via, destination).
    jp = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["city", "feed", "route_id"], name="mobility_route_unique"
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        long_name = _localised(self.long_name, self.long_name_en)
        if self.short_name and self.short_name in long_name:
            return long_name
        if self.short_name and long_name:
            return f"{self.short_name} {long_name}"
        return self.short_name or long_name or self.route_id


class Trip(FeedRow):
    trip_id = models.CharField(max_length=150)
    route = models.ForeignKey(Route, on_delete=models.DO_NOTHING, related_name="trips")
    service_id = models.CharField(max_length=100)
    headsign = models.CharField(max_length=200, blank=True)
    direction_id = models.PositiveSmallIntegerField(null=True, blank=True)
    shape_id = models.CharField(max_length=100, blank=True)
    wheelchair_accessible = models.PositiveSmallIntegerField(default=0)
    first_departure = models.IntegerField(default=0)  # seconds since the service day's midnight
    last_arrival = models.IntegerField(default=0)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "feed", "trip_id"], name="mobility_trip_unique")
        ]
        indexes = [models.Index(fields=["feed", "first_departure"])]

    def __str__(self) -> str:
        return self.trip_id


class StopTime(FeedRow):
    # The two big tables have no database-level foreign keys: the importer checks every
    # reference (and, in its transaction, that each points into the same feed) with one join,
    # where PostgreSQL would run a deferred trigger per row and reference at COMMIT (issue 16).
    # Rows are written and deleted only by services.feed_writer, children first. No index of
    # their own on city (the unique constraint starts with it) or stop ((stop, departure) does):
    # each index is a B-tree insert per row of a million-row import.
    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    trip = models.ForeignKey(
        Trip, on_delete=models.DO_NOTHING, related_name="stop_times", db_constraint=False
    )
    stop = models.ForeignKey(
        Stop, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    stop_sequence = models.PositiveIntegerField()
    # Seconds since the service day's midnight; past 86400 for trips running after midnight.
    arrival = models.IntegerField()
    departure = models.IntegerField()
    pickup_type = models.PositiveSmallIntegerField(default=0)
    drop_off_type = models.PositiveSmallIntegerField(default=0)
    headsign = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["city", "feed", "trip", "stop_sequence"], name="mobility_stoptime_unique"
            )
        ]
        indexes = [models.Index(fields=["stop", "departure"])]

    def __str__(self) -> str:
        return f"{self.trip_id} #{self.stop_sequence}"


class Calendar(FeedRow):
    service_id = models.CharField(max_length=100)
    monday = models.BooleanField(default=False)
    tuesday = models.BooleanField(default=False)
    wednesday = models.BooleanField(default=False)
    thursday = models.BooleanField(default=False)
    friday = models.BooleanField(default=False)
    saturday = models.BooleanField(default=False)
    sunday = models.BooleanField(default=False)
    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["city", "feed", "service_id"], name="mobility_calendar_unique"
            )
        ]

    def __str__(self) -> str:
        return self.service_id

    @property
    def weekdays(self) -> tuple[bool, ...]:
        return (
            self.monday,
            self.tuesday,
            self.wednesday,
            self.thursday,
            self.friday,
            self.saturday,
            self.sunday,
        )


class CalendarDate(FeedRow):
    service_id = models.CharField(max_length=100)
    date = models.DateField()
    exception_type = models.PositiveSmallIntegerField()  # 1 added, 2 removed

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["city", "feed", "service_id", "date"], name="mobility_calendardate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.date}"


class ShapePoint(FeedRow):
    # No database-level foreign keys, and no index on city alone, as for StopTime.
    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    shape_id = models.CharField(max_length=100)
    sequence = models.PositiveIntegerField()
    lat = models.FloatField()
    lon = models.FloatField()
    dist_traveled = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["city", "feed", "shape_id", "sequence"], name="mobility_shape_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shape_id} #{self.sequence}"


class FareAttribute(FeedRow):
    fare_id = models.CharField(max_length=100)
    price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    currency_type = models.CharField(max_length=3, default="JPY")
    payment_method = models.PositiveSmallIntegerField(null=True, blank=True)
    transfers = models.PositiveSmallIntegerField(null=True, blank=True)
    agency_id = models.CharField(max_length=100, blank=True)
    transfer_duration = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "feed", "fare_id"], name="mobility_fare_unique")
        ]

    def __str__(self) -> str:
        return self.fare_id


class FareRule(FeedRow):
    fare_id = models.CharField(max_length=100)
    route_id = models.CharField(max_length=100, blank=True)
    origin_id = models.CharField(max_length=100, blank=True)
    destination_id = models.CharField(max_length=100, blank=True)
    contains_id = models.CharField(max_length=100, blank=True)

    class Meta:
        indexes = [models.Index(fields=["feed", "origin_id", "destination_id"])]

    def __str__(self) -> str:
        return self.fare_id


class Frequency(FeedRow):
    """A row of frequencies.txt: the trip runs every ``headway_secs`` in [start, end)."""

    trip_id = models.CharField(max_length=150)
    start_time = models.IntegerField()  # seconds since the service day's noon - 12 h
    end_time = models.IntegerField()
    headway_secs = models.PositiveIntegerField()
    exact_times = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.trip_id} every {self.headway_secs} s"


class FareTable(FeedRow):
    """A fare file beyond fares v1, kept as its rows of text: GTFS-Fares v2 (fare_products,
    fare_leg_rules, fare_transfer_rules, stop_areas, route_networks, rider_categories) and
    GTFS-JP's fare_rider_categories. ``algorithms.fares`` reads and checks them when pricing."""

    name = models.CharField(max_length=40)
    rows = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["city", "feed", "name"], name="mobility_fare_table_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Transfer(FeedRow):
    from_stop_id = models.CharField(max_length=100)
    to_stop_id = models.CharField(max_length=100)
    transfer_type = models.PositiveSmallIntegerField(default=0)
    min_transfer_time = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.from_stop_id} → {self.to_stop_id}"


class Translation(FeedRow):
    """A row of translations.txt; ``table_name`` is empty in the old GTFS-JP layout."""

    table_name = models.CharField(max_length=40, blank=True)
    field_name = models.CharField(max_length=40, blank=True)
    language = models.CharField(max_length=20)
    translation = models.CharField(max_length=300)
    record_id = models.CharField(max_length=150, blank=True)
    record_sub_id = models.CharField(max_length=150, blank=True)
    field_value = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.language}: {self.translation}"
