"""``kyoso ledger verify|seal|expire [--city SLUG]``."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kyoso.commons.selectors.ledger import ledger_verify
from kyoso.commons.services.ledger import points_expire, transfers_void_timed_out
from kyoso.commons.services.ledger_seal import journal_seal
from kyoso.core.models import City


class Command(BaseCommand):
    help = "Check the community-points ledger (verify), seal its journal (seal) or expire points."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="recompute balances and walk the hash chain")
        verify.add_argument("--city", help="city slug (default: every city)")
        verify.add_argument("--json", action="store_true", help="print the report as JSON")
        seal = sub.add_parser("seal", help="chain the committed, unsealed transfers now")
        seal.add_argument("--city", help="city slug (default: every city)")
        expire = sub.add_parser("expire", help="void timed-out holds and expire old points")
        expire.add_argument("--city", help="city slug (default: every city)")

    def handle(self, *args: Any, **options: Any) -> None:
        cities = City.objects.order_by("slug")
        if options.get("city"):
            cities = cities.filter(slug=options["city"])
            if not cities.exists():
                raise CommandError(f"no city with slug {options['city']!r}")
        if options["action"] == "seal":
            for city in cities:
                self.stdout.write(f"{city.slug}: {journal_seal(city=city)} transfers sealed")
            return
        if options["action"] == "expire":
            for city in cities:
                voided = transfers_void_timed_out(city=city)
                expired = points_expire(city=city)
                total = sum(t.amount for t in expired)
                self.stdout.write(
                    f"{city.slug}: {voided} holds voided, {len(expired)} accounts expired "
                    f"{total} points"
                )
            return
        failed = False
        for city in cities:
            report = ledger_verify(city)
            failed = failed or not report.ok
            if options.get("json"):
                self.stdout.write(
                    json.dumps(
                        {
                            "city": report.city,
                            "ok": report.ok,
                            "transfers": report.transfers,
                            "accounts": report.accounts,
                            "head": report.head,
                            "sealed": report.sealed,
                            "unsealed": report.unsealed,
                            "oldest_unsealed_seconds": report.oldest_unsealed_seconds,
                            "seal_bound_seconds": report.seal_bound_seconds,
                            "problems": report.problems,
                        },
                        ensure_ascii=False,
                    )
                )
                continue
            status = "OK" if report.ok else "FAILED"
            self.stdout.write(
                f"{report.city}: {status} — {report.transfers} transfers, {report.accounts} "
                f"accounts, head {report.head[:16]}…; {report.unsealed} waiting for the sealer"
                + (
                    f" (oldest {report.oldest_unsealed_seconds:.1f} s, "
                    f"bound {report.seal_bound_seconds:.0f} s)"
                    if report.oldest_unsealed_seconds is not None
                    else ""
                )
            )
            for problem in report.problems[:50]:
                self.stdout.write(f"  {problem}")
        if failed:
            raise CommandError("the ledger did not verify")
