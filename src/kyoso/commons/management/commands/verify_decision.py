"""``kyoso verify-decision <id>``: check a decision's board and recompute its result."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kyoso.commons.models import Decision
from kyoso.commons.selectors.decisions import decision_check


class Command(BaseCommand):
    help = "Check a decision's hash-chained ballot board and recompute the result from it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("decision_id", type=int)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        decision = Decision.objects.filter(pk=options["decision_id"]).first()
        if decision is None:
            raise CommandError(f"no decision {options['decision_id']}")
        check = decision_check(decision)
        v, r = check.verification, check.result
        out = {
            "decision": decision.pk,
            "title": decision.title,
            "method": decision.method,
            "board_ok": v.ok,
            "problems": list(v.problems),
            "ballots": check.ballots,
            "head": v.head,
            "quorum": decision.quorum,
            "quorum_met": check.quorum_met,
            "winners": list(r.winners) if r else [],
            "ranking": list(r.ranking) if r else [],
            "tallies": r.tallies if r else {},
            "tie_break": r.tie_break if r else "",
            "seed": r.seed if r else "",
            "error": check.error,
        }
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False, default=int))
        else:
            self.stdout.write(f"{decision.title} ({decision.method}), {check.ballots} ballots")
            self.stdout.write(f"board: {'OK' if v.ok else 'FAILED'} head {v.head}")
            for p in v.problems:
                self.stdout.write(f"  {p}")
            if r:
                self.stdout.write(f"winners: {', '.join(r.winners) or '-'}")
                for name in r.ranking:
                    self.stdout.write(f"  {name}: {r.tallies.get(name)}")
            if not check.quorum_met:
                self.stdout.write(f"quorum of {decision.quorum} not met")
        if not v.ok or check.error:
            raise CommandError("the decision did not verify")
