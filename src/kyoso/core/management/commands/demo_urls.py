"""``kyoso demo-urls --city hitachi``: every URL of the project with the city's ids, as JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kyoso.core.selectors import city_get
from kyoso.core.url_catalogue import city_catalogue


class Command(BaseCommand):
    help = "Print every URL pattern filled with real ids of a city (JSON), for smoke tests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--city", default="hitachi")

    def handle(self, *args: Any, **options: Any) -> None:
        catalogue = city_catalogue(city_get(options["city"]))
        self.stdout.write(
            json.dumps(
                {"urls": catalogue.urls, "missing": catalogue.missing},
                ensure_ascii=False,
                indent=1,
            )
        )
