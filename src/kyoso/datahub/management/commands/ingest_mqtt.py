"""``kyoso ingest-mqtt``: the long-lived MQTT ingest (see ``kyoso.datahub.mqtt_ingest``)."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kyoso.datahub.mqtt_ingest import MqttIngest


class Command(BaseCommand):
    help = "Store sensor readings published over MQTT (topic kyoso/<city>/devices/<id>/readings)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("KYOSO_MQTT_HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("KYOSO_MQTT_PORT", "1883"))
        )
        parser.add_argument("--share", default="", help="MQTT 5 shared-subscription group")
        parser.add_argument("--client-id", default="", help="stable id: keeps the session")
        parser.add_argument(
            "--session-expiry", type=int, default=3600,
            help="seconds the broker keeps the session of a stable --client-id",
        )  # fmt: skip
        parser.add_argument("--topic-prefix", default="kyoso")
        parser.add_argument("--batch", type=int, default=200)
        parser.add_argument("--seconds", type=float, default=None, help="stop after this long")

    def _maintain_daily(self) -> None:
        from django.core.management import call_command
        from django.db import close_old_connections

        while True:
            try:
                call_command("datahub_maintain", stdout=self.stdout)
            except Exception as exc:  # a busy database must not stop the ingest
                self.stderr.write(f"datahub maintenance failed: {exc}")
            finally:
                close_old_connections()
            time.sleep(24 * 3600)

    def handle(self, *args: Any, **options: Any) -> None:
        logging.basicConfig(level=logging.INFO)
        ingest = MqttIngest(
            host=options["host"],
            port=options["port"],
            share_group=options["share"],
            client_id=options["client_id"] or f"kyoso-ingest-{socket.gethostname()}-{os.getpid()}",
            topic_prefix=options["topic_prefix"],
            batch=options["batch"],
            session_expiry=options["session_expiry"] if options["client_id"] else 0,
        )
        threading.Thread(target=self._maintain_daily, daemon=True).start()
        signal.signal(signal.SIGTERM, lambda *_a: ingest.stopping.set())
        try:
            ingest.start()
        except OSError as exc:
            self.stderr.write(f"no MQTT broker at {options['host']}:{options['port']}: {exc}")
            return
        if not ingest.subscribed.wait(30):
            self.stderr.write("the broker did not confirm the subscription")
        self.stdout.write(
            f"ingesting from mqtt://{options['host']}:{options['port']}/{ingest.topic}"
        )
        try:
            ingest.run(max_seconds=options["seconds"])
        except KeyboardInterrupt:
            pass
        finally:
            ingest.stop()
            c = ingest.counters
            self.stdout.write(
                f"received {c.received}, stored {c.stored}, duplicates {c.duplicates}, "
                f"flagged {c.flagged}, rejected {c.rejected}"
            )
