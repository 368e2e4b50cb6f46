"""API of green at /api/v1/green/: factor lists, companies, sites, activity (JSON and CSV),
inventory, plan and the consortium. Companies are visible only as their consents allow."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import File, Form, Path, Query, Router
from ninja.files import UploadedFile

from kyoso.core.access import is_staff, require_role
from kyoso.core.errors import DomainError, NotFoundError, PermissionDeniedError
from kyoso.core.models import Role, User
from kyoso.core.schemas import ErrorOut
from kyoso.core.selectors import city_get
from kyoso.green import selectors, services
from kyoso.green.models import Activity, AdoptedMeasure, FactorList
from kyoso.green.schemas import (
    ActivityImportOut,
    ActivityIn,
    ActivityOut,
    AdoptedMeasureOut,
    CompanyIn,
    CompanyOut,
    ConsortiumOut,
    FactorListOut,
    InvitationAnswerIn,
    InvitationOut,
    InviteIn,
    MemberOut,
    PlanOut,
    SiteIn,
    SiteOut,
    VisionLinkIn,
    WeatherFileOut,
    YearOut,
)

router = Router(tags=["green"])
PathId = Annotated[int, Path(ge=1, le=2**53)]
ERRORS: dict[int, type] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}
MAX_UPLOAD = 10 * 1024 * 1024


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@router.get("/{city_slug}/factor-lists", response={200: list[FactorListOut], **ERRORS}, auth=None)
def factor_lists(request: HttpRequest, city_slug: str) -> Any:
    """The official factor lists imported in the city, with source and attribution."""
    return list(FactorList.objects.filter(city=city_get(city_slug)))


@router.post("/{city_slug}/factor-lists", response={201: FactorListOut, **ERRORS})
def factor_list_upload(
    request: HttpRequest,
    city_slug: str,
    kind: Form[str],
    file: File[UploadedFile],
    fiscal_year: Form[int | None] = None,
) -> Any:
    """Staff import an official list (denki.txt or a TSV); a year never replaces another."""
    city = city_get(city_slug)
    require_role(_user(request), city, Role.STAFF)
    if (file.size or 0) > MAX_UPLOAD:
        raise DomainError("The file is too large.", field="file")
    return 201, services.factor_list_import(
        city=city, kind=kind, data=file.read(), fiscal_year=fiscal_year, actor=_user(request)
    )


@router.get("/{city_slug}/companies", response={200: list[CompanyOut], **ERRORS})
def companies(request: HttpRequest, city_slug: str) -> Any:
    """The companies the caller manages."""
    return list(selectors.companies_managed(_user(request), city_get(city_slug)))


@router.post("/{city_slug}/companies", response={201: CompanyOut, **ERRORS})
def company_create(request: HttpRequest, city_slug: str, payload: CompanyIn) -> Any:
    city = city_get(city_slug)
    return 201, services.company_create(actor=_user(request), city=city, **payload.dict())


@router.post("/{city_slug}/companies/{pk}/sites", response={201: SiteOut, **ERRORS})
def site_create(request: HttpRequest, city_slug: str, pk: PathId, payload: SiteIn) -> Any:
    city = city_get(city_slug)
    company = selectors.company_get(_user(request), city, pk, manage=True)
    data = payload.dict()
    code = data.pop("district_code")
    district = city.districts.filter(code=code).first() if code else None
    if code and district is None:
        raise DomainError("Unknown district.", field="district_code")
    return 201, services.site_create(
        actor=_user(request), company=company, district=district, **data
    )


@router.post("/{city_slug}/companies/{pk}/activities", response={201: ActivityOut, **ERRORS})
def activity_create(request: HttpRequest, city_slug: str, pk: PathId, payload: ActivityIn) -> Any:
    """Record one month of one energy line; the same line again replaces it."""
    company = selectors.company_get(_user(request), city_get(city_slug), pk, manage=True)
    return 201, services.activity_record(
        actor=_user(request),
        company=company,
        inp=services.ActivityInput(**payload.dict()),
        source="api",
    )


@router.post("/{city_slug}/companies/{pk}/activities/csv", response={201: ActivityImportOut, **ERRORS})
def activity_csv(request: HttpRequest, city_slug: str, pk: PathId, file: File[UploadedFile]) -> Any:
    """A bills spreadsheet (UTF-8 or Shift_JIS); any bad row leaves everything unchanged."""
    company = selectors.company_get(_user(request), city_get(city_slug), pk, manage=True)
    if (file.size or 0) > MAX_UPLOAD:
        raise DomainError("The file is too large.", field="file")
    rows = services.activity_import_csv(
        actor=_user(request), company=company, data=file.read(), source="bulk"
    )
    return 201, {"rows": len(rows)}


@router.get("/{city_slug}/companies/{pk}/activities", response={200: list[ActivityOut], **ERRORS})
def activities(
    request: HttpRequest,
    city_slug: str,
    pk: PathId,
    fiscal_year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
) -> Any:
    company = selectors.company_get(_user(request), city_get(city_slug), pk)
    qs = Activity.objects.filter(company=company).order_by("month", "site_id", "category")
    if fiscal_year:
        months = selectors.fiscal_months(company, fiscal_year)
        qs = qs.filter(month__gte=months[0], month__lte=months[-1])
    return list(qs[:5000])


@router.get("/{city_slug}/companies/{pk}/inventory", response={200: list[YearOut], **ERRORS})
def inventory(request: HttpRequest, city_slug: str, pk: PathId) -> Any:
    """The inventory by the company's fiscal years: both Scope 2 figures, completeness, intensity."""
    company = selectors.company_get(_user(request), city_get(city_slug), pk)
    out = []
    for fy, inv in selectors.company_years(company).items():
        t = inv.totals
        i = selectors.intensity(company, inv)
        out.append(
            {
                "fiscal_year": fy,
                "scope1_t": t.scope1,
                "scope2_location_t": t.scope2_location,
                "scope2_market_t": t.scope2_market,
                "scope3_t": t.scope3,
                "certificates_t": t.certificates,
                "credits_t": t.credits,
                "location_total_t": t.location_total,
                "market_total_t": t.market_total,
                "months_with_data": inv.months_with_data,
                "months_missing": inv.months_missing,
                "provisional_rows": inv.provisional_rows,
                "per_million_yen": i["per_million_yen"],
                "per_employee": i["per_employee"],
            }
        )
    return out


@router.get("/{city_slug}/companies/{pk}/plan", response={200: PlanOut, **ERRORS})
def plan(
    request: HttpRequest,
    city_slug: str,
    pk: PathId,
    budget_yen: Annotated[int, Query(ge=0, le=10**12)] = 10_000_000,
) -> Any:
    """The least-cost set of measures (HiGHS) reaching the company's target within the budget."""
    company = selectors.company_get(_user(request), city_get(city_slug), pk)
    years = selectors.company_years(company)
    if not years:
        raise NotFoundError("No activity data yet.", field="activities")
    inv = years[max(years)]
    base = years.get(company.target_base_year, years[min(years)]).market_total
    r = selectors.company_plan(company, inv, base, budget_yen)
    return {
        "fiscal_year": r.fiscal_year,
        "target_t": r.target_t,
        "budget_yen": r.budget_yen,
        "status": r.plan.status,
        "abated_t": r.plan.abated_t,
        "capex_yen": r.plan.capex_yen,
        "annual_cost_yen": r.plan.annual_cost_yen,
        "measures": [
            {
                "key": c.key,
                "name": c.name,
                "capex_yen": c.capex_yen,
                "opex_change_yen": c.opex_change_yen,
                "lifetime_years": c.lifetime_years,
                "abated_t": c.abated_t,
                "payback_years": r.payback[c.key],
                "yen_per_t": r.per_tonne[c.key],
                "in_plan": c.key in r.plan.chosen,
            }
            for c in r.candidates
        ],
    }


@router.post("/{city_slug}/consortium/activities/csv", response={201: dict[str, int], **ERRORS})
def consortium_bulk_csv(request: HttpRequest, city_slug: str, file: File[UploadedFile]) -> Any:
    """The secretariat's bulk upload: a bills CSV with a 会社 column, for consenting members."""
    if (file.size or 0) > MAX_UPLOAD:
        raise DomainError("The file is too large.", field="file")
    return 201, services.activity_import_bulk(
        actor=_user(request), city=city_get(city_slug), data=file.read()
    )


@router.get("/{city_slug}/consortium", response={200: ConsortiumOut, **ERRORS})
def consortium(request: HttpRequest, city_slug: str) -> Any:
    """The roll-up of consenting member companies (staff and the secretariat only)."""
    city = city_get(city_slug)
    if not (is_staff(_user(request), city) or selectors.is_secretariat(_user(request), city)):
        raise PermissionDeniedError("Only city staff or the consortium secretariat can see this.")
    d = selectors.dashboard(city)
    return {
        "members": d.members,
        "consenting": d.consenting,
        "completeness": d.completeness,
        "totals": d.totals,
        "estimates": d.estimates,
        "sectors": [{"industry": k, "by_year": v} for k, v in d.by_sector.items()],
        "named": [{"id": c.pk, "name": c.name, "market_t": t} for c, t in d.named],
    }


def _measure_out(m: Any, entry: Any) -> dict[str, Any]:
    return {
        "id": m.pk,
        "key": m.key,
        "name": m.name,
        "abated_t": float(m.abated_t),
        "status": m.status,
        "vision_measure_id": m.vision_measure_id,
        "vision_measure_title": entry.title if entry else None,
    }


@router.get(
    "/{city_slug}/companies/{pk}/measures", response={200: list[AdoptedMeasureOut], **ERRORS}
)
def measures(request: HttpRequest, city_slug: str, pk: PathId) -> Any:
    """The company's adopted measures, each with the city vision measure it serves."""
    company = selectors.company_get(_user(request), city_get(city_slug), pk)
    return [_measure_out(m, e) for m, e in selectors.adopted_measures(company)]


@router.put(
    "/{city_slug}/companies/{pk}/measures/{measure_id}/vision-measure",
    response={200: AdoptedMeasureOut, **ERRORS},
)
def measure_link(
    request: HttpRequest, city_slug: str, pk: PathId, measure_id: PathId, payload: VisionLinkIn
) -> Any:
    """Link an adopted measure to a vision measure of the city (``null`` unlinks)."""
    company = selectors.company_get(_user(request), city_get(city_slug), pk, manage=True)
    m = AdoptedMeasure.objects.filter(company=company, pk=measure_id).first()
    if m is None:
        raise NotFoundError("measure not found", field="measure_id")
    m = services.measure_link_vision(
        actor=_user(request), measure=m, vision_measure_id=payload.vision_measure_id
    )
    entry = selectors.vision_measures_by_id(company.city).get(m.vision_measure_id or 0)
    return _measure_out(m, entry)


def _invitation_out(i: Any) -> dict[str, Any]:
    return {
        "id": i.pk,
        "consortium": i.consortium.name,
        "company_id": i.company_id,
        "company": i.company.name,
        "accepted": i.accepted,
    }


@router.post("/{city_slug}/consortium/invitations", response={201: InvitationOut, **ERRORS})
def consortium_invite(request: HttpRequest, city_slug: str, payload: InviteIn) -> Any:
    """The secretariat invites a company by registered name or 法人番号."""
    consortium = selectors.consortium_of(city_get(city_slug))
    if consortium is None:
        raise NotFoundError("no consortium", field="consortium")
    i = services.consortium_invite(
        actor=_user(request), consortium=consortium, company=payload.company
    )
    return 201, _invitation_out(i)


@router.get("/{city_slug}/consortium/members", response={200: list[MemberOut], **ERRORS})
def consortium_members(request: HttpRequest, city_slug: str) -> Any:
    """The secretariat's members and what each lets it see or do."""
    city = city_get(city_slug)
    if not selectors.is_secretariat(_user(request), city):
        raise PermissionDeniedError("Only the consortium secretariat can see this.")
    return [
        {
            "id": r.company.pk,
            "name": r.company.name,
            "shares": r.shares,
            "secretariat_may_enter": r.secretariat_may_enter,
        }
        for r in selectors.members_for_secretariat(_user(request), city)
    ]


@router.get(
    "/{city_slug}/companies/{pk}/invitations", response={200: list[InvitationOut], **ERRORS}
)
def invitations(request: HttpRequest, city_slug: str, pk: PathId) -> Any:
    company = selectors.company_get(_user(request), city_get(city_slug), pk, manage=True)
    return [_invitation_out(i) for i in selectors.invitations_open(company)]


@router.post(
    "/{city_slug}/companies/{pk}/invitations/{invitation_id}",
    response={200: InvitationOut, **ERRORS},
)
def invitation_answer(
    request: HttpRequest,
    city_slug: str,
    pk: PathId,
    invitation_id: PathId,
    payload: InvitationAnswerIn,
) -> Any:
    """The company's manager accepts (joining) or declines an invitation."""
    company = selectors.company_get(_user(request), city_get(city_slug), pk, manage=True)
    i = services.consortium_invitation_answer(
        actor=_user(request),
        company=company,
        invitation_id=invitation_id,
        accept=payload.accept,
        secretariat_may_enter=payload.secretariat_may_enter,
    )
    return _invitation_out(i)


@router.post("/{city_slug}/weather", response={201: WeatherFileOut, **ERRORS})
def weather_upload(
    request: HttpRequest, city_slug: str, file: File[UploadedFile], source: Form[str]
) -> Any:
    """Staff upload the city's hourly weather file (EPW or CSV) for the PV estimates."""
    if (file.size or 0) > MAX_UPLOAD:
        raise DomainError("The file is too large.", field="file")
    wf = services.weather_file_upload(
        actor=_user(request),
        city=city_get(city_slug),
        name=file.name or "weather",
        data=file.read(),
        source=source,
    )
    return 201, {
        "id": wf.pk,
        "name": wf.name,
        "kind": wf.kind,
        "source": wf.source,
        "annual_ghi_kwh_m2": wf.annual_ghi_kwh_m2,
    }
