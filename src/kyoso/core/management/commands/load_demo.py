import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kyoso.core.demo import DEMO_PASSWORD, demo_accounts, demo_totp_secret, load_demo


class Command(BaseCommand):
    help = "Create the demo cities (日立市 and 高萩市) with demo accounts and content."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="rebuild even if already loaded")
        parser.add_argument(
            "--quiet-accounts", action="store_true", help="do not list the accounts"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        cities = load_demo(reset=options["reset"])
        names = ", ".join(f"{c.name_ja} (/{c.slug}/)" for c in cities)
        self.stdout.write(f"Demo cities ready in {time.perf_counter() - started:.1f} s: {names}")
        if not options["quiet_accounts"]:
            self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
            for account in demo_accounts():
                self.stdout.write(f"  {account.role:<10} {account.email}")
            self.stdout.write(
                "Staff, clinic, moderator and admin accounts also need a code from an "
                f"authenticator app with the key {demo_totp_secret()}, or run `kyoso demo_code`; "
                "in the demo the sign-in page shows it too."
            )
