"""MQTT ingest against the real Mosquitto at 127.0.0.1:1883 (skipped when none is running)."""

from __future__ import annotations

import json
import socket
import threading
import uuid
from datetime import UTC, datetime, timedelta

import paho.mqtt.client as mqtt
import pytest

from kyoso.datahub.models import Reading
from kyoso.datahub.mqtt_ingest import MqttIngest

HOST, PORT = "127.0.0.1", 1883


def _broker() -> None:
    try:
        socket.create_connection((HOST, PORT), timeout=1).close()
    except OSError:
        pytest.skip("no MQTT broker at 127.0.0.1:1883")


def _publisher() -> mqtt.Client:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.connect(HOST, PORT)
    client.loop_start()
    return client


@pytest.mark.django_db
def test_readings_published_over_mqtt_are_stored_once(city, air_device, air_token) -> None:  # type: ignore[no-untyped-def]
    _broker()
    prefix = f"kyosotest{uuid.uuid4().hex[:8]}"
    ingest = MqttIngest(topic_prefix=prefix, client_id=f"{prefix}-w", linger=0.05)
    ingest.start()
    assert ingest.subscribed.wait(5)
    errors: list[dict[str, str]] = []
    pub = _publisher()
    got_error = threading.Event()

    def on_error(client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        errors.append(json.loads(message.payload))
        got_error.set()

    pub.on_message = on_error
    pub.subscribe(f"{prefix}/{city.slug}/devices/+/errors", qos=1)
    topic = f"{prefix}/{city.slug}/devices/air-1/readings"
    t0 = datetime(2026, 12, 3, tzinfo=UTC)
    try:
        infos = []
        for i in range(50):
            body = {"token": air_token, "time": (t0 + timedelta(minutes=i % 40)).isoformat(),
                    "values": {"pm25": 10 + i % 40}}  # fmt: skip
            infos.append(pub.publish(topic, json.dumps(body), qos=1))
        # A stranger's token, and a payload without a time, are refused with the reason.
        pub.publish(
            topic,
            json.dumps({"token": "kdev_x", "time": t0.isoformat(), "values": {"pm25": 1}}),
            qos=1,
        )
        pub.publish(topic, json.dumps({"token": air_token, "values": {"pm25": 1}}), qos=1)
        for info in infos:
            info.wait_for_publish(5)
        ingest.run(max_seconds=15, until=lambda: ingest.counters.received >= 52)
        got_error.wait(3)
    finally:
        ingest.stop()
        pub.loop_stop()
        pub.disconnect()
    assert ingest.counters.received == 52
    assert (ingest.counters.stored, ingest.counters.duplicates) == (40, 10)
    assert ingest.counters.rejected == 2
    assert Reading.objects.filter(city=city).count() == 40
    assert {"field": "token", "message": "unknown device or wrong credential"} in errors


@pytest.mark.django_db
def test_demo_sensors_and_the_simulator(city) -> None:  # type: ignore[no-untyped-def]
    import random

    from django.core.management import call_command

    from kyoso.datahub import demo
    from kyoso.datahub.models import Device, Rollup

    demo.load(city, random.Random(1))
    demo.load(city, random.Random(1))  # again: nothing doubles
    assert Device.objects.filter(city=city).count() == 8
    assert Device.objects.get(key="meter-sukegawa").owner is not None
    before = Reading.objects.filter(city=city).count()
    assert before > 8 * 190 and Rollup.objects.filter(city=city, period="hour").exists()
    _broker()
    prefix = f"kyosotest{uuid.uuid4().hex[:8]}"
    ingest = MqttIngest(topic_prefix=prefix, client_id=f"{prefix}-w", linger=0.05)
    ingest.start()
    assert ingest.subscribed.wait(5)
    try:
        call_command("simulate_sensors", city=city.slug, rounds=1, interval=0, topic_prefix=prefix)
        ingest.run(max_seconds=15, until=lambda: ingest.counters.received >= 8)
    finally:
        ingest.stop()
    assert ingest.counters.rejected == 0
    assert Reading.objects.filter(city=city).count() == before + 13  # every property once
