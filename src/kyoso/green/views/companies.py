"""Pages of a company: register, sites, bills (form and CSV), inventory, disclosure, exports."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kyoso.core.access import has_role, is_staff
from kyoso.core.csv_export import csv_response
from kyoso.core.errors import DomainError
from kyoso.core.http import AuthedCityRequest, CityRequest
from kyoso.core.models import Role
from kyoso.green import charts, selectors, services
from kyoso.green.forms import (
    ActivityForm,
    CompanyForm,
    CsvUploadForm,
    DisclosureForm,
    InvitationAnswerForm,
    SiteForm,
)
from kyoso.green.models import Activity, Company


def index(request: CityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and request.user.is_authenticated and form.is_valid():
        company = services.company_create(actor=request.user, city=city, **form.cleaned_data)
        return redirect("green:sites", city.slug, company.pk)
    return render(
        request,
        "green/index.html",
        {
            "companies": selectors.companies_managed(request.user, city),
            "managed_by_secretariat": selectors.companies_for_secretariat(request.user, city)
            if request.user.is_authenticated
            else [],
            "form": form,
            "can_register": has_role(request.user, city, Role.BUSINESS, Role.STAFF),
            "can_see_consortium": is_staff(request.user, city)
            or selectors.is_secretariat(request.user, city),
        },
    )


def _years_context(company: Company, fy: str | None) -> dict[str, object]:
    years = selectors.company_years(company)
    if not years:
        return {"years": {}, "inv": None}
    chosen = int(fy) if fy and fy.isdigit() and int(fy) in years else max(years)
    inv = years[chosen]
    return {
        "years": years,
        "inv": inv,
        "fy": chosen,
        "intensity": selectors.intensity(company, inv),
        "charts": [
            charts.monthly_chart(inv),
            charts.category_chart(inv),
            charts.site_chart(inv),
            charts.years_chart(years),
        ],
        "peers": selectors.peer_benchmark(company, chosen),
    }


@login_required
def company_detail(request: AuthedCityRequest, city_slug: str, pk: int) -> HttpResponse:
    company = selectors.company_get(request.user, request.city, pk)
    manage = selectors.can_manage(request.user, company)
    if request.method == "POST" and manage and "invitation" in request.POST:
        answer = InvitationAnswerForm(request.POST)
        if not answer.is_valid():
            raise DomainError(_("Answer the invitation."), field="invitation")
        services.consortium_invitation_answer(
            actor=request.user,
            company=company,
            invitation_id=answer.cleaned_data["invitation"],
            accept=answer.cleaned_data["answer"] == "accept",
            secretariat_may_enter=answer.cleaned_data["secretariat_may_enter"],
        )
        return redirect("green:company", request.city.slug, company.pk)
    disclosure = DisclosureForm(
        request.POST or None, initial={"level": selectors.disclosure_of(company)}
    )
    if request.method == "POST" and manage and disclosure.is_valid():
        services.company_set_disclosure(
            actor=request.user,
            company=company,
            level=disclosure.cleaned_data["level"],
            secretariat=disclosure.cleaned_data["secretariat"],
        )
        return redirect("green:company", request.city.slug, company.pk)
    context = _years_context(company, request.GET.get("fy"))
    context.update(
        {
            "company": company,
            "manage": manage,
            "disclosure": disclosure,
            "invitations": selectors.invitations_open(company) if manage else [],
        }
    )
    return render(request, "green/company.html", context)


@login_required
def sites(request: AuthedCityRequest, city_slug: str, pk: int) -> HttpResponse:
    company = selectors.company_get(request.user, request.city, pk, manage=True)
    form = SiteForm(request.POST or None, districts=request.city.districts.all())
    if request.method == "POST" and form.is_valid():
        try:
            services.site_create(actor=request.user, company=company, **form.cleaned_data)
            return redirect("green:sites", request.city.slug, company.pk)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(
        request,
        "green/sites.html",
        {"company": company, "form": form, "sites": company.sites.select_related("district")},
    )


@login_required
def activity(request: AuthedCityRequest, city_slug: str, pk: int) -> HttpResponse:
    company = selectors.company_get(request.user, request.city, pk, manage=True)
    site_choices = [(s.pk, s.name) for s in company.sites.all()]
    form = ActivityForm(None, sites=site_choices)
    upload = CsvUploadForm()
    imported: int | None = None
    if request.method == "POST" and "file" in request.FILES:
        upload = CsvUploadForm(request.POST, request.FILES)
        if upload.is_valid():
            try:
                imported = len(
                    services.activity_import_csv(
                        actor=request.user, company=company, data=upload.cleaned_data["file"].read()
                    )
                )
            except DomainError as exc:
                upload.add_error("file", exc.message)
    elif request.method == "POST":
        form = ActivityForm(request.POST, sites=site_choices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.activity_record(
                    actor=request.user,
                    company=company,
                    inp=services.ActivityInput(
                        int(data["site"]),
                        data["month"],
                        data["category"],
                        data["quantity"],
                        data["unit"],
                        data["supplier"],
                        data["menu"],
                        data["detail"],
                    ),
                )
                return redirect("green:activity", request.city.slug, company.pk)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    recent = (
        Activity.objects.filter(company=company)
        .select_related("site")
        .order_by("-month", "site", "category")[:60]
    )
    return render(
        request,
        "green/activity.html",
        {
            "company": company,
            "form": form,
            "upload": upload,
            "imported": imported,
            "recent": recent,
            "has_sites": bool(site_choices),
        },
    )


def _activity_rows(company: Company) -> Iterable[list[object]]:
    for a in (
        Activity.objects.filter(company=company)
        .select_related("site")
        .order_by("month", "site", "category")
    ):
        yield [
            f"{a.month:%Y-%m}",
            a.site.name,
            a.category,
            a.quantity,
            a.unit,
            a.supplier,
            a.menu,
            a.detail,
            a.scope,
            a.co2_location_t,
            a.co2_market_t,
            a.factor_location_value,
            a.factor_market_value,
            a.basis_market,
            a.factor_year,
            "仮" if a.provisional else "",
        ]


@login_required
def export_csv(request: AuthedCityRequest, city_slug: str, pk: int) -> StreamingHttpResponse:
    company = selectors.company_get(request.user, request.city, pk)
    header = [
        "月",
        "拠点",
        "種別",
        "数量",
        "単位",
        "登録番号",
        "メニュー",
        "詳細",
        "スコープ",
        "CO2ロケーション基準(t)",
        "CO2マーケット基準(t)",
        "係数(ロケーション)",
        "係数(マーケット)",
        "係数の選び方",
        "係数の年度",
        "暫定",
    ]
    return csv_response(f"green-{company.pk}.csv", header, _activity_rows(company))


@login_required
def report(request: AuthedCityRequest, city_slug: str, pk: int) -> HttpResponse:
    """One printable page in plain Japanese, with the 算定・報告・公表制度 numbers if relevant."""
    company = selectors.company_get(request.user, request.city, pk)
    context = _years_context(company, request.GET.get("fy"))
    context["company"] = company
    inv = context.get("inv")
    if inv is not None:
        energy = selectors.annual_energy(company, inv.fiscal_year)  # type: ignore[attr-defined]
        context["energy"] = energy
        context["shk"] = selectors.shk_report(company, inv.fiscal_year)  # type: ignore[attr-defined]
    context["title"] = _("Annual CO2 report")
    return render(request, "green/report.html", context)
