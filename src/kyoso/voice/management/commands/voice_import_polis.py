"""Import a Polis open-data export folder as a new conversation of a city."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kyoso.core.errors import DomainError
from kyoso.core.models import City, User
from kyoso.voice import services


class Command(BaseCommand):
    help = (
        "Import comments.csv and participants-votes.csv of a Polis export into a new conversation."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument("--city", required=True, help="city URL name")
        parser.add_argument("--staff", required=True, help="e-mail of the staff member importing")
        parser.add_argument("--title", default="", help="title (default: the folder name)")

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["folder"]
        city = City.objects.filter(slug=options["city"]).first()
        staff = User.objects.filter(email=options["staff"].lower()).first()
        if city is None or staff is None:
            raise CommandError("Unknown city or staff e-mail.")
        try:
            files = {
                n: (folder / n).read_bytes() for n in ("comments.csv", "participants-votes.csv")
            }
            conversation = services.conversation_create(
                city=city,
                actor=staff,
                title=options["title"] or folder.name,
                question=options["title"] or folder.name,
                moderation="permissive",
            )
            counts = services.conversation_import_polis(
                city=city, actor=staff, conversation=conversation, files=files
            )
        except (OSError, DomainError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"conversation {conversation.pk}: {counts}")
