"""``kyoso health_rotate_keys``: re-encrypt every health field under the first KYOSO_HEALTH_KEYS key.

Put the new key first in ``KYOSO_HEALTH_KEYS`` (keep the old ones after it), restart, run this, then
drop the old keys. Safe to run again: rows already under the first key are left as they are.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kyoso.core.services import audit_record, system_actor
from kyoso.health.services import payloads_rotate


class Command(BaseCommand):
    help = "Re-encrypt every health payload and appointment reason under the first health key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        done = payloads_rotate(batch=options["batch"])
        audit_record(
            city=None, actor=system_actor(), action="health.keys_rotate", details={"fields": done}
        )
        self.stdout.write(f"health fields re-encrypted under the first key: {done}")
