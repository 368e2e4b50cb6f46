"""Writes of the vision app — kpi actuals."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from kyoso.core.csv_import import decode_csv
from kyoso.core.errors import DomainError, NotFoundError
from kyoso.core.models import City, User
from kyoso.core.services import audit_record
from kyoso.vision.kpi_providers import get_provider
from kyoso.vision.models import (
    Kpi,
    KpiActual,
    KpiSource,
)
from kyoso.vision.services.common import (
    _check_period,
    _parse_decimal,
    _require_staff,
    _same_city,
)

MAX_CSV_ROWS = 20_000


def _store_actual(
    *,
    city: City,
    kpi: Kpi,
    year: int,
    month: int,
    value: Decimal,
    note: str,
    source: str,
    entered_by: User | None,
    provider_name: str = "",
) -> tuple[KpiActual, bool]:
    actual, created = KpiActual.objects.update_or_create(
        city=city,
        kpi=kpi,
        year=year,
        month=month,
        defaults={
            "value": value,
            "note": note[:200],
            "source": source,
            "entered_by": entered_by,
            "provider_name": provider_name,
        },
    )
    return actual, created


@transaction.atomic
def kpi_actual_record(
    *,
    city: City,
    actor: User,
    kpi: Kpi,
    year: int,
    value: Decimal | str | float,
    month: int = 0,
    note: str = "",
) -> KpiActual:
    """Return the stored actual for the period (replacing an earlier value of that period)."""
    _require_staff(city, actor)
    _same_city(city, kpi, "kpi")
    _check_period(year, month)
    number = _parse_decimal(value, "value")
    actual, created = _store_actual(
        city=city,
        kpi=kpi,
        year=year,
        month=month,
        value=number,
        note=note,
        source=KpiSource.MANUAL,
        entered_by=actor,
    )
    audit_record(
        city=city,
        actor=actor,
        action="vision.kpi_actual.record",
        obj=kpi,
        details={"year": year, "month": month, "value": str(number), "new": created},
    )
    return actual


@transaction.atomic
def kpi_actual_delete(*, city: City, actor: User, kpi: Kpi, year: int, month: int = 0) -> None:
    _require_staff(city, actor)
    deleted, _count = KpiActual.objects.filter(city=city, kpi=kpi, year=year, month=month).delete()
    if not deleted:
        raise NotFoundError(_("There is no value for this period."), field="year")
    audit_record(
        city=city,
        actor=actor,
        action="vision.kpi_actual.delete",
        obj=kpi,
        details={"year": year, "month": month},
    )


@dataclass
class CsvImportResult:
    created: int = 0
    updated: int = 0
    kpis: list[str] = field(default_factory=list)


CSV_COLUMNS = ("kpi_code", "year", "value", "note")


@transaction.atomic
def kpi_actuals_import_csv(*, city: City, actor: User, data: bytes) -> CsvImportResult:
    """Return the counts after storing every row of a ``kpi_code,year,value,note`` CSV.

    All rows are checked first; one bad row rejects the whole file, naming the row.
    ``year`` may be ``2024`` or ``2024-04`` for a monthly value.
    """
    _require_staff(city, actor)
    if not data:
        raise DomainError(_("The file is empty."), field="file")
    reader = csv.DictReader(io.StringIO(decode_csv(data)))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS[:3] if c not in header]
    if missing:
        raise DomainError(
            _(
                "The first row must name the columns kpi_code, year, value (and note). Missing: %(cols)s"
            )
            % {"cols": ", ".join(missing)},
            field="file",
        )
    reader.fieldnames = header
    kpis = {k.code: k for k in Kpi.objects.filter(city=city)}
    rows: list[tuple[Kpi, int, int, Decimal, str]] = []
    for number, row in enumerate(reader, start=2):
        if number > MAX_CSV_ROWS:
            raise DomainError(_("The file has too many rows."), field="file")
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        where = _("Row %(n)d: ") % {"n": number}
        code = (row.get("kpi_code") or "").strip()
        kpi = kpis.get(code)
        if kpi is None:
            raise DomainError(
                where + _("unknown KPI code “%(code)s”.") % {"code": code}, field="file"
            )
        period = (row.get("year") or "").strip()
        try:
            if "-" in period or "/" in period:
                y, m = period.replace("/", "-").split("-", 1)
                year, month = int(y), int(m)
            else:
                year, month = int(period), 0
            _check_period(year, month)
        except (ValueError, DomainError) as exc:
            raise DomainError(where + _("the year is not valid."), field="file") from exc
        try:
            value = _parse_decimal(row.get("value") or "", "value")
        except DomainError as exc:
            raise DomainError(where + _("the value is not a number."), field="file") from exc
        rows.append((kpi, year, month, value, (row.get("note") or "").strip()))
    if not rows:
        raise DomainError(_("The file has no rows of data."), field="file")
    result = CsvImportResult()
    for kpi, year, month, value, note in rows:
        _actual, created = _store_actual(
            city=city,
            kpi=kpi,
            year=year,
            month=month,
            value=value,
            note=note,
            source=KpiSource.CSV,
            entered_by=actor,
        )
        if created:
            result.created += 1
        else:
            result.updated += 1
        if kpi.code not in result.kpis:
            result.kpis.append(kpi.code)
    audit_record(
        city=city,
        actor=actor,
        action="vision.kpi_actual.import_csv",
        object_type="vision.kpi",
        details={"created": result.created, "updated": result.updated, "kpis": result.kpis},
    )
    return result


@transaction.atomic
def kpi_refresh_from_provider(*, city: City, kpi: Kpi, actor: User) -> int:
    """Return how many yearly actuals were stored from the KPI's registered provider."""
    _same_city(city, kpi, "kpi")
    if kpi.source != KpiSource.PROVIDER:
        raise DomainError(_("This KPI does not take its values from a provider."), field="source")
    provider = get_provider(kpi.provider_key)
    if provider is None:
        raise DomainError(_("The provider of this KPI is not available."), field="provider_key")
    stored = 0
    for year, raw in provider.fn(city, kpi):
        value = _parse_decimal(raw, "value")
        _check_period(int(year), 0)
        _store_actual(
            city=city,
            kpi=kpi,
            year=int(year),
            month=0,
            value=value,
            note="",
            source=KpiSource.PROVIDER,
            entered_by=None,
            provider_name=provider.key,
        )
        stored += 1
    audit_record(
        city=city,
        actor=actor,
        action="vision.kpi_actual.refresh",
        obj=kpi,
        details={"provider": provider.key, "stored": stored},
    )
    return stored
