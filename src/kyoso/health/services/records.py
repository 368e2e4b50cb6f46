"""Writes and consent-checked reads of a person's record: entry, import, export, deletion."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.errors import DomainError, PermissionDeniedError
from kyoso.core.models import City, User
from kyoso.core.services import audit_record, consent_revoke
from kyoso.health.keys import cipher, index_token
from kyoso.health.models import (
    Appointment,
    CareProvider,
    EntrySource,
    HealthAccess,
    HealthEntry,
    ProxyAuthority,
    ShareGrant,
)
from kyoso.health.records import bundles, fhir_resources, vital_signs
from kyoso.health.records.device_csv import DeviceCsvError, read_blood_pressure_csv
from kyoso.health.services.access import Viewer, access_log, viewer_for

MAX_BUNDLE_BYTES = 5 * 1024 * 1024
# How long each kind of entry is kept unless the person deletes it first (days; None: no limit).
DEFAULT_RETENTION_DAYS: dict[str, int | None] = {
    "vitals": 365 * 5,
    "checkup": 365 * 5,
    "lab": 365 * 5,
    "care_note": 365 * 5,
    "prescription": 365 * 5,
    "immunization": None,
    "condition": None,
    "infection": None,
    "drug_allergy": None,
    "other_allergy": None,
    "": None,
}


def _retain_until(item: str, effective: datetime | None) -> date | None:
    days = {**DEFAULT_RETENTION_DAYS, **getattr(settings, "KYOSO_HEALTH_RETENTION_DAYS", {})}.get(
        item
    )
    if days is None:
        return None
    base = (effective or timezone.now()).date()
    return max(base, timezone.localdate()) + timedelta(days=int(days))


def patient_reference(patient: User) -> str:
    return f"Patient/{patient.pk}"


def _store(
    *,
    city: City,
    patient: User,
    resource: dict[str, Any],
    source: str,
    actor: User | None,
    provider: CareProvider | None = None,
    author_role: str = "",
    source_ref: str = "",
) -> HealthEntry:
    fhir_resources.validate(resource)
    if resource["resourceType"] not in fhir_resources.RECORD_TYPES:
        raise DomainError(
            _("This kind of FHIR resource is not kept in a health record."), field="resourceType"
        )
    item = fhir_resources.data_item(resource) or ""
    effective = fhir_resources.effective_at(resource)
    tokens = code_hashes(resource)
    return HealthEntry.objects.create(
        city=city,
        patient=patient,
        resource_type=resource["resourceType"],
        item=item,
        effective_at=effective,
        code_index="\n" + "\n".join(tokens) + "\n" if tokens else "",
        payload=cipher().encrypt(resource),
        source=source,
        source_ref=source_ref[:200],
        author=actor,
        author_provider=provider,
        author_role=author_role,
        retain_until=_retain_until(item, effective),
    )


def code_hashes(resource: dict[str, Any]) -> list[str]:
    """Return keyed hashes of ``system|code`` and of the bare code (FHIR token search)."""
    tokens = fhir_resources.code_tokens(resource)
    bare = [t.split("|", 1)[1] for t in tokens]
    return sorted({index_token(t) for t in [*tokens, *bare] if t and t != "|"})


def entry_read(
    *, city: City, actor: User, fhir_id: str, resource_type: str, channel: str = "fhir"
) -> tuple[HealthEntry, dict[str, Any]]:
    """Return one entry by its FHIR id if the actor may see its data item (logged)."""
    from kyoso.core.errors import NotFoundError

    entry = (
        HealthEntry.objects.select_related("patient")
        .filter(city=city, fhir_id=fhir_id, resource_type=resource_type)
        .first()
    )
    if entry is None:
        raise NotFoundError(_("No such resource."), field="id")
    viewer = viewer_for(city=city, user=actor, patient=entry.patient)
    if not viewer.may_see(entry.item):
        # Same answer as a missing resource: a recipient learns nothing about what is not shared.
        raise NotFoundError(_("No such resource."), field="id")
    access_log(city=city, viewer=viewer, item=entry.item, action="read", channel=channel, entries=1)
    return entry, _with_id(entry)


def _require_owner(viewer: Viewer) -> None:
    if not viewer.is_owner:
        raise PermissionDeniedError(
            _("Only the person, or a family member they named, can change this record.")
        )


@transaction.atomic
def vitals_record(
    *,
    city: City,
    actor: User,
    patient: User,
    at: datetime,
    systolic: int | None = None,
    diastolic: int | None = None,
    pulse: int | None = None,
    weight: float | None = None,
    steps: int | None = None,
    glucose: float | None = None,
    hba1c: float | None = None,
) -> list[HealthEntry]:
    """Return the entries made from one manual entry (blood pressure, weight, steps, …)."""
    viewer = viewer_for(city=city, user=actor, patient=patient)
    _require_owner(viewer)
    if at > timezone.now() + timedelta(minutes=5):
        raise DomainError(_("The time of measurement is in the future."), field="at")
    ref = patient_reference(patient)
    resources: list[dict[str, Any]] = []
    try:
        if systolic is not None or diastolic is not None:
            if systolic is None or diastolic is None:
                field = "diastolic" if systolic is not None else "systolic"
                raise DomainError(_("Enter both blood pressure values."), field=field)
            resources += vital_signs.blood_pressure(
                systolic, diastolic, at=at, patient_ref=ref, pulse=pulse
            )
        elif pulse is not None:
            resources.append(vital_signs.observation("pulse", pulse, at=at, patient_ref=ref))
        for key, value in (
            ("weight", weight),
            ("steps", steps),
            ("glucose", glucose),
            ("hba1c", hba1c),
        ):
            if value is not None:
                resources.append(vital_signs.observation(key, value, at=at, patient_ref=ref))
    except ValueError as exc:
        raise DomainError(str(exc), field=str(exc).split(":")[0]) from exc
    if not resources:
        raise DomainError(_("Enter at least one measurement."), field="systolic")
    entries = [
        _store(city=city, patient=patient, resource=r, source=EntrySource.MANUAL, actor=actor)
        for r in resources
    ]
    access_log(
        city=city,
        viewer=viewer,
        item="vitals",
        action="create",
        channel="page",
        entries=len(entries),
    )
    return entries


@dataclass(frozen=True)
class ImportResult:
    stored: int
    by_item: dict[str, int]
    skipped: int


@transaction.atomic
def bundle_import(
    *, city: City, actor: User, patient: User, data: bytes | dict[str, Any]
) -> ImportResult:
    """Return what was kept from a FHIR Bundle; nothing is kept if any entry is invalid."""
    viewer = viewer_for(city=city, user=actor, patient=patient)
    _require_owner(viewer)
    if isinstance(data, bytes):
        if len(data) > MAX_BUNDLE_BYTES:
            raise DomainError(_("The file is too large (at most 5 MB)."), field="file")
        try:
            parsed = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DomainError(_("The file is not FHIR JSON."), field="file") from exc
    else:
        parsed = data
    try:
        entries = bundles.read_bundle(parsed)
    except fhir_resources.FhirValidationError as exc:
        raise DomainError(str(exc), field=exc.field) from exc
    counts: Counter[str] = Counter()
    skipped = 0
    for entry in entries:
        if entry.resource["resourceType"] not in fhir_resources.RECORD_TYPES:
            skipped += 1
            continue
        stored = _store(
            city=city,
            patient=patient,
            resource=entry.resource,
            source=EntrySource.BUNDLE,
            actor=actor,
            source_ref=entry.full_url,
        )
        counts[stored.item or "context"] += 1
    audit_record(
        city=city,
        actor=actor,
        on_behalf_of=patient if actor.pk != patient.pk else None,
        action="health.import_bundle",
        object_type="health.record",
        object_id=str(patient.pk),
        details={"entries": sum(counts.values()), "bundle_type": parsed.get("type")},
    )
    return ImportResult(stored=sum(counts.values()), by_item=dict(counts), skipped=skipped)


@transaction.atomic
def device_csv_import(*, city: City, actor: User, patient: User, data: bytes) -> int:
    """Return how many blood-pressure readings were kept from a monitor's CSV export."""
    viewer = viewer_for(city=city, user=actor, patient=patient)
    _require_owner(viewer)
    try:
        readings = read_blood_pressure_csv(data)
    except DeviceCsvError as exc:
        raise DomainError(str(exc), field="file") from exc
    ref = patient_reference(patient)
    for r in readings:
        for resource in vital_signs.blood_pressure(
            r.systolic, r.diastolic, at=r.measured_at, patient_ref=ref, pulse=r.pulse
        ):
            _store(
                city=city,
                patient=patient,
                resource=resource,
                source=EntrySource.DEVICE,
                actor=actor,
            )
    return len(readings)


def _with_id(entry: HealthEntry) -> dict[str, Any]:
    resource = cipher().decrypt(entry.payload)
    resource["id"] = str(entry.fhir_id)
    meta = dict(resource.get("meta") or {})
    meta["lastUpdated"] = entry.created_at.isoformat(timespec="seconds")
    resource["meta"] = meta
    return resource


def record_read(
    *,
    city: City,
    actor: User,
    patient: User,
    items: list[str] | None = None,
    resource_types: list[str] | None = None,
    code: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    channel: str = "page",
    limit: int = 500,
) -> list[tuple[HealthEntry, dict[str, Any]]]:
    """Return the entries the actor may see (decrypted), logging the access for the person.

    Items the actor has no live consent for are left out silently; asking only for such items
    raises PermissionDeniedError.
    """
    viewer = viewer_for(city=city, user=actor, patient=patient)
    wanted = set(items) if items else set(fhir_resources.DATA_ITEMS)
    allowed = wanted if viewer.is_owner else wanted & viewer.items
    if not allowed:
        raise PermissionDeniedError(_("The person has not shared this with you."))
    entries = HealthEntry.objects.filter(city=city, patient=patient, item__in=allowed)
    if viewer.is_owner and not items:
        entries = HealthEntry.objects.filter(city=city, patient=patient)
    if resource_types:
        entries = entries.filter(resource_type__in=resource_types)
    if code:
        entries = entries.filter(code_index__contains=f"\n{index_token(code)}\n")
    if since:
        entries = entries.filter(effective_at__gte=since)
    if until:
        entries = entries.filter(effective_at__lt=until)
    rows = list(entries.order_by("-effective_at", "-id")[:limit])
    out = [(e, _with_id(e)) for e in rows]
    if viewer.relation != "self":
        seen = Counter(e.item for e in rows)
        with transaction.atomic():
            for item in sorted(allowed):
                access_log(
                    city=city,
                    viewer=viewer,
                    item=item,
                    action="read",
                    channel=channel,
                    entries=seen.get(item, 0),
                )
    return out


def record_export_bundle(*, city: City, actor: User, patient: User) -> dict[str, Any]:
    """Return the person's whole record as a FHIR collection Bundle (owner or proxy only)."""
    viewer = viewer_for(city=city, user=actor, patient=patient)
    _require_owner(viewer)
    rows = record_read(city=city, actor=actor, patient=patient, channel="export", limit=100000)
    audit_record(
        city=city, actor=actor, action="health.export", object_type="health.record",
        object_id=str(patient.pk), details={"entries": len(rows)},
    )  # fmt: skip
    return bundles.make_bundle(
        [r for _e, r in rows], kind="collection", full_urls=[e.source_ref for e, _r in rows]
    )


CSV_COLUMNS = ("date", "item", "resource_type", "code", "text", "value", "unit", "fhir_id")


def record_export_csv(*, city: City, actor: User, patient: User) -> str:
    """Return the person's record as CSV, one row per entry (values flattened)."""
    bundle = record_export_bundle(city=city, actor=actor, patient=patient)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for entry in bundle["entry"]:
        r = entry["resource"]
        effective = fhir_resources.effective_at(r)
        qty = fhir_resources.quantity(r)
        values = vital_signs.series_values(r)
        value = f"{qty[0]:g}" if qty else "/".join(f"{v:g}" for v in values.values())
        tokens = fhir_resources.code_tokens(r)
        writer.writerow(
            [
                effective.isoformat() if effective else "",
                fhir_resources.data_item(r) or "",
                r["resourceType"],
                tokens[0] if tokens else "",
                fhir_resources.display_text(r),
                value,
                qty[1] if qty else "",
                r["id"],
            ]
        )
    return out.getvalue()


@transaction.atomic
def record_delete_all(*, city: City, actor: User, patient: User) -> dict[str, int]:
    """Delete every health datum of the person; the audit record of the deletion stays."""
    viewer = viewer_for(city=city, user=actor, patient=patient)
    _require_owner(viewer)
    for grant in ShareGrant.objects.filter(city=city, patient=patient, revoked_at__isnull=True):
        consent_revoke(city=city, user=patient, purpose="health.share", scope=f"grant:{grant.pk}")
    counts = {
        "entries": HealthEntry.objects.filter(city=city, patient=patient).delete()[0],
        "grants": ShareGrant.objects.filter(city=city, patient=patient).delete()[0],
        "appointments": Appointment.objects.filter(city=city, patient=patient).delete()[0],
        "accesses": HealthAccess.objects.filter(city=city, patient=patient).delete()[0],
        "proxies": ProxyAuthority.objects.filter(city=city, patient=patient).delete()[0],
    }
    audit_record(
        city=city,
        actor=actor,
        on_behalf_of=patient if actor.pk != patient.pk else None,
        action="health.delete_all",
        object_type="health.record",
        object_id=str(patient.pk),
        details=counts,
    )
    return counts


@transaction.atomic
def care_note_add(*, city: City, actor: User, patient: User, text: str) -> HealthEntry:
    """Return a new note on the person's care timeline (FHIR Communication), signed by role."""
    viewer = viewer_for(city=city, user=actor, patient=patient)
    if not viewer.may_see("care_note"):
        raise PermissionDeniedError(_("The person has not shared the care timeline with you."))
    text = text.strip()
    if not text:
        raise DomainError(_("Write the note."), field="text")
    if len(text) > 2000:
        raise DomainError(_("A note has at most 2,000 characters."), field="text")
    staff = viewer.staff if viewer.relation == "recipient" else None
    role = (
        staff.profession
        if staff
        else ("family" if viewer.relation in ("proxy", "recipient") else "self")
    )
    resource = {
        "resourceType": "Communication",
        "status": "completed",
        "subject": {"reference": patient_reference(patient)},
        "sent": timezone.now().isoformat(timespec="seconds"),
        "payload": [{"contentString": text}],
    }
    entry = _store(
        city=city, patient=patient, resource=resource, source=EntrySource.PROVIDER if staff else EntrySource.MANUAL,
        actor=actor, provider=staff.provider if staff else None, author_role=role,
    )  # fmt: skip
    access_log(
        city=city, viewer=viewer, item="care_note", action="create", channel="page", entries=1
    )
    return entry


@transaction.atomic
def entry_create(
    *, city: City, actor: User, patient: User, resource: dict[str, Any], channel: str = "fhir"
) -> HealthEntry:
    """Return a stored resource written by the person, their proxy or a consented provider."""
    viewer = viewer_for(city=city, user=actor, patient=patient)
    try:
        fhir_resources.validate(resource)
    except fhir_resources.FhirValidationError as exc:
        raise DomainError(str(exc), field=exc.field) from exc
    item = fhir_resources.data_item(resource) or ""
    if not viewer.is_owner and (not item or item not in viewer.items):
        raise PermissionDeniedError(_("The person has not shared this with you."))
    staff = viewer.staff if viewer.relation == "recipient" else None
    entry = _store(
        city=city, patient=patient, resource=resource, source=EntrySource.API, actor=actor,
        provider=staff.provider if staff else None, author_role=staff.profession if staff else viewer.relation,
    )  # fmt: skip
    access_log(city=city, viewer=viewer, item=item, action="create", channel=channel, entries=1)
    return entry


def expired_entries_purge(*, today: date | None = None) -> int:
    """Delete entries past their retention date; return how many went."""
    today = today or timezone.localdate()
    deleted, _rows = HealthEntry.objects.filter(retain_until__lt=today).delete()
    return deleted


def payloads_rotate(*, batch: int = 500) -> int:
    """Re-encrypt under the first key every health payload and appointment reason that is not
    yet under it, recomputing code hashes (the index key may have changed too); return the count.

    Idempotent: a second run finds everything under the first key and rewrites nothing.
    """
    done = 0
    c = cipher()
    last = 0
    while True:
        rows = list(HealthEntry.objects.filter(pk__gt=last).order_by("pk")[:batch])
        if not rows:
            break
        with transaction.atomic():
            for e in rows:
                resource = c.decrypt(e.payload)
                tokens = code_hashes(resource)
                index = "\n" + "\n".join(tokens) + "\n" if tokens else ""
                if c.is_current(e.payload) and e.code_index == index:
                    continue
                e.payload = c.rotate(e.payload)
                e.code_index = index
                e.save(update_fields=["payload", "code_index"])
                done += 1
        last = rows[-1].pk
    reasons = Appointment.objects.exclude(reason="").order_by("pk").only("pk", "reason")
    for a in reasons.iterator(chunk_size=batch):
        if not c.is_current(a.reason):
            Appointment.objects.filter(pk=a.pk).update(reason=c.rotate(a.reason))
            done += 1
    return done
