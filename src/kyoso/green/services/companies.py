"""Companies, sites, disclosure consents, consortium membership, measures and EV leases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import has_role, require_role
from kyoso.core.errors import DomainError, PermissionDeniedError
from kyoso.core.models import City, District, Role, User
from kyoso.core.registry import city_measures
from kyoso.core.services import audit_record, consent_grant, consent_revoke
from kyoso.green.models import (
    AdoptedMeasure,
    Company,
    Consortium,
    Disclosure,
    EvLease,
    MeasureStatus,
    Site,
)

# Consents a company's manager gives (core Consent, scope "company:<id>", revocable at once):
PURPOSE_AGGREGATE = "green.aggregate"  # counted in totals and anonymous percentiles
PURPOSE_NAMED = "green.named"  # shown with its name to the city and the consortium
PURPOSE_SECRETARIAT = "green.secretariat"  # the consortium secretariat may enter its data


def company_scope(company: Company) -> str:
    return f"company:{company.pk}"


def require_manager(user: User, company: Company) -> None:
    """Raise unless the user manages the company (or is its consortium's secretariat with
    the company's consent)."""
    from kyoso.green.selectors import can_manage

    if not can_manage(user, company):
        raise PermissionDeniedError(_("You do not manage this company."))


@transaction.atomic
def company_create(
    *,
    actor: User,
    city: City,
    name: str,
    jsic: str,
    employees: int = 0,
    sales_million_yen: Decimal = Decimal(0),
    corporate_number: str = "",
    fiscal_year_start_month: int = 4,
    is_demo: bool = False,
) -> Company:
    """Return a new company managed by ``actor`` (a business account of the city)."""
    require_role(actor, city, Role.BUSINESS, Role.STAFF)
    if not name.strip():
        raise DomainError(_("Give the company's name."), field="name")
    if corporate_number and (len(corporate_number) != 13 or not corporate_number.isdigit()):
        raise DomainError(_("The corporate number has 13 digits."), field="corporate_number")
    if not 1 <= fiscal_year_start_month <= 12:
        raise DomainError(_("Choose a month from 1 to 12."), field="fiscal_year_start_month")
    if (
        corporate_number
        and Company.objects.filter(city=city, corporate_number=corporate_number).exists()
    ):
        raise DomainError(
            _("A company with this number is already registered."), field="corporate_number"
        )
    company = Company.objects.create(
        city=city,
        name=name.strip(),
        jsic=jsic,
        employees=employees,
        sales_million_yen=sales_million_yen,
        corporate_number=corporate_number,
        fiscal_year_start_month=fiscal_year_start_month,
        is_demo=is_demo,
    )
    company.managers.add(actor)
    _link_organisation(company, actor)
    audit_record(city=city, actor=actor, action="green.company.create", obj=company)
    return company


def _link_organisation(company: Company, actor: User) -> None:
    """Link the company to the core organisation its creator acts for, or to a new one."""
    from kyoso.core.models import Membership, Organisation, OrganisationKind
    from kyoso.core.services import organisation_ensure

    membership = Membership.objects.filter(
        city=company.city, user=actor, role=Role.BUSINESS
    ).first()
    org: Organisation | None = membership.organisation if membership else None
    if org is None or org.green_companies.exists():
        org = organisation_ensure(
            city=company.city,
            code=f"company-{company.pk}",
            name_ja=company.name,
            kind=OrganisationKind.BUSINESS,
            is_demo=company.is_demo,
        )
        if membership is not None and membership.organisation_id is None:
            membership.organisation = org
            membership.save(update_fields=["organisation"])
    company.organisation = org
    company.save(update_fields=["organisation"])


@transaction.atomic
def site_create(
    *,
    actor: User,
    company: Company,
    name: str,
    address: str = "",
    district: District | None = None,
    grid_area: str = "",
    roof_area_m2: int = 0,
    lat: float | None = None,
    lon: float | None = None,
) -> Site:
    require_manager(actor, company)
    if not name.strip():
        raise DomainError(_("Give the site's name."), field="name")
    if company.sites.filter(name=name.strip()).exists():
        raise DomainError(_("The company already has a site of this name."), field="name")
    if district is not None and district.city_id != company.city_id:
        raise DomainError(_("Choose a district of this city."), field="district")
    site = Site.objects.create(
        city=company.city,
        company=company,
        name=name.strip(),
        address=address,
        district=district,
        grid_area=grid_area,
        roof_area_m2=roof_area_m2,
        lat=lat if lat is not None else (district.center_lat if district else None),
        lon=lon if lon is not None else (district.center_lon if district else None),
    )
    audit_record(city=company.city, actor=actor, action="green.site.create", obj=site)
    return site


@transaction.atomic
def company_set_disclosure(
    *, actor: User, company: Company, level: str, secretariat: bool | None = None
) -> None:
    """Record what the city and the consortium may see; a narrower level revokes at once."""
    require_manager(actor, company)
    if level not in Disclosure.values:
        raise DomainError(_("Choose who may see your data."), field="level")
    scope = company_scope(company)
    wanted = {
        PURPOSE_AGGREGATE: level in (Disclosure.AGGREGATE, Disclosure.NAMED),
        PURPOSE_NAMED: level == Disclosure.NAMED,
    }
    if secretariat is not None:
        wanted[PURPOSE_SECRETARIAT] = secretariat
    for purpose, on in wanted.items():
        for manager in company.managers.all():
            if on and manager == actor:
                consent_grant(city=company.city, user=actor, purpose=purpose, scope=scope)
            elif not on:
                consent_revoke(city=company.city, user=manager, purpose=purpose, scope=scope)


@transaction.atomic
def consortium_join(*, actor: User, company: Company, consortium: Consortium) -> None:
    require_manager(actor, company)
    if consortium.city_id != company.city_id:
        raise DomainError(_("Choose a consortium of this city."), field="consortium")
    consortium.members.add(company)
    audit_record(city=company.city, actor=actor, action="green.consortium.join", obj=company)


@transaction.atomic
def consortium_set_estimate(
    *, actor: User, consortium: Consortium, fiscal_year: int, t_co2: Decimal
) -> None:
    """Store the city's 自治体排出量カルテ-style industrial-sector estimate for a year."""
    if not (
        has_role(actor, consortium.city, Role.STAFF)
        or consortium.secretariat.filter(pk=actor.pk).exists()
    ):
        raise PermissionDeniedError(_("Only city staff or the secretariat can do this."))
    if t_co2 < 0:
        raise DomainError(_("A quantity cannot be negative."), field="t_co2")
    if not 1990 <= fiscal_year <= 2100:
        raise DomainError(_("Give a fiscal year."), field="fiscal_year")
    estimates = dict(consortium.sector_estimates)
    estimates[str(fiscal_year)] = float(t_co2)
    consortium.sector_estimates = estimates
    consortium.save(update_fields=["sector_estimates"])
    audit_record(
        city=consortium.city,
        actor=actor,
        action="green.consortium.estimate",
        obj=consortium,
        details={"fiscal_year": fiscal_year, "t_co2": float(t_co2)},
    )


@transaction.atomic
def measure_adopt(
    *,
    actor: User,
    company: Company,
    key: str,
    name: str,
    capex_yen: int,
    opex_change_yen: int,
    lifetime_years: int,
    abated_t: Decimal,
    status: str = MeasureStatus.ADOPTED,
    vision_measure_id: int | None = None,
) -> AdoptedMeasure:
    require_manager(actor, company)
    if not name.strip():
        raise DomainError(_("Give the measure a name."), field="name")
    if capex_yen < 0:
        raise DomainError(_("Investment cannot be negative."), field="capex_yen")
    if lifetime_years < 1:
        raise DomainError(_("Lifetime is at least one year."), field="lifetime_years")
    if status not in MeasureStatus.values:
        raise DomainError(_("Unknown status."), field="status")
    if vision_measure_id is not None:
        _check_city_measure(company.city, vision_measure_id)
    m = AdoptedMeasure.objects.create(
        city=company.city,
        company=company,
        key=key,
        name=name.strip(),
        capex_yen=capex_yen,
        opex_change_yen=opex_change_yen,
        lifetime_years=lifetime_years,
        abated_t=abated_t,
        status=status,
        vision_measure_id=vision_measure_id,
        adopted_on=timezone.localdate(),
    )
    audit_record(city=company.city, actor=actor, action="green.measure.adopt", obj=m)
    return m


def _check_city_measure(city: City, vision_measure_id: int) -> None:
    # green does not import vision: the city's measures come from core's measure directory.
    if vision_measure_id not in {e.id for e in city_measures(city)}:
        raise DomainError(_("Choose one of the city's measures."), field="vision_measure_id")


@transaction.atomic
def measure_link_vision(
    *, actor: User, measure: AdoptedMeasure, vision_measure_id: int | None
) -> AdoptedMeasure:
    """Return the company's measure linked to one of the city's vision measures (or unlinked)."""
    require_manager(actor, measure.company)
    if vision_measure_id is not None:
        _check_city_measure(measure.city, vision_measure_id)
    measure.vision_measure_id = vision_measure_id
    measure.save(update_fields=["vision_measure_id"])
    audit_record(
        city=measure.city,
        actor=actor,
        action="green.measure.link_vision",
        obj=measure,
        details={"vision_measure_id": vision_measure_id},
    )
    return measure


@transaction.atomic
def ev_lease_create(
    *,
    actor: User,
    company: Company,
    started: date,
    vehicles: int,
    km_per_vehicle_year: int = 15000,
    ice_km_per_litre: Decimal = Decimal(13),
    lease_yen_per_vehicle_month: int = 45000,
) -> EvLease:
    require_manager(actor, company)
    if vehicles < 1:
        raise DomainError(_("At least one vehicle."), field="vehicles")
    if ice_km_per_litre <= 0:
        raise DomainError(_("Fuel economy must be positive."), field="ice_km_per_litre")
    lease = EvLease.objects.create(
        city=company.city,
        company=company,
        started=started.replace(day=1),
        vehicles=vehicles,
        km_per_vehicle_year=km_per_vehicle_year,
        ice_km_per_litre=ice_km_per_litre,
        lease_yen_per_vehicle_month=lease_yen_per_vehicle_month,
    )
    audit_record(city=company.city, actor=actor, action="green.ev_lease.create", obj=lease)
    return lease


@transaction.atomic
def company_set_target(
    *,
    actor: User,
    company: Company,
    base_year: int,
    target_year: int,
    percent: Decimal,
    specified_emitter: bool | None = None,
) -> Company:
    """Store the company's own target (base year, target year, reduction %)."""
    require_manager(actor, company)
    if not 1990 <= base_year <= 2100:
        raise DomainError(_("Give a fiscal year."), field="base_year")
    if not base_year < target_year <= 2100:
        raise DomainError(_("The target year comes after the base year."), field="target_year")
    if not Decimal(0) < percent <= Decimal(100):
        raise DomainError(_("Give a reduction between 0 and 100%."), field="percent")
    company.target_base_year = base_year
    company.target_year = target_year
    company.target_percent = percent
    fields = ["target_base_year", "target_year", "target_percent"]
    if specified_emitter is not None:
        company.specified_emitter = specified_emitter
        fields.append("specified_emitter")
    company.save(update_fields=fields)
    audit_record(
        city=company.city,
        actor=actor,
        action="green.company.target",
        obj=company,
        details={"base_year": base_year, "target_year": target_year, "percent": str(percent)},
    )
    return company
