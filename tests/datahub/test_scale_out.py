"""Two ingest workers share an MQTT 5 shared subscription; one is killed mid-stream and
restarted by its supervisor: every published reading is stored exactly once.

Needs the real Mosquitto and PostgreSQL (the workers are separate processes that must see the
test database; SQLite's test database lives in this process's memory)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import paho.mqtt.client as mqtt
import pytest
from django.db import connection
from django.db.models import Sum

from kyoso.datahub.models import Reading, Rollup

N = 600


def _worker(prefix: str, name: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "kyoso", "ingest-mqtt", "--share", prefix,
         "--topic-prefix", prefix, "--client-id", f"{prefix}-{name}", "--batch", "20"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _wait(predicate, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return predicate()


@pytest.mark.django_db(transaction=True)
def test_two_workers_one_killed_nothing_lost_nothing_twice(city, air_device, air_token) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("the worker processes need a shared database server (PostgreSQL)")
    try:
        socket.create_connection(("127.0.0.1", 1883), timeout=1).close()
    except OSError:
        pytest.skip("no MQTT broker at 127.0.0.1:1883")
    s = connection.settings_dict
    url = (
        f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"
    )
    env = {**os.environ, "DATABASE_URL": url}
    prefix = f"kyosokill{uuid.uuid4().hex[:8]}"
    workers = {name: _worker(prefix, name, env) for name in ("a", "b")}
    pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    pub.connect("127.0.0.1", 1883)
    pub.loop_start()
    topic = f"{prefix}/{city.slug}/devices/air-1/readings"
    t0 = datetime(2026, 12, 1, tzinfo=UTC)
    try:
        for w in workers.values():  # both have started Django and subscribed
            assert w.stdout is not None
            assert w.stdout.readline().startswith(b"ingesting from")
        for i in range(N):
            body = {"token": air_token, "time": (t0 + timedelta(minutes=i)).isoformat(),
                    "values": {"pm25": float(i % 100)}}  # fmt: skip
            pub.publish(topic, json.dumps(body), qos=1).wait_for_publish(5)
            if i == N // 3:
                workers["a"].send_signal(signal.SIGKILL)  # mid-stream, mid-batch
                workers["a"].wait(10)
            if i == 2 * N // 3:
                workers["a"] = _worker(prefix, "a", env)  # the supervisor restarts it
        assert _wait(lambda: Reading.objects.filter(city=city).count() >= N, 90)
        time.sleep(2)  # anything redelivered late would show up now
        assert Reading.objects.filter(city=city).count() == N
        hourly = Rollup.objects.filter(prop__name="pm25", period="hour").aggregate(n=Sum("count"))
        assert hourly["n"] == N  # every reading added to the rollups exactly once
    finally:
        pub.loop_stop()
        pub.disconnect()
        for w in workers.values():
            if w.poll() is None:
                w.terminate()
                try:
                    w.wait(10)
                except subprocess.TimeoutExpired:
                    w.kill()
