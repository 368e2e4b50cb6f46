"""``kyoso datahub-maintain``: create readings partitions ahead, drop and delete past retention.

``kyoso ingest-mqtt`` runs the same once at start and then daily."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kyoso.datahub.services import readings_partitions_maintain, readings_retention_apply


class Command(BaseCommand):
    help = "Create the readings partitions ahead; drop and delete readings past retention."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--months-ahead", type=int, default=3)

    def handle(self, *args: Any, **options: Any) -> None:
        done = readings_partitions_maintain(months_ahead=options["months_ahead"])
        deleted = readings_retention_apply()
        self.stdout.write(
            f"partitions created: {', '.join(done['created']) or '-'}; "
            f"dropped: {', '.join(done['dropped']) or '-'}; readings deleted: {deleted}"
        )
