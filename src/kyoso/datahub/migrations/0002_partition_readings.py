"""On PostgreSQL the readings table becomes a table partitioned by month of ``observed_at``;
its primary key (city, device, property, time) holds the partition key and Citus's
distribution column. Partitions are made by ``readings_partitions_maintain`` and on demand."""

from __future__ import annotations

from django.db import migrations

PARTITIONED = """
DROP TABLE "datahub_reading";
CREATE TABLE "datahub_reading" (
    "city_id" bigint NOT NULL,
    "device_id" bigint NOT NULL,
    "prop_id" bigint NOT NULL,
    "observed_at" timestamp with time zone NOT NULL,
    "value" double precision NOT NULL,
    "flag" varchar(16) NOT NULL,
    "received_at" timestamp with time zone NOT NULL,
    PRIMARY KEY ("city_id", "device_id", "prop_id", "observed_at")
) PARTITION BY RANGE ("observed_at");
"""


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PARTITIONED)


class Migration(migrations.Migration):
    dependencies = [("datahub", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
