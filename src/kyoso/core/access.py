"""Who may do what in which city: role lookups shared by views, the API and services."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from kyoso.core.errors import PermissionDeniedError
from kyoso.core.models import City, Membership, Role, User

STAFF_ROLES = frozenset({Role.STAFF, Role.ADMIN})


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
    roles = cache[city.pk]
    if user.is_superuser:
        roles = roles | {Role.ADMIN}
    return roles


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
