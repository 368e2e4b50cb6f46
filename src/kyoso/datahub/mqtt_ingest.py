"""The long-lived MQTT ingest: subscribe, store in batches, acknowledge only what is stored.

Messages are acknowledged (PUBACK) by hand after the transaction that stored them commits, so a
worker that dies loses nothing the broker has not seen acknowledged: the broker delivers it
again (to this session on reconnect, or to another worker of the shared subscription), and the
idempotent ingest stores it once. Several workers share the load with an MQTT 5 shared
subscription ``$share/<group>/kyoso/+/devices/+/readings``.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import paho.mqtt.client as mqtt
from django.db import close_old_connections, connection
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from kyoso.core.errors import DomainError
from kyoso.core.models import City
from kyoso.datahub.services import device_authenticate, readings_ingest
from kyoso.datahub.wire import PayloadError, parse_payload, parse_topic
from kyoso.datahub.wire.payloads import TOPIC_PREFIX

logger = logging.getLogger(__name__)
SUBSCRIPTION = f"{TOPIC_PREFIX}/+/devices/+/readings"


@dataclass(slots=True)
class Counters:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    flagged: int = 0
    rejected: int = 0
    errors: dict[str, int] = field(default_factory=dict)


class MqttIngest:
    """Subscribe to the readings topics and store what arrives, ``batch`` messages at a time."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 1883,
        client_id: str = "",
        share_group: str = "",
        topic_prefix: str = TOPIC_PREFIX,
        batch: int = 200,
        linger: float = 0.2,
        username: str | None = None,
        password: str | None = None,
        session_expiry: int = 0,
    ) -> None:
        self.host, self.port = host, port
        self.batch, self.linger = batch, linger
        topic = SUBSCRIPTION.replace(TOPIC_PREFIX, topic_prefix, 1)
        self.topic = f"$share/{share_group}/{topic}" if share_group else topic
        self.topic_prefix = topic_prefix
        self.counters = Counters()
        self.inbox: queue.Queue[mqtt.MQTTMessage] = queue.Queue(maxsize=10_000)
        self.stopping = threading.Event()
        self.subscribed = threading.Event()
        self._cities: dict[str, City | None] = {}
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id,
            protocol=mqtt.MQTTv5,
            manual_ack=True,
        )
        if username:
            self.client.username_pw_set(username, password)
        # With a stable client id and a session that outlives the connection, what the broker
        # queued for a dead worker (its unacknowledged messages and its share of the group's)
        # is delivered when the worker is restarted.
        self.session_expiry = session_expiry
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message

    def _on_connect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any
    ) -> None:
        if reason.is_failure:
            logger.error("MQTT connection refused: %s", reason)
            return
        client.subscribe(self.topic, qos=1)

    def _on_subscribe(
        self, client: mqtt.Client, userdata: Any, mid: int, reasons: Any, properties: Any
    ) -> None:
        self.subscribed.set()

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        self.inbox.put(message)

    def _city(self, slug: str) -> City | None:
        if slug not in self._cities:
            self._cities[slug] = City.objects.filter(slug=slug).first()
        return self._cities[slug]

    def _reject(self, message: mqtt.MQTTMessage, field_name: str, reason: str) -> None:
        self.counters.rejected += 1
        self.counters.errors[field_name] = self.counters.errors.get(field_name, 0) + 1
        logger.warning("rejected %s: %s: %s", message.topic, field_name, reason)
        # The device (or its owner) can read why on the errors topic.
        error_topic = message.topic.rsplit("/", 1)[0] + "/errors"
        self.client.publish(
            error_topic, json.dumps({"field": field_name, "message": reason}), qos=0
        )

    def handle(self, messages: list[mqtt.MQTTMessage]) -> None:
        """Store a batch; every message is acknowledged after its outcome is final."""
        if not connection.in_atomic_block:  # (a test's transaction is not ours to close)
            close_old_connections()
        for message in messages:
            self.counters.received += 1
            try:
                slug, key = parse_topic(message.topic.replace(self.topic_prefix, TOPIC_PREFIX, 1))
                data = json.loads(message.payload)
                if not isinstance(data, dict):
                    raise PayloadError("payload", "expected a JSON object")
                observations = parse_payload(data)
            except PayloadError as exc:
                self._reject(message, exc.field, exc.message)
                continue
            except (ValueError, UnicodeDecodeError):
                self._reject(message, "payload", "not JSON")
                continue
            city = self._city(slug)
            token = data.get("token")
            device = (
                device_authenticate(token, city=city, key=key)
                if city is not None and isinstance(token, str)
                else None
            )
            if device is None:
                self._reject(message, "token", "unknown device or wrong credential")
                continue
            try:
                result = readings_ingest(city=device.city, device=device, observations=observations)
            except DomainError as exc:
                self._reject(message, exc.field or "payload", exc.message)
                continue
            self.counters.stored += result.stored
            self.counters.duplicates += result.duplicates
            self.counters.flagged += result.flagged
        for message in messages:
            self.client.ack(message.mid, message.qos)

    def start(self) -> None:
        properties = None
        if self.session_expiry:
            properties = Properties(PacketTypes.CONNECT)
            properties.SessionExpiryInterval = self.session_expiry
        self.client.connect(
            self.host,
            self.port,
            keepalive=30,
            clean_start=not self.session_expiry,
            properties=properties,
        )
        self.client.loop_start()

    def run(
        self, *, max_seconds: float | None = None, until: Callable[[], bool] | None = None
    ) -> None:
        """Process messages until ``stop()``, ``max_seconds`` or ``until()`` holds."""
        deadline = None if max_seconds is None else time.monotonic() + max_seconds
        while not self.stopping.is_set():
            if deadline is not None and time.monotonic() > deadline:
                break
            if until is not None and until():
                break
            try:
                first = self.inbox.get(timeout=0.5)
            except queue.Empty:
                continue
            batch = [first]
            flush_at = time.monotonic() + self.linger
            while len(batch) < self.batch:
                remaining = flush_at - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    batch.append(self.inbox.get(timeout=remaining))
                except queue.Empty:
                    break
            try:
                self.handle(batch)
            except Exception:  # a database outage: do not ack; the broker redelivers
                logger.exception("storing a batch failed; it stays unacknowledged")
                time.sleep(1)

    def stop(self) -> None:
        self.stopping.set()
        self.client.loop_stop()
        self.client.disconnect()
