"""Who may do what in which city: role lookups shared by views, the API and services."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _

from kyoso.core.errors import PermissionDeniedError
from kyoso.core.models import City, Membership, Organisation, Role, User

STAFF_ROLES = frozenset({Role.STAFF, Role.ADMIN})
# The named account that commands, schedules and the demo act as (see services.system_actor).
SYSTEM_ACTOR_EMAIL = "system@kyoso.invalid"


def is_system_actor(user: User | AnonymousUser | None) -> bool:
    """Return whether this is the system account (inactive: it never signs in)."""
    return isinstance(user, User) and user.email == SYSTEM_ACTOR_EMAIL and not user.is_active


def require_actor(actor: User | AnonymousUser | None, city: City, *roles: str) -> None:
    """Raise unless a named actor may act: the system account, or a holder of one of the roles.

    There is no "no actor": work that no person asks for is done as the system account, so the
    check is never skipped and the audit log always names who acted.
    """
    if actor is None:
        raise PermissionDeniedError(_("You do not have permission to do this in this city."))
    if is_system_actor(actor):
        return
    require_role(actor, city, *roles)


def roles_of(user: User | AnonymousUser, city: City) -> frozenset[str]:
    """Return the set of role codes the user holds in the city (empty for visitors)."""
    if not user.is_authenticated:
        return frozenset()
    cache: dict[int, frozenset[str]] = getattr(user, "_kyoso_roles", {})
    if city.pk not in cache:
        cache[city.pk] = frozenset(
            Membership.objects.filter(city=city, user=user).values_list("role", flat=True)
        )
        setattr(user, "_kyoso_roles", cache)  # noqa: B010 - a per-request cache on the user
    # A platform superuser is not an administrator of any city: city roles come only from
    # memberships, so operating the platform gives no access to a city's people or data.
    return cache[city.pk]


def has_role(user: User | AnonymousUser, city: City, *roles: str) -> bool:
    """Return whether the user holds any of the roles in the city (admins hold all)."""
    held = roles_of(user, city)
    return Role.ADMIN in held or bool(held.intersection(roles))


def require_role(user: User | AnonymousUser, city: City, *roles: str) -> None:
    """Raise PermissionDeniedError unless the user holds one of the roles in the city."""
    if not has_role(user, city, *roles):
        raise PermissionDeniedError(_("You do not have permission to do this in this city."))


def is_staff(user: User | AnonymousUser, city: City) -> bool:
    return has_role(user, city, *STAFF_ROLES)


def organisations_of(user: User | AnonymousUser, city: City) -> frozenset[int]:
    """Return the ids of the organisations the user acts for in the city."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(
        Membership.objects.filter(city=city, user=user)
        .exclude(organisation=None)
        .values_list("organisation_id", flat=True)
    )


def acts_for(user: User | AnonymousUser, organisation: Organisation | None) -> bool:
    """Return whether the user holds a role in the organisation's city on its behalf."""
    if organisation is None:
        return False
    return organisation.pk in organisations_of(user, organisation.city)


def require_owner_or_staff(
    user: User | AnonymousUser, city: City, organisation: Organisation | None
) -> None:
    """Raise unless the user is city staff or acts for the organisation that owns the thing."""
    if is_staff(user, city):
        return
    if organisation is None or organisation.city_id != city.pk or not acts_for(user, organisation):
        raise PermissionDeniedError(_("Only its own organisation or city staff can change this."))


# City.rules["participation"]: who may write in the city (propose, support, comment, vote in
# conversations, join groups, hold points). "registered": anyone who holds a role in the city
# (sign-up in a city makes one a citizen of it); "residents": only verified residents (and the
# city's own staff, moderators and organisations' accounts).
PARTICIPATION_RULES = ("registered", "residents")


def may_take_part(user: User | AnonymousUser, city: City) -> bool:
    """Return whether the person may write in the city under its participation rule."""
    if not user.is_authenticated or not user.is_active or user.email_confirmed_at is None:
        return False
    memberships = Membership.objects.filter(city=city, user=user)
    if city.rule("participation", "registered") == "residents":
        memberships = memberships.exclude(role=Role.CITIZEN, verified_resident=False)
    return memberships.exists()


# City.rules["voting"]: who may vote in the city's decisions and participatory budgets.
# "registered": anyone registered in the city as a resident (the citizen role, e-mail confirmed);
# "verified": only residents whom city staff have verified (Membership.verified_resident).
# A decision or a budget round may itself ask for verified residents; the stricter rule holds.
VOTING_RULES = ("registered", "verified")


def may_vote_in(user: User | AnonymousUser, city: City, *, verified: bool = False) -> bool:
    """Return whether the person is in the city's electorate (verified residents if asked)."""
    if not user.is_authenticated or not user.is_active or user.email_confirmed_at is None:
        return False
    residents = Membership.objects.filter(city=city, user=user, role=Role.CITIZEN)
    if verified or city.rule("voting", "registered") == "verified":
        residents = residents.filter(verified_resident=True)
    return residents.exists()


def require_participant(user: User | AnonymousUser, city: City) -> None:
    """Raise PermissionDeniedError unless the person may take part in the city."""
    if not may_take_part(user, city):
        if user.is_authenticated and user.email_confirmed_at is None:
            raise PermissionDeniedError(
                _(
                    "Confirm your e-mail address first: open the link in the e-mail we sent "
                    "you. My page can send it again."
                )
            )
        if city.rule("participation", "registered") == "residents":
            raise PermissionDeniedError(_("Only verified residents of this city can take part."))
        raise PermissionDeniedError(_("Register in this city to take part."))


def require_second_step(request: HttpRequest) -> None:
    """Raise unless the session passed two-step sign-in, where the person has set it up.

    For what outlives the session, such as making an API token.
    """
    from django_otp import user_has_device

    user = request.user
    if user_has_device(user) and not user.is_verified():  # type: ignore[union-attr]
        raise PermissionDeniedError(_("Sign in with your second step first."))


def needs_second_step(user: User | AnonymousUser) -> bool:
    """Return whether the account must sign in with a second step (a TOTP code).

    Accounts that can see other people's data or act for the city must: platform operators and
    anyone holding one of ``settings.KYOSO_SECOND_STEP_ROLES`` in any city.
    """
    from django.conf import settings

    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    roles = settings.KYOSO_SECOND_STEP_ROLES
    return bool(roles) and Membership.objects.filter(user=user, role__in=roles).exists()


def has_second_step_device(user: User | AnonymousUser) -> bool:
    """Return whether the person has set up a second step (a confirmed authenticator)."""
    from django_otp import user_has_device

    return user.is_authenticated and user_has_device(user, confirmed=True)
