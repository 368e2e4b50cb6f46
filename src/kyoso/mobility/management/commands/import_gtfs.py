"""``kyoso import-gtfs PATH --city hitachi``: check and import a GTFS / GTFS-JP zip or folder."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kyoso.core.errors import DomainError
from kyoso.core.models import City
from kyoso.core.services import system_actor
from kyoso.mobility.services import feed_import


class Command(BaseCommand):
    help = "Import a GTFS or GTFS-JP feed (zip or folder); a feed with errors changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--city", required=True, help="city slug, e.g. hitachi")
        parser.add_argument("--operator", default="", help="operator name (default: agency)")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        city = City.objects.filter(slug=options["city"]).first()
        if city is None:
            raise CommandError(f"no city {options['city']!r}")
        try:
            result = feed_import(
                city=city,
                source=options["path"],
                actor=system_actor(),
                operator_name=options["operator"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "ok": result.ok,
                        "seconds": round(result.seconds, 3),
                        "counts": result.feed.counts if result.feed else {},
                        "problems": result.report(),
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            for p in result.problems[:200]:
                self.stdout.write(str(p))
        if not result.ok:
            raise CommandError(f"feed rejected: {len(result.errors)} error(s); nothing changed")
        if result.feed is None:  # pragma: no cover - ok implies a feed
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"imported {result.feed.operator_name} {result.feed.version}: "
                f"{result.feed.counts.get('stop_times', 0)} stop times in {result.seconds:.2f} s"
            )
        )
