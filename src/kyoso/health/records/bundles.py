"""FHIR Bundles in and out: read a document or collection Bundle, build a searchset or export.

Reading checks what a receiving system must check before keeping anything: the Bundle itself
validates, a document starts with a Composition, every entry validates, and every reference
that points inside the Bundle resolves to an entry's ``fullUrl``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kyoso.health.records.fhir_resources import FhirValidationError, model_class, validate


@dataclass(frozen=True)
class BundleEntry:
    full_url: str
    resource: dict[str, Any]


def _references(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                yield item
            else:
                yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)


def read_bundle(bundle: Any) -> list[BundleEntry]:
    """Return the entries of a valid document/collection/transaction Bundle, in order."""
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise FhirValidationError("expected a FHIR Bundle", field="resourceType")
    kind = bundle.get("type")
    if kind not in ("document", "collection", "transaction", "batch", "searchset"):
        raise FhirValidationError(f"Bundle.type {kind!r} cannot be imported", field="Bundle.type")
    entries_raw = bundle.get("entry") or []
    if not isinstance(entries_raw, list) or not entries_raw:
        raise FhirValidationError("the Bundle has no entries", field="Bundle.entry")
    # Validate the shell only (entries are checked one by one below, with their own field path).
    shell = {k: v for k, v in bundle.items() if k != "entry"}
    validate(shell)
    entries: list[BundleEntry] = []
    for index, raw in enumerate(entries_raw):
        resource = raw.get("resource") if isinstance(raw, dict) else None
        if not isinstance(resource, dict):
            raise FhirValidationError(
                f"entry {index} has no resource", field=f"Bundle.entry[{index}].resource"
            )
        try:
            validate(resource)
        except FhirValidationError as exc:
            raise FhirValidationError(
                f"entry {index}: {exc}", field=f"Bundle.entry[{index}].{exc.field}"
            ) from exc
        full_url = str(raw.get("fullUrl") or "")
        if not full_url and resource.get("id"):
            full_url = f"{resource['resourceType']}/{resource['id']}"
        entries.append(BundleEntry(full_url=full_url, resource=resource))
    if kind == "document" and entries[0].resource["resourceType"] != "Composition":
        raise FhirValidationError(
            "a document Bundle must start with a Composition", field="Bundle.entry[0]"
        )
    known = {e.full_url for e in entries} | {
        f"{e.resource['resourceType']}/{e.resource.get('id')}" for e in entries
    }
    for index, entry in enumerate(entries):
        for ref in _references(entry.resource):
            if ref.startswith("urn:uuid:") and ref not in known:
                raise FhirValidationError(
                    f"entry {index} refers to {ref}, which is not in the Bundle",
                    field=f"Bundle.entry[{index}].reference",
                )
    return entries


def patient_of(entries: Iterable[BundleEntry]) -> BundleEntry | None:
    """Return the Bundle's Patient entry (the person the document is about), if any."""
    return next((e for e in entries if e.resource["resourceType"] == "Patient"), None)


def make_bundle(
    resources: Iterable[dict[str, Any]],
    *,
    kind: str = "collection",
    base_url: str = "",
    total: int | None = None,
    full_urls: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Return a valid FHIR Bundle of ``kind`` holding the resources (each with an ``id``).

    ``full_urls`` keeps the ``fullUrl`` each resource had when it was imported, so references
    between entries of an imported document still resolve in the export.
    """
    entries = []
    for index, resource in enumerate(resources):
        kept = full_urls[index] if full_urls and index < len(full_urls) else ""
        if base_url:
            full_url = f"{base_url}{resource['resourceType']}/{resource['id']}"
        elif kept.startswith("urn:uuid:"):
            full_url = kept
        else:
            full_url = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, resource['resourceType'] + '/' + str(resource['id']))}"
        entry: dict[str, Any] = {"fullUrl": full_url, "resource": resource}
        if kind == "searchset":
            entry["search"] = {"mode": "match"}
        entries.append(entry)
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": datetime.now(UTC).isoformat(timespec="seconds")},
        "type": kind,
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "entry": entries,
    }
    if kind == "searchset":
        del bundle["timestamp"]
        bundle["total"] = len(entries) if total is None else total
    model_class("Bundle").model_validate(bundle)
    return bundle
