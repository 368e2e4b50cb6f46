"""The Django-free parts: payloads, topics, CSV, rollup arithmetic, the partition plan."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kyoso.datahub.timeseries import MonthPartition, bucket_start, partition_plan, rollup
from kyoso.datahub.wire import PayloadError, parse_csv, parse_payload, parse_topic, topic_for


def test_three_payload_shapes() -> None:
    t = "2026-12-03T09:00:00+09:00"
    a = parse_payload({"time": t, "values": {"pm25": 12, "no2": "0.02"}})
    b = parse_payload({"readings": [{"property": "pm25", "time": t, "value": 12}]})
    c = parse_payload(
        {"id": "x", "type": "AirQualityObserved", "dateObserved": t, "pm25": 12, "name": "n"}
    )
    assert [(o.prop, o.value) for o in a] == [("pm25", 12.0), ("no2", 0.02)]
    assert b[0].time == datetime(2026, 12, 3, 0, tzinfo=UTC)
    assert [o.prop for o in c] == ["pm25"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ([], "payload"),
        ({"time": "2026-12-03T09:00:00", "values": {"a": 1}}, "time"),
        ({"time": "2026-12-03T09:00:00Z", "values": {"a": "x"}}, "values.a"),
        ({"time": "2026-12-03T09:00:00Z", "values": {"a": float("nan")}}, "values.a"),
        ({"readings": [{"property": "a", "time": "2026-12-03T09:00:00Z"}]}, "readings.0.value"),
        ({"foo": 1}, "payload"),
    ],
)
def test_bad_payloads_name_the_field(payload: object, field: str) -> None:
    with pytest.raises(PayloadError) as err:
        parse_payload(payload)
    assert err.value.field == field


def test_topic_round_trip() -> None:
    assert parse_topic(topic_for("hitachi", "air-1")) == ("hitachi", "air-1")
    with pytest.raises(PayloadError):
        parse_topic("kyoso/hitachi/air-1")


def test_csv() -> None:
    rows = parse_csv("device,property,time,value\nair-1,pm25,2026-12-03T00:00:00Z,3.5\n")
    assert rows[0][0] == "air-1" and rows[0][1].value == 3.5
    with pytest.raises(PayloadError) as err:
        parse_csv("device,time,value\n")
    assert err.value.field == "file"
    with pytest.raises(PayloadError) as err:
        parse_csv("device,property,time,value\nair-1,pm25,yesterday,3\n")
    assert err.value.field == "line 2.time"


def test_rollup_merges_and_days_are_local() -> None:
    t1 = datetime(2026, 12, 2, 15, 10, tzinfo=UTC)  # 00:10 on 3 Dec in Tokyo
    t2 = datetime(2026, 12, 2, 14, 50, tzinfo=UTC)  # 23:50 on 2 Dec in Tokyo
    assert bucket_start(t1, "day", "Asia/Tokyo") == datetime(2026, 12, 2, 15, tzinfo=UTC)
    days = rollup([(1, t1, 2.0), (1, t2, 4.0)], "day", "Asia/Tokyo")
    assert len(days) == 2
    hours = rollup([(1, t1, 2.0), (1, t1.replace(minute=40), 6.0)], "hour")
    (agg,) = hours.values()
    assert (agg.count, agg.total, agg.minimum, agg.maximum, agg.mean) == (2, 8.0, 2.0, 6.0, 4.0)


def test_partition_plan() -> None:
    now = datetime(2026, 12, 3, tzinfo=UTC)
    existing = [MonthPartition(2024, 1).name, MonthPartition(2026, 11).name, "other"]
    create, drop = partition_plan(existing, now, months_ahead=2, retention_days=60)
    assert [m.name for m in create] == [
        "datahub_reading_p202610",
        "datahub_reading_p202612",
        "datahub_reading_p202701",
        "datahub_reading_p202702",
    ]
    assert [m.name for m in drop] == ["datahub_reading_p202401"]
    assert MonthPartition(2026, 12).end == datetime(2027, 1, 1, tzinfo=UTC)
