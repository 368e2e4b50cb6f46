"""Django-free parsing of what devices send: the MQTT topic scheme, JSON payloads (Kyoso's own
and Smart Data Models key-values) and CSV uploads, into plain observations."""

from kyoso.datahub.wire.payloads import (
    Observation,
    PayloadError,
    parse_csv,
    parse_payload,
    parse_topic,
    topic_for,
)

__all__ = [
    "Observation",
    "PayloadError",
    "parse_csv",
    "parse_payload",
    "parse_topic",
    "topic_for",
]
