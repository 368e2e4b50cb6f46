"""``kyoso simulate-sensors``: the demo city's sensors publish readings over MQTT.

Each device gets a fresh credential of its own (as its owner would provision it) and publishes
JSON with that token to ``kyoso/<city>/devices/<id>/readings`` at QoS 1.
"""

from __future__ import annotations

import json
import os
import random
import time
from typing import Any

import paho.mqtt.client as mqtt
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kyoso.core.models import City
from kyoso.core.services import system_actor
from kyoso.datahub.models import Device
from kyoso.datahub.sensors import DEMO_SENSORS, simulated_values
from kyoso.datahub.services import device_credential_issue
from kyoso.datahub.wire import topic_for
from kyoso.datahub.wire.payloads import TOPIC_PREFIX


class Command(BaseCommand):
    help = "Publish plausible readings of the demo sensors over MQTT."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--city", default="hitachi")
        parser.add_argument("--host", default=os.environ.get("KYOSO_MQTT_HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("KYOSO_MQTT_PORT", "1883"))
        )
        parser.add_argument("--interval", type=float, default=30.0)
        parser.add_argument("--rounds", type=int, default=0, help="stop after this many (0: never)")
        parser.add_argument("--seed", type=int, default=13)
        parser.add_argument("--topic-prefix", default=TOPIC_PREFIX)

    def handle(self, *args: Any, **options: Any) -> None:
        city = City.objects.filter(slug=options["city"]).first()
        if city is None:
            raise CommandError(f"no city {options['city']!r}; run `kyoso load-demo` first")
        sensors = {s.key: s for s in DEMO_SENSORS}
        devices = list(Device.objects.filter(city=city, key__in=sensors, is_active=True))
        if not devices:
            raise CommandError("the city has no demo sensors; run `kyoso load-demo` first")
        tokens = {
            d.key: device_credential_issue(actor=system_actor(), city=city, device=d)[1]
            for d in devices
        }
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        try:
            client.connect(options["host"], options["port"])
        except OSError as exc:
            raise CommandError(
                f"no MQTT broker at {options['host']}:{options['port']}: {exc}"
            ) from exc
        client.loop_start()
        rng = random.Random(options["seed"])  # noqa: S311 - invented demo values
        self.stdout.write(f"{len(devices)} sensors publish every {options['interval']} s")
        rounds = 0
        try:
            while True:
                now = timezone.now()
                for device in devices:
                    body = {
                        "token": tokens[device.key],
                        "time": now.isoformat(),
                        "values": simulated_values(sensors[device.key], now, rng),
                    }
                    topic = topic_for(city.slug, device.key)
                    if options["topic_prefix"] != TOPIC_PREFIX:
                        topic = options["topic_prefix"] + topic.removeprefix(TOPIC_PREFIX)
                    client.publish(topic, json.dumps(body), qos=1).wait_for_publish(10)
                rounds += 1
                if options["rounds"] and rounds >= options["rounds"]:
                    break
                time.sleep(options["interval"])
        except KeyboardInterrupt:
            pass
        finally:
            time.sleep(0.5)
            client.loop_stop()
            client.disconnect()
