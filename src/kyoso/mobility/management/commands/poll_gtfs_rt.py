"""``kyoso poll-gtfs-rt --city hitachi --url URL --interval 15``: consume an operator's GTFS-RT."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from kyoso.core.errors import DomainError
from kyoso.core.models import City
from kyoso.mobility.services import realtime_poll


class Command(BaseCommand):
    help = "Poll a GTFS-Realtime feed URL on an interval and merge it into the live state."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--city", default="hitachi")
        parser.add_argument("--url", action="append", required=True, help="may be repeated")
        parser.add_argument("--interval", type=float, default=15.0)
        parser.add_argument("--once", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        logging.getLogger("httpx").setLevel(logging.WARNING)
        city = City.objects.filter(slug=options["city"]).first()
        if city is None:
            raise CommandError(f"no city {options['city']!r}")
        while True:
            for url in options["url"]:
                try:
                    counts = realtime_poll(city=city, url=url)
                    self.stdout.write(f"{url}: {counts}")
                except DomainError as exc:
                    self.stderr.write(f"{url}: {exc.message}")
            close_old_connections()
            if options["once"]:
                return
            time.sleep(options["interval"])
