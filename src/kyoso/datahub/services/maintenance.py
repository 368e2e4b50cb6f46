"""Partitions ahead, retention behind.

On PostgreSQL ``datahub_reading`` is partitioned by month; ``readings_partitions_maintain``
(run daily by the worker, and at ingest for a month not yet seen) creates the months ahead and
drops whole months older than the platform retention. Per-property retention shorter than the
platform's deletes rows. On SQLite there are no partitions; retention deletes rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from kyoso.datahub.models import ObservedProperty, Reading
from kyoso.datahub.timeseries import MonthPartition, partition_plan
from kyoso.datahub.timeseries.partitions import TABLE

_known: set[tuple[str, MonthPartition]] = set()


def retention_days() -> int:
    return int(getattr(settings, "DATAHUB_RETENTION_DAYS", 730))


def _existing_partitions() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
            [TABLE],
        )
        return [row[0] for row in cursor.fetchall()]


def _remember(db: str, month: MonthPartition) -> None:
    # Only once committed: a rolled-back transaction takes its CREATE TABLE with it.
    transaction.on_commit(lambda: _known.add((db, month)))


def readings_partitions_ensure(moments: Iterable[datetime]) -> None:
    """Create (if missing) the partitions that hold these times; no-op on SQLite."""
    if connection.vendor != "postgresql":
        return
    db = connection.settings_dict["NAME"]
    months = {MonthPartition.holding(m) for m in moments} - {p for name, p in _known if name == db}
    if not months:
        return
    existing = set(_existing_partitions())
    with connection.cursor() as cursor:
        for month in sorted(months, key=lambda m: (m.year, m.month)):
            if month.name not in existing:
                cursor.execute(month.create_sql())
            _remember(db, month)


def readings_partitions_maintain(
    *, now: datetime | None = None, months_ahead: int = 3
) -> dict[str, list[str]]:
    """Create the partitions ahead and drop those past retention; return their names."""
    now = now or timezone.now()
    if connection.vendor != "postgresql":
        return {"created": [], "dropped": []}
    create, drop = partition_plan(
        _existing_partitions(), now, months_ahead=months_ahead, retention_days=retention_days()
    )
    db = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        for month in create:
            cursor.execute(month.create_sql())
            _remember(db, month)
        for month in drop:
            cursor.execute(month.drop_sql())
            _known.discard((db, month))
    return {"created": [m.name for m in create], "dropped": [m.name for m in drop]}


def readings_retention_apply(*, now: datetime | None = None) -> int:
    """Delete readings older than their property's retention (or the platform's); return how many."""
    now = now or timezone.now()
    deleted = 0
    platform = retention_days()
    for prop in ObservedProperty.objects.exclude(retention_days__isnull=True).filter(
        retention_days__lt=platform
    ):
        cutoff = now - timedelta(days=prop.retention_days or platform)
        deleted += Reading.objects.filter(
            city_id=prop.city_id, prop_id=prop.pk, observed_at__lt=cutoff
        ).delete()[0]
    if connection.vendor != "postgresql":
        deleted += Reading.objects.filter(observed_at__lt=now - timedelta(days=platform)).delete()[
            0
        ]
    return deleted
