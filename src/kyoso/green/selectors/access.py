"""Who may see or manage which company: managers, the consenting secretariat, and the city."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from kyoso.core.access import acts_for, has_role, is_staff
from kyoso.core.errors import NotFoundError
from kyoso.core.models import City, Consent, Role, User
from kyoso.green.models import Company, Consortium, Disclosure

PURPOSES = ("green.aggregate", "green.named", "green.secretariat")


def _consented_ids(city: City, purpose: str) -> set[int]:
    """Return ids of companies with a live consent for the purpose from one of their managers."""
    scopes = Consent.objects.filter(
        city=city,
        purpose=purpose,
        revoked_at__isnull=True,
        scope__startswith="company:",
        user__green_companies__city=city,
    ).values_list("scope", "user_id")
    ids = {int(s.split(":", 1)[1]) for s, _u in scopes}
    managers = set(
        Company.managers.through.objects.filter(company_id__in=ids).values_list(
            "company_id", "user_id"
        )
    )
    return {int(s.split(":", 1)[1]) for s, u in scopes if (int(s.split(":", 1)[1]), u) in managers}


def disclosure_of(company: Company) -> Disclosure:
    named = company.pk in _consented_ids(company.city, "green.named")
    if named:
        return Disclosure.NAMED
    if company.pk in _consented_ids(company.city, "green.aggregate"):
        return Disclosure.AGGREGATE
    return Disclosure.PRIVATE


def aggregate_ids(city: City) -> set[int]:
    """Return the companies that may be counted in totals and percentiles."""
    return _consented_ids(city, "green.aggregate") | _consented_ids(city, "green.named")


def named_ids(city: City) -> set[int]:
    return _consented_ids(city, "green.named")


def is_secretariat(user: User | AnonymousUser, city: City) -> bool:
    if not user.is_authenticated:
        return False
    return Consortium.objects.filter(city=city, secretariat=user).exists()


def can_manage(user: User | AnonymousUser, company: Company) -> bool:
    if not user.is_authenticated:
        return False
    if company.managers.filter(pk=user.pk).exists():
        return True
    if acts_for(user, company.organisation) and has_role(user, company.city, Role.BUSINESS):
        return True
    if has_role(user, company.city, Role.ADMIN):
        return True
    return Consortium.objects.filter(
        city=company.city, secretariat=user, members=company
    ).exists() and company.pk in _consented_ids(company.city, "green.secretariat")


def can_view(user: User | AnonymousUser, company: Company) -> bool:
    """Managers always; city staff and the secretariat only when the company is named."""
    if can_manage(user, company):
        return True
    if is_staff(user, company.city) or is_secretariat(user, company.city):
        return company.pk in named_ids(company.city)
    return False


def companies_managed(user: User | AnonymousUser, city: City) -> QuerySet[Company]:
    if not user.is_authenticated:
        return Company.objects.none()
    from django.db.models import Q

    from kyoso.core.access import organisations_of

    orgs = organisations_of(user, city) if has_role(user, city, Role.BUSINESS) else frozenset()
    return (
        Company.objects.filter(Q(managers=user) | Q(organisation_id__in=orgs), city=city)
        .distinct()
        .order_by("name")
    )


def companies_for_secretariat(user: User, city: City) -> list[Company]:
    allowed = _consented_ids(city, "green.secretariat")
    return list(
        Company.objects.filter(city=city, consortia__secretariat=user, pk__in=allowed).distinct()
    )


def company_get(
    user: User | AnonymousUser, city: City, pk: int, *, manage: bool = False
) -> Company:
    """Return the company if the user may see (or manage) it; otherwise NotFoundError."""
    company = Company.objects.filter(city=city, pk=pk).first()
    if company is None or not (can_manage(user, company) if manage else can_view(user, company)):
        raise NotFoundError("company not found")
    return company
