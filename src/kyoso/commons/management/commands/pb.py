"""``kyoso pb import FILE --city SLUG --actor EMAIL`` and ``kyoso pb export ROUND_ID FILE``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kyoso.commons.models import PbRound
from kyoso.commons.services.budgeting import pb_export, pb_import
from kyoso.core.errors import DomainError
from kyoso.core.models import City, User


class Command(BaseCommand):
    help = "Import or export participatory budgets as pabulib .pb files."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a .pb file as a closed round with its result")
        imp.add_argument("file")
        imp.add_argument("--city", required=True)
        imp.add_argument("--actor", required=True, help="e-mail of the staff member importing")
        imp.add_argument("--title", default="")
        exp = sub.add_parser("export", help="write a round as a .pb file")
        exp.add_argument("round_id", type=int)
        exp.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            pb = PbRound.objects.filter(pk=options["round_id"]).select_related("city").first()
            if pb is None:
                raise CommandError(f"no round {options['round_id']}")
            Path(options["file"]).write_text(pb_export(pb), encoding="utf-8")
            self.stdout.write(f"exported round {pb.pk} to {options['file']}")
            return
        city = City.objects.filter(slug=options["city"]).first()
        actor = User.objects.filter(email=options["actor"].lower()).first()
        if city is None or actor is None:
            raise CommandError("unknown city or actor")
        try:
            pb = pb_import(
                city=city,
                actor=actor,
                text=Path(options["file"]).read_text(encoding="utf-8-sig"),
                title=options["title"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"imported round {pb.pk}: {len(pb.result['selected'])} projects selected, "
            f"{pb.result['total_cost']} of {pb.budget}"
        )
