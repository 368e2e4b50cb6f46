"""Writes for problem reports (Open311 service requests) and their triage by staff."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.access import has_role, is_staff, require_role
from kyoso.core.errors import DomainError, NotFoundError, PermissionDeniedError
from kyoso.core.models import City, Role, Upload, User
from kyoso.core.services import api_token_authenticate, audit_record, notification_send
from kyoso.voice.models import (
    AttributeType,
    Open311Client,
    Report,
    ReportNote,
    ReportStatus,
    ServiceType,
)
from kyoso.voice.services.common import (
    check_point,
    check_text,
    nearest_district,
    rate_limit_check,
)

AttributeValues = Mapping[str, str | Sequence[str]]


@transaction.atomic
def report_create(
    *,
    city: City,
    service_code: str,
    description: str = "",
    lat: float | None = None,
    lon: float | None = None,
    address_string: str = "",
    address_id: str = "",
    attributes: AttributeValues | None = None,
    media_url: str = "",
    photo: Upload | None = None,
    reporter: User | None = None,
    client: Open311Client | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    device_id: str = "",
    account_id: str = "",
) -> Report:
    """Return a new report; a place (point or address) and the service's required answers are needed."""
    service = ServiceType.objects.filter(city=city, code=service_code, is_active=True).first()
    if service is None:
        raise NotFoundError(_("Unknown service code."), field="service_code")
    if reporter is not None and client is None:
        rate_limit_check(city=city, user=reporter, kind="report")
    check_point(lat, lon)
    address_string = check_text(
        address_string, field="address_string", max_length=200, required=False
    )
    if lat is None and not address_string and not address_id:
        raise DomainError(_("Show the place on the map or write the address."), field="lat")
    description = check_text(description, field="description", max_length=4000, required=False)
    media_url = check_text(media_url, field="media_url", max_length=400, required=False)
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError as exc:
            raise DomainError(_("Give a valid web address."), field="media_url") from exc
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise DomainError(_("Enter a valid e-mail address."), field="email") from exc
    if photo is not None and photo.city_id != city.pk:
        raise DomainError(_("This photo belongs to another city."), field="photo")
    clean_attrs = _check_attributes(service, attributes or {})
    report = Report.objects.create(
        city=city,
        service=service,
        token=uuid.uuid4().hex,
        description=description,
        lat=lat,
        lon=lon,
        address_string=address_string,
        address_id=address_id[:60],
        attributes=clean_attrs,
        media_url=media_url,
        photo=photo,
        district=nearest_district(city, lat, lon),
        reporter=reporter,
        client=client,
        email=email[:254],
        first_name=first_name.strip()[:60],
        last_name=last_name.strip()[:60],
        phone=phone.strip()[:30],
        device_id=device_id.strip()[:100],
        account_id=account_id.strip()[:100],
        requested_at=timezone.now(),
        service_notice=str(city.rule("voice.report_notice", "")),
    )
    audit_record(
        city=city,
        actor=reporter,
        action="voice.report.create",
        obj=report,
        details={"client": client.name if client else ""},
    )
    return report


def _check_attributes(service: ServiceType, given: AttributeValues) -> dict[str, object]:
    out: dict[str, object] = {}
    for attr in service.attributes.all():
        raw = given.get(attr.code)
        values = [raw] if isinstance(raw, str) else list(raw or [])
        values = [v.strip() for v in values if v and v.strip()]
        field = f"attribute[{attr.code}]"
        if not values:
            if attr.required and attr.variable:
                raise DomainError(_("Please answer: %(q)s") % {"q": attr.description}, field=field)
            continue
        allowed = {str(v.get("key")) for v in attr.values}
        if attr.datatype == AttributeType.MULTI:
            if any(v not in allowed for v in values):
                raise DomainError(_("Choose from the list."), field=field)
            out[attr.code] = values
            continue
        value = values[0][:1000]
        if attr.datatype == AttributeType.SINGLE and value not in allowed:
            raise DomainError(_("Choose from the list."), field=field)
        if attr.datatype == AttributeType.NUMBER:
            try:
                float(value)
            except ValueError as exc:
                raise DomainError(_("Enter a number."), field=field) from exc
        if attr.datatype == AttributeType.DATETIME:
            try:
                datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError as exc:
                raise DomainError(_("Enter a date and time."), field=field) from exc
        out[attr.code] = value
    return out


@transaction.atomic
def report_assign(*, city: City, report: Report, actor: User, assignee: User | None) -> Report:
    """Return the report assigned to a staff member (or to nobody)."""
    _check(city, report)
    require_role(actor, city, Role.STAFF)
    if assignee is not None and not is_staff(assignee, city):
        raise DomainError(_("Assign the report to a member of staff."), field="assignee")
    report.assigned_to = assignee
    report.save(update_fields=["assigned_to", "updated_at"])
    audit_record(
        city=city,
        actor=actor,
        action="voice.report.assign",
        obj=report,
        details={"assignee": assignee.pk if assignee else None},
    )
    return report


@transaction.atomic
def report_add_note(
    *,
    city: City,
    report: Report,
    actor: User,
    text: str,
    status: str | None = None,
    agency: str | None = None,
    expected_at: datetime | None = None,
) -> ReportNote:
    """Return a staff note on the report, optionally closing or reopening it; the reporter is told."""
    _check(city, report)
    require_role(actor, city, Role.STAFF)
    text = check_text(text, field="text", max_length=500)
    if status is not None and status not in ReportStatus.values:
        raise DomainError(_("Choose open or closed."), field="status")
    new_status = status or report.status
    note = ReportNote.objects.create(
        city=city, report=report, author=actor, text=text, status_after=new_status
    )
    changed = new_status != report.status
    report.status = new_status
    report.status_notes = text
    report.closed_at = timezone.now() if new_status == ReportStatus.CLOSED else None
    if agency is not None:
        report.agency_responsible = agency.strip()[:100]
    if expected_at is not None:
        report.expected_at = expected_at
    report.save()
    audit_record(
        city=city,
        actor=actor,
        action="voice.report.note",
        obj=report,
        details={"status": new_status, "changed": changed},
    )
    if report.reporter is not None:
        notification_send(
            city=city,
            user=report.reporter,
            kind="voice.report.status",
            title=(
                _("Your report #%(id)d was closed") % {"id": report.pk}
                if changed and new_status == ReportStatus.CLOSED
                else _("News on your report #%(id)d") % {"id": report.pk}
            ),
            body=text,
            url=reverse("voice:report", args=[city.slug, report.pk]),
        )
    return note


def open311_client_create(*, city: City, actor: User, name: str) -> tuple[Open311Client, str]:
    """Return a new Open311 client of the city and its api_key, shown once."""
    require_role(actor, city, Role.STAFF)
    name = check_text(name, field="name", max_length=80)
    key = "o311_" + secrets.token_urlsafe(24)
    client = Open311Client.objects.create(
        city=city, name=name, prefix=key[:10], key_hash=Open311Client.hash_key(key)
    )
    audit_record(city=city, actor=actor, action="voice.open311.client_create", obj=client)
    return client, key


def open311_authenticate(*, city: City, api_key: str) -> tuple[Open311Client | None, User | None]:
    """Return (client, user) for an api_key: a city Open311 client key or a member's API token."""
    if not api_key:
        raise PermissionDeniedError(_("An api_key is required."), field="api_key")
    client = Open311Client.objects.filter(
        city=city, key_hash=Open311Client.hash_key(api_key), revoked_at__isnull=True
    ).first()
    if client is not None:
        return client, None
    user = api_token_authenticate(api_key)
    if user is not None and has_role(user, city, *[r.value for r in Role]):
        return None, user
    raise PermissionDeniedError(_("The api_key is not valid for this city."), field="api_key")


def _check(city: City, report: Report) -> None:
    if report.city_id != city.pk:
        raise NotFoundError(_("No such report."))
