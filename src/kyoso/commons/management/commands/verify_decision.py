"""``kyoso verify-decision <id>``: check a decision against what was published, not its own head.

    kyoso verify-decision 12 [--record published.json] [--receipt r1.json …] [--board-key HEX]

The database's record is rebuilt and checked by the independent verifier (every proof, the
hash chain, the tally) with the board key from ``--board-key`` or the settings — never with a
head read from the database. With ``--record`` the database must also agree, entry by entry,
with a record downloaded earlier (which itself must verify); with ``--receipt`` every voter's
signed receipt must be on the board with the board before it unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kyoso.commons import board_signing
from kyoso.commons.algorithms import election_verifier as ev
from kyoso.commons.models import Decision
from kyoso.commons.selectors.decisions import election_record


def compare_records(db: dict[str, Any], published: dict[str, Any]) -> list[str]:
    """Return how the database's record departs from a published one."""
    problems = []
    if db["election"]["id"] != published["election"]["id"]:
        return ["published: the record is of another decision"]
    if db["public_key"] != published["public_key"]:
        problems.append("published: the election key differs from the published record")
    if db["election"] != published["election"]:
        problems.append("published: the decision's parameters differ from the published record")
    mine, theirs = db["board"]["entries"], published["board"]["entries"]
    for n, e in enumerate(theirs):
        if n >= len(mine):
            problems.append(f"missing: published entry {n} is no longer on the board")
            break
        if mine[n]["hash"] != e["hash"]:
            problems.append(f"altered: board entry {n} differs from the published record")
            break
    if published.get("result") is not None and db.get("result") != published.get("result"):
        problems.append("published: the result differs from the published record")
    return problems


class Command(BaseCommand):
    help = "Check a decision against a published election record and receipts, and recount it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("decision_id", type=int)
        parser.add_argument("--record", type=Path, help="an election record published earlier")
        parser.add_argument("--receipt", type=Path, action="append", default=[])
        parser.add_argument("--board-key", help="the board's public key as the city published it")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        decision = Decision.objects.filter(pk=options["decision_id"]).first()
        if decision is None:
            raise CommandError(f"no decision {options['decision_id']}")
        key = options["board_key"] or board_signing.public_key_hex()
        receipts = [json.loads(p.read_text()) for p in options["receipt"]]
        record = election_record(decision)
        report = ev.verify_record(record, receipts=receipts, board_key=key)
        problems = list(report.problems)
        if options["record"]:
            published = json.loads(options["record"].read_text())
            own = ev.verify_record(published, board_key=key)
            problems += [f"published record: {p}" for p in own.problems]
            problems += compare_records(record, published)
        if not record["board"]["signed_heads"] and not receipts and not options["record"]:
            problems.append("unchecked: no signed head, record or receipt to check against")
        out = {
            "decision": decision.pk,
            "title": decision.title,
            "method": decision.method,
            "ok": not problems,
            "problems": problems,
            "ballots": report.ballots,
            "head": record["board"]["entries"][-1]["hash"] if record["board"]["entries"] else "",
            "receipts": len(receipts),
            "result": report.result,
        }
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False, default=int))
        else:
            self.stdout.write(f"{decision.title} ({decision.method}), {report.ballots} ballots")
            self.stdout.write(f"board: {'OK' if not problems else 'FAILED'}")
            for p in problems:
                self.stdout.write(f"  {p}")
            if report.result:
                self.stdout.write(f"winners: {', '.join(report.result['winners']) or '-'}")
                for name in report.result["ranking"]:
                    self.stdout.write(f"  {name}: {report.result['tallies'][name]}")
        if problems:
            raise CommandError("the decision did not verify")
