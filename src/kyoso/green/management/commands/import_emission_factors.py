"""``kyoso import-emission-factors [PATH] --city hitachi``: import official factor lists.

PATH is one file (give ``--kind``) or a folder holding denki.txt, gas.tsv, heat.tsv, fuels.tsv
and scope3.tsv; without PATH the copy packaged with Kyoso is used. A year already imported is
skipped (factors never change in place); provisional results are recalculated afterwards.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kyoso.core.errors import ConflictError, DomainError
from kyoso.core.models import City
from kyoso.green.models import FactorKind
from kyoso.green.services import factor_list_import, factor_lists_import_folder


class Command(BaseCommand):
    help = "Import the official emission-factor lists (electricity, gas, heat, fuels, Scope 3)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default="")
        parser.add_argument("--city", action="append", help="city slug (default: every city)")
        parser.add_argument("--kind", choices=list(FactorKind.values), help="kind of a single file")
        parser.add_argument("--fiscal-year", type=int, help="override the detected fiscal year")

    def handle(self, *args: Any, **options: Any) -> None:
        slugs = options["city"]
        cities = list(City.objects.filter(slug__in=slugs) if slugs else City.objects.all())
        if not cities:
            raise CommandError("no such city")
        path = Path(options["path"]) if options["path"] else None
        for city in cities:
            try:
                if path is not None and path.is_file():
                    if not options["kind"]:
                        raise CommandError("give --kind for a single file")
                    lists = [
                        factor_list_import(
                            city=city,
                            kind=options["kind"],
                            data=path.read_bytes(),
                            fiscal_year=options["fiscal_year"],
                        )
                    ]
                else:
                    if path is not None and not path.is_dir():
                        raise CommandError(f"{path} is not a file or folder")
                    lists = factor_lists_import_folder(city=city, folder=path)
            except ConflictError as exc:
                self.stdout.write(f"{city.slug}: {exc.message}")
                continue
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            for fl in lists:
                self.stdout.write(self.style.SUCCESS(f"{city.slug}: {fl} — {fl.rows} factors"))
            if not lists:
                self.stdout.write(f"{city.slug}: nothing new")
