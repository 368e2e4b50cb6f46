from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kyoso.core.errors import DomainError
from kyoso.core.models import City, Role, User
from kyoso.core.services import membership_grant, system_actor


class Command(BaseCommand):
    help = (
        "Give a person a role in a city, recorded in the city's audit log as done by the system "
        "(for a new city's first administrator; afterwards its administrators use its pages)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("city", help="the city's URL name, such as hitachi")
        parser.add_argument("email", help="the person's e-mail address (the account must exist)")
        parser.add_argument("role", choices=Role.values)

    def handle(self, *args: Any, **options: Any) -> None:
        city = City.objects.filter(slug=options["city"]).first()
        if city is None:
            raise CommandError(f"No city with the URL name {options['city']!r}.")
        user = User.objects.filter(email=options["email"].strip().lower()).first()
        if user is None:
            raise CommandError(f"No account with the e-mail address {options['email']!r}.")
        try:
            membership_grant(city=city, user=user, role=options["role"], actor=system_actor())
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"{user.email} is now {options['role']} in {city.slug}.")
