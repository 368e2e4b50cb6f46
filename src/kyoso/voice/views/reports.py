"""Pages for problem reports: a citizen's report form with a map pin and photo, staff triage."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kyoso.core import services as core_services
from kyoso.core.access import is_staff, require_role
from kyoso.core.errors import DomainError, NotFoundError, PermissionDeniedError
from kyoso.core.forms import form_error
from kyoso.core.http import AuthedCityRequest, CityRequest
from kyoso.core.models import Membership, Role, User
from kyoso.core.selectors import districts_of
from kyoso.voice import services
from kyoso.voice.forms import ReportForm
from kyoso.voice.models import Report, ReportStatus
from kyoso.voice.selectors import reports as selectors
from kyoso.voice.views.common import paginate, photo_from


def reports_map(request: CityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    return render(
        request,
        "voice/reports_map.html",
        {"reports": selectors.reports_for_map(city)[:50], "services": selectors.services_of(city)},
    )


def reports_points(request: CityRequest, city_slug: str) -> JsonResponse:
    """GeoJSON of recent reports for the map (no personal data)."""
    city = request.city
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]},
            "properties": {
                "title": f"#{r.pk} {r.service.name_ja}",
                "name_ja": f"#{r.pk} {r.service.name_ja}",
                "name_en": f"#{r.pk} {r.service.name_en}",
                "description": f"{r.get_status_display()} · {r.description[:80]}",
                "color": "#2e7d32" if r.status == ReportStatus.CLOSED else "#b3261e",
                # Shape and word as well as colour, for people who cannot tell red from green.
                "symbol": "✓" if r.status == ReportStatus.CLOSED else "!",
                "shape": "circle" if r.status == ReportStatus.CLOSED else "diamond",
                "status_label": r.get_status_display(),
                "url": reverse("voice:report", args=[city.slug, r.pk]),
            },
        }
        for r in selectors.reports_for_map(city)
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


@login_required
def report_new(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    form = ReportForm(request.POST or None, request.FILES or None, city=city)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                report = services.report_create(
                    city=city,
                    service_code=data["service_code"],
                    description=data["description"],
                    lat=data["lat"],
                    lon=data["lon"],
                    address_string=data["address_string"],
                    photo=photo_from(request, city, request.user),
                    reporter=request.user,
                    email=request.user.email,
                )
        except DomainError as exc:
            if exc.status == 429:
                raise
            form_error(form, exc)
        else:
            messages.success(
                request, _("Thank you. Your report number is %(id)d.") % {"id": report.pk}
            )
            return redirect("voice:report", city_slug=city.slug, pk=report.pk)
    return render(request, "voice/report_form.html", {"form": form})


def report_detail(request: CityRequest, city_slug: str, pk: int) -> HttpResponse:
    city = request.city
    report = (
        Report.objects.filter(city=city, pk=pk)
        .select_related("service", "district", "photo", "assigned_to", "reporter")
        .first()
    )
    staff = is_staff(request.user, city)
    if report is None or (report.is_hidden and not staff):
        raise NotFoundError(_("No such report."))
    mine = request.user.is_authenticated and report.reporter_id == request.user.pk
    staff_users = []
    contact = None
    if staff and request.GET.get("contact") == "1":
        # Contact details are shown only when asked for, and each showing is recorded.
        reporter = report.reporter
        contact = {
            "name": " ".join(p for p in (report.last_name, report.first_name) if p)
            or (reporter.display_name if reporter else ""),
            "email": report.email or (reporter.email if reporter else ""),
            "phone": report.phone,
        }
        if reporter is not None:
            core_services.personal_data_access_record(
                city=city,
                actor=request.user,  # type: ignore[arg-type]
                subject_ids=[reporter.pk],
                what=_("contact details of your problem report #%(id)s") % {"id": report.pk},
                purpose=_("answering the report"),
            )
        else:
            core_services.audit_record(
                city=city,
                actor=request.user,  # type: ignore[arg-type]
                action="personal_data.read",
                obj=report,
                details={"what": "report contact details", "purpose": "answering the report"},
            )
    if staff:
        staff_users = list(
            User.objects.filter(
                pk__in=Membership.objects.filter(
                    city=city, role__in=[Role.STAFF, Role.ADMIN]
                ).values("user_id")
            ).order_by("email")
        )
    return render(
        request,
        "voice/report_detail.html",
        {
            "report": report,
            "notes": report.notes.select_related("author").all(),
            "is_staff": staff,
            "mine": mine,
            "staff_users": staff_users,
            "contact": contact,
            "statuses": ReportStatus.choices,
        },
    )


@login_required
def staff_reports(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    require_role(request.user, city, Role.STAFF)
    g = request.GET
    items = selectors.reports_list(
        city,
        status=g.get("status", ReportStatus.OPEN),
        service=g.get("service", ""),
        district=g.get("district", ""),
        assigned=g.get("assigned", ""),
        viewer=request.user,
    )
    return render(
        request,
        "voice/staff_reports.html",
        {
            "page": paginate(request, items, 50),
            "services": selectors.services_of(city),
            "districts": districts_of(city),
            "statuses": ReportStatus.choices,
            "filters": g,
        },
    )


@login_required
@require_POST
def staff_report_update(request: AuthedCityRequest, city_slug: str, pk: int) -> HttpResponse:
    city = request.city
    require_role(request.user, city, Role.STAFF)
    report = Report.objects.filter(city=city, pk=pk).first()
    if report is None:
        raise NotFoundError(_("No such report."))
    action = request.POST.get("action", "note")
    try:
        if action == "assign":
            assignee_id = request.POST.get("assignee") or ""
            assignee = (
                User.objects.filter(pk=int(assignee_id)).first() if assignee_id.isdigit() else None
            )
            if assignee_id and assignee is None:
                raise PermissionDeniedError(_("Assign the report to a member of staff."))
            services.report_assign(city=city, report=report, actor=request.user, assignee=assignee)
            messages.success(request, _("The report was assigned."))
        else:
            status = request.POST.get("status") or None
            services.report_add_note(
                city=city,
                report=report,
                actor=request.user,
                text=request.POST.get("text", ""),
                status=status,
                agency=request.POST.get("agency"),
            )
            messages.success(request, _("The note was saved and the reporter was told."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("voice:report", city_slug=city.slug, pk=pk)


@login_required
@require_POST
def open311_client_new(request: AuthedCityRequest, city_slug: str) -> HttpResponse:
    city = request.city
    try:
        _client, key = services.open311_client_create(
            city=city, actor=request.user, name=request.POST.get("name", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The new Open311 api_key (shown only once): %(key)s") % {"key": key}
        )
    return redirect("voice:staff_reports", city_slug=city.slug)
