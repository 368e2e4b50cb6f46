"""Recompute the opinion maps that votes have made stale (safe to run from cron)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kyoso.voice import services
from kyoso.voice.models import Conversation


class Command(BaseCommand):
    help = "Recompute stale opinion maps (or all with --all) and print how long each took."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="recompute every map, stale or not")
        parser.add_argument("--city", default="", help="only this city (URL name)")

    def handle(self, *args: Any, **options: Any) -> None:
        conversations = Conversation.objects.all()
        if options["city"]:
            conversations = conversations.filter(city__slug=options["city"])
        if not options["all"]:
            conversations = conversations.filter(map_dirty_since__isnull=False)
        for conversation in conversations.order_by("pk"):
            started = time.perf_counter()
            stored = services.conversation_map_compute(
                conversation_id=conversation.pk, force=options["all"]
            )
            took = time.perf_counter() - started
            state = f"{stored.n_participants} participants" if stored else "skipped"
            self.stdout.write(f"{conversation.pk} {conversation.title}: {state} ({took:.2f} s)")
