"""Topic scheme and payloads.

Topic: ``kyoso/<city_slug>/devices/<device_key>/readings`` (QoS 1).

Payloads (JSON object), every time ISO 8601 with an offset:

* ``{"time": "...", "values": {"pm25": 12.5, "no2": 0.021}}`` — several properties at one time;
* ``{"readings": [{"property": "pm25", "time": "...", "value": 12.5}, ...]}`` — a batch;
* a Smart Data Models key-values entity: ``{"type": "AirQualityObserved",
  "dateObserved": "...", "pm25": 12.5, ...}`` — every numeric attribute is a property.

Over MQTT the object also carries ``"token"``: the device's own credential.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

TOPIC_PREFIX = "kyoso"
# Key-values attributes that describe the entity rather than measure something.
SDM_META = frozenset(
    {
        "id",
        "type",
        "@context",
        "dateObserved",
        "dateCreated",
        "dateModified",
        "location",
        "address",
        "name",
        "description",
        "source",
        "dataProvider",
        "refDevice",
        "refPointOfInterest",
        "areaServed",
        "seeAlso",
        "owner",
        "token",
        "validFrom",
        "validTo",
        "typeofLocation",
    }
)


class PayloadError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class Observation:
    prop: str
    time: datetime
    value: float


def topic_for(city_slug: str, device_key: str) -> str:
    return f"{TOPIC_PREFIX}/{city_slug}/devices/{device_key}/readings"


def parse_topic(topic: str) -> tuple[str, str]:
    """Return (city_slug, device_key) of a readings topic."""
    parts = topic.split("/")
    if (
        len(parts) != 5
        or parts[0] != TOPIC_PREFIX
        or parts[2] != "devices"
        or parts[4] != "readings"
    ):
        raise PayloadError("topic", f"not a readings topic: {topic!r}")
    if not parts[1] or not parts[3]:
        raise PayloadError("topic", "empty city or device")
    return parts[1], parts[3]


def parse_time(raw: Any, field: str) -> datetime:
    if not isinstance(raw, str):
        raise PayloadError(field, "expected an ISO 8601 date-time string")
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise PayloadError(field, f"not an ISO 8601 date-time: {raw!r}") from None
    if moment.tzinfo is None:
        raise PayloadError(field, "the time needs a UTC offset (e.g. +09:00 or Z)")
    return moment


def parse_value(raw: Any, field: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        if isinstance(raw, str):
            try:
                raw = float(raw)
            except ValueError:
                raise PayloadError(field, f"not a number: {raw!r}") from None
        else:
            raise PayloadError(field, "expected a number")
    value = float(raw)
    if not math.isfinite(value):
        raise PayloadError(field, "the value must be finite")
    return value


def _prop(raw: Any, field: str) -> str:
    if not isinstance(raw, str) or not raw or len(raw) > 64:
        raise PayloadError(field, "expected a property name (1–64 characters)")
    return raw


def parse_payload(data: Any) -> list[Observation]:
    """Return the observations in one payload; raise PayloadError naming the bad field."""
    if not isinstance(data, dict):
        raise PayloadError("payload", "expected a JSON object")
    if "readings" in data:
        items = data["readings"]
        if not isinstance(items, list):
            raise PayloadError("readings", "expected a list")
        out = []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise PayloadError(f"readings.{i}", "expected an object")
            out.append(
                Observation(
                    _prop(item.get("property"), f"readings.{i}.property"),
                    parse_time(item.get("time"), f"readings.{i}.time"),
                    parse_value(item.get("value"), f"readings.{i}.value"),
                )
            )
        return out
    if "values" in data:
        moment = parse_time(data.get("time"), "time")
        values = data["values"]
        if not isinstance(values, dict) or not values:
            raise PayloadError("values", "expected an object of property: number")
        return [
            Observation(_prop(k, "values"), moment, parse_value(v, f"values.{k}"))
            for k, v in values.items()
        ]
    if "type" in data:
        moment = parse_time(data.get("dateObserved"), "dateObserved")
        out = []
        for key, raw in data.items():
            if key in SDM_META or isinstance(raw, bool):
                continue
            if isinstance(raw, int | float):
                out.append(Observation(key, moment, parse_value(raw, key)))
        if not out:
            raise PayloadError("payload", "the entity has no numeric attribute")
        return out
    raise PayloadError("payload", 'expected "readings", "values" or a Smart Data Models entity')


CSV_COLUMNS = ("device", "property", "time", "value")


def parse_csv(text: str) -> list[tuple[str, Observation]]:
    """Return ``(device_key, observation)`` rows of a CSV with the header device,property,time,value."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise PayloadError("file", f"missing columns: {', '.join(missing)}")
    out = []
    for line, row in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        if not row["device"]:
            raise PayloadError(f"line {line}.device", "empty")
        out.append(
            (
                row["device"],
                Observation(
                    _prop(row["property"], f"line {line}.property"),
                    parse_time(row["time"], f"line {line}.time"),
                    parse_value(row["value"], f"line {line}.value"),
                ),
            )
        )
    return out
