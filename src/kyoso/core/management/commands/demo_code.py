from typing import Any

from django.core.management.base import BaseCommand

from kyoso.core.demo import demo_totp_code, demo_totp_secret


class Command(BaseCommand):
    help = (
        "Print the two-step sign-in code of the demo staff, clinic, moderator and admin accounts."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(demo_totp_code())
        self.stderr.write(f"(valid about 30 s; authenticator key {demo_totp_secret()})")
