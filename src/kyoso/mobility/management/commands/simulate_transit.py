"""``kyoso simulate-transit``: demo vehicles publish GTFS-RT over HTTP, and Kyoso consumes it.

The simulator serves protobuf at http://127.0.0.1:8765/ (vehicles follow the active feeds'
trips with random delays); the same process polls that URL into the database every 15 s, the
path a real operator's feed takes (``kyoso poll-gtfs-rt``).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError, close_old_connections

from kyoso.core.errors import DomainError
from kyoso.core.models import City
from kyoso.mobility import selectors
from kyoso.mobility.algorithms.transit_simulator import Simulator, serve
from kyoso.mobility.services import realtime_poll

RELOAD_SECONDS = 600


class Command(BaseCommand):
    help = "Simulate vehicles on the demo timetable, publish GTFS-RT and consume it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--city", default="hitachi")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--interval", type=float, default=15.0)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--no-poll", action="store_true", help="only serve the feed")
        parser.add_argument("--once", action="store_true", help="poll once and stop")

    def handle(self, *args: Any, **options: Any) -> None:
        logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per poll is enough
        city = City.objects.filter(slug=options["city"]).first()
        if city is None:
            raise CommandError(f"no city {options['city']!r}; run `kyoso load-demo` first")
        simulator = Simulator(
            selectors.simulator_plans(city), seed=options["seed"], tz=city.time_zone
        )
        if not simulator.plans:
            self.stderr.write("no trips run today in the active feeds; serving an empty feed")
        try:
            server = serve(simulator, options["host"], options["port"])
        except OSError as exc:
            raise CommandError(
                f"cannot listen on {options['host']}:{options['port']}: {exc}"
            ) from exc
        url = f"http://{options['host']}:{server.server_address[1]}/"
        self.stdout.write(f"GTFS-RT simulator at {url} ({len(simulator.plans)} trips today)")
        self.stdout.flush()
        loaded = time.monotonic()
        try:
            while True:
                if not options["no_poll"]:
                    try:
                        counts = realtime_poll(city=city, url=url)
                        self.stdout.write(f"{datetime.now(UTC):%H:%M:%S} merged {counts}")
                        self.stdout.flush()
                    except (DomainError, OperationalError) as exc:  # a busy SQLite file
                        self.stderr.write(f"poll failed: {exc}")
                close_old_connections()
                if options["once"]:
                    return
                time.sleep(options["interval"])
                if time.monotonic() - loaded > RELOAD_SECONDS:
                    simulator.plans = selectors.simulator_plans(city)
                    loaded = time.monotonic()
        except KeyboardInterrupt:
            return
        finally:
            server.shutdown()
