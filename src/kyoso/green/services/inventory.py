"""Activity entry (form, CSV, bulk) and the inventory computed from it with the factors used."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyoso.core.errors import ConflictError, DomainError
from kyoso.core.file_checks import FileCheckError, check_csv
from kyoso.core.models import City, User
from kyoso.core.services import audit_record
from kyoso.green.accounting import inventory as acc
from kyoso.green.models import Activity, Company, EmissionFactor, FactorKind, FactorList, Site

SIX = Decimal("0.000001")


class BookCache:
    """Factor books by fiscal year, each kind chosen by the provisional rule separately."""

    def __init__(self, city: City):
        self.city = city
        self.years: dict[str, list[int]] = defaultdict(list)
        for kind, year in FactorList.objects.filter(city=city).values_list("kind", "fiscal_year"):
            self.years[kind].append(year)
        self.books: dict[int, acc.FactorBook] = {}
        self.rows: dict[tuple[str, int], list[EmissionFactor]] = {}

    def _factors(self, kind: str, year: int) -> list[EmissionFactor]:
        key = (kind, year)
        if key not in self.rows:
            self.rows[key] = list(
                EmissionFactor.objects.filter(city=self.city, kind=kind, fiscal_year=year)
            )
        return self.rows[key]

    def book(self, fiscal_year: int) -> acc.FactorBook:
        if fiscal_year in self.books:
            return self.books[fiscal_year]
        book = acc.FactorBook(fiscal_year)
        for kind in FactorKind:
            chosen = acc.choose_year(self.years.get(kind, []), fiscal_year)
            if chosen is None:
                continue
            year, provisional = chosen
            for f in self._factors(kind, year):
                ref = acc.FactorRef(
                    f.pk,
                    float(f.basic),
                    float(f.adjusted),
                    f.unit,
                    f"{f.name} {f.menu}".strip(),
                    year,
                    provisional,
                )
                if kind == FactorKind.ELECTRICITY:
                    if f.code == "national":
                        book.national = ref
                    elif f.code == "substitute":
                        book.substitute = ref
                    elif f.code.startswith("grid:"):
                        book.grid[f.name] = ref
                    else:
                        book.electricity.setdefault(f.code, {})[f.menu] = ref
                elif kind == FactorKind.GAS:
                    book.gas.setdefault(f.code, {})[f.menu] = ref
                elif kind == FactorKind.HEAT:
                    book.heat.setdefault(f.code, {})[f.menu] = ref
                elif kind == FactorKind.FUEL:
                    book.fuels[f.code] = ref
                else:
                    book.scope3[f.code] = ref
        self.books[fiscal_year] = book
        return book


def _line(a: Activity, site: Site) -> acc.ActivityLine:
    cat = acc.Category(a.category)
    return acc.ActivityLine(
        cat,
        float(a.quantity),
        a.unit,
        supplier=a.supplier,
        menu=a.menu,
        grid_area=site.grid_area,
        gas=a.detail if cat == acc.Category.REFRIGERANT else "",
        vehicle_type=a.detail if cat == acc.Category.VEHICLE_KM else "",
        scope3_key=a.detail if cat == acc.Category.SCOPE3 else "",
    )


def _apply(a: Activity, e: acc.Emission) -> None:
    a.scope = e.scope
    a.co2_location_t = Decimal(repr(e.co2_location_t)).quantize(SIX)
    a.co2_market_t = Decimal(repr(e.co2_market_t)).quantize(SIX)
    a.factor_location_id = e.factor_location.id if e.factor_location else None
    a.factor_market_id = e.factor_market.id if e.factor_market else None
    a.factor_location_value = Decimal(repr(e.factor_location.basic)) if e.factor_location else None
    a.factor_market_value = Decimal(repr(e.factor_market.adjusted)) if e.factor_market else None
    a.basis_location = e.basis_location
    a.basis_market = e.basis_market
    ref = e.factor_market or e.factor_location
    a.factor_year = ref.fiscal_year if ref else None
    a.provisional = e.provisional
    a.computed_at = timezone.now()


def _compute(a: Activity, site: Site, books: BookCache) -> None:
    fy = acc.fiscal_year(a.month.year, a.month.month)
    try:
        _apply(a, acc.compute(_line(a, site), books.book(fy)))
    except acc.CalculationError as exc:
        raise DomainError(str(exc), field=exc.field) from exc


RESULT_FIELDS = [
    "scope",
    "co2_location_t",
    "co2_market_t",
    "factor_location",
    "factor_market",
    "factor_location_value",
    "factor_market_value",
    "basis_location",
    "basis_market",
    "factor_year",
    "provisional",
    "computed_at",
]


def inventory_recalculate(
    *,
    city: City,
    company: Company | None = None,
    only_provisional: bool = False,
    batch: int = 2000,
) -> int:
    """Return how many activity rows were recomputed with the factors now available."""
    qs = Activity.objects.filter(city=city).select_related("site")
    if company is not None:
        qs = qs.filter(company=company)
    if only_provisional:
        qs = qs.filter(provisional=True)
    books = BookCache(city)
    done = 0
    pending: list[Activity] = []
    with transaction.atomic():
        for a in qs.iterator(chunk_size=batch):
            try:
                _compute(a, a.site, books)
            except DomainError:
                continue  # a factor list lost a supplier: keep the old result and its snapshot
            pending.append(a)
            if len(pending) >= batch:
                Activity.objects.bulk_update(pending, RESULT_FIELDS)
                done += len(pending)
                pending = []
        if pending:
            Activity.objects.bulk_update(pending, RESULT_FIELDS)
            done += len(pending)
    return done


@dataclass(frozen=True)
class ActivityInput:
    site_id: int
    month: date
    category: str
    quantity: Decimal
    unit: str = ""
    supplier: str = ""
    menu: str = ""
    detail: str = ""


def _validate(inp: ActivityInput, company: Company, sites: dict[int, Site]) -> Site:
    site = sites.get(inp.site_id)
    if site is None or site.company_id != company.pk:
        raise DomainError(_("Choose one of the company's sites."), field="site")
    if inp.category not in acc.Category.__members__.values():
        raise DomainError(_("Choose the kind of energy."), field="category")
    if inp.quantity < 0:
        raise DomainError(_("A quantity cannot be negative."), field="quantity")
    return site


def _upsert(
    inp: ActivityInput,
    company: Company,
    site: Site,
    actor: User | None,
    source: str,
    books: BookCache,
) -> Activity:
    cat = acc.Category(inp.category)
    unit = inp.unit or acc.CANONICAL_UNIT.get(cat, "")
    existing = Activity.objects.filter(
        city=company.city,
        site=site,
        month=inp.month.replace(day=1),
        category=cat,
        supplier=inp.supplier.strip(),
        menu=inp.menu.strip(),
        detail=inp.detail.strip(),
    ).first()
    a = existing or Activity(
        city=company.city,
        company=company,
        site=site,
        month=inp.month.replace(day=1),
        category=cat,
        supplier=inp.supplier.strip(),
        menu=inp.menu.strip(),
        detail=inp.detail.strip(),
    )
    a.quantity = inp.quantity
    a.unit = unit
    a.source = source
    a.entered_by = actor
    _compute(a, site, books)
    a.save()
    return a


@transaction.atomic
def activity_record(
    *, actor: User | None, company: Company, inp: ActivityInput, source: str = "form"
) -> Activity:
    """Return the stored month of one energy line with its emissions (replacing the same line)."""
    sites = {s.pk: s for s in company.sites.all()}
    site = _validate(inp, company, sites)
    a = _upsert(inp, company, site, actor, source, BookCache(company.city))
    audit_record(
        city=company.city,
        actor=actor,
        action="green.activity.record",
        obj=a,
        details={"category": a.category, "month": a.month.isoformat()},
    )
    return a


CATEGORY_NAMES: dict[str, str] = {
    "電気": "electricity",
    "電力": "electricity",
    "都市ガス": "city_gas",
    "ガス": "city_gas",
    "lpg": "lpg",
    "lpガス": "lpg",
    "プロパン": "lpg",
    "灯油": "kerosene",
    "ガソリン": "gasoline",
    "揮発油": "gasoline",
    "軽油": "diesel",
    "a重油": "heavy_oil_a",
    "重油": "heavy_oil_a",
    "熱": "heat",
    "蒸気": "heat",
    "冷媒": "refrigerant",
    "走行距離": "vehicle_km",
    "scope3": "scope3",
    "非化石証書": "non_fossil",
    "jクレジット": "j_credit",
    "j-クレジット": "j_credit",
}
HEADERS: dict[str, str] = {
    "月": "month",
    "年月": "month",
    "month": "month",
    "拠点": "site",
    "事業所": "site",
    "site": "site",
    "種別": "category",
    "エネルギー": "category",
    "category": "category",
    "数量": "quantity",
    "使用量": "quantity",
    "quantity": "quantity",
    "単位": "unit",
    "unit": "unit",
    "登録番号": "supplier",
    "事業者番号": "supplier",
    "supplier": "supplier",
    "メニュー": "menu",
    "menu": "menu",
    "詳細": "detail",
    "detail": "detail",
}


def _parse_month(text: str) -> date:
    t = text.strip().replace("年", "-").replace("月", "").replace("/", "-")
    parts = [p for p in t.split("-") if p]
    if len(parts) < 2:
        raise ValueError(text)
    return date(int(parts[0]), int(parts[1]), 1)


def parse_activity_csv(
    data: bytes, sites: dict[str, Site]
) -> tuple[list[ActivityInput], list[dict[str, object]]]:
    """Return the rows of a clerk's bill spreadsheet (UTF-8 or Shift_JIS) and their errors."""
    try:
        text = check_csv(data).content.decode("utf-8")
    except FileCheckError as exc:
        raise DomainError(str(exc), field="file") from exc
    reader = csv.reader(io.StringIO(text))
    header = [
        HEADERS.get(h.strip().lower(), HEADERS.get(h.strip(), h.strip())) for h in next(reader)
    ]
    missing = {"month", "site", "category", "quantity"} - set(header)
    if missing:
        raise DomainError(
            _("Columns missing: %(c)s") % {"c": ", ".join(sorted(missing))}, field="file"
        )
    rows, errors = [], []
    for n, raw in enumerate(reader, start=2):
        if not any(c.strip() for c in raw):
            continue
        rec = dict(zip(header, (c.strip() for c in raw), strict=False))
        try:
            month = _parse_month(rec.get("month", ""))
        except (ValueError, TypeError):
            errors.append({"row": n, "field": "month", "message": _("Write the month as 2025-04.")})
            continue
        site = sites.get(rec.get("site", ""))
        if site is None:
            errors.append({"row": n, "field": "site", "message": _("Unknown site name.")})
            continue
        raw_cat = rec.get("category", "")
        cat = CATEGORY_NAMES.get(raw_cat.lower().replace(" ", ""), raw_cat)
        if cat not in acc.Category.__members__.values():
            errors.append({"row": n, "field": "category", "message": _("Unknown kind of energy.")})
            continue
        try:
            qty = Decimal(rec.get("quantity", "").replace(",", ""))
        except InvalidOperation:
            errors.append({"row": n, "field": "quantity", "message": _("Not a number.")})
            continue
        rows.append(
            ActivityInput(
                site.pk,
                month,
                cat,
                qty,
                rec.get("unit", ""),
                rec.get("supplier", ""),
                rec.get("menu", ""),
                rec.get("detail", ""),
            )
        )
    return rows, errors


@transaction.atomic
def activity_import_csv(
    *, actor: User | None, company: Company, data: bytes, source: str = "csv"
) -> list[Activity]:
    """Return the stored rows of a bills CSV; any bad row stops the whole file (nothing written)."""
    site_list = list(company.sites.all())
    by_name = {s.name: s for s in site_list}
    rows, errors = parse_activity_csv(data, by_name)
    if errors:
        first = errors[0]
        raise DomainError(
            _("Row %(row)s: %(message)s (%(n)s problems in the file; nothing was saved)")
            % {"row": first["row"], "message": first["message"], "n": len(errors)},
            field=str(first["field"]),
        )
    books = BookCache(company.city)
    sites = {s.pk: s for s in site_list}
    out = []
    for n, inp in enumerate(rows, start=2):
        site = _validate(inp, company, sites)
        try:
            out.append(_upsert(inp, company, site, actor, source, books))
        except DomainError as exc:
            raise DomainError(
                _("Row %(row)s: %(message)s") % {"row": n, "message": exc.message}, field=exc.field
            ) from exc
    audit_record(
        city=company.city,
        actor=actor,
        action="green.activity.import",
        obj=company,
        details={"rows": len(out), "source": source},
    )
    return out


@transaction.atomic
def activity_bulk_load(
    *, actor: User | None, company: Company, rows: list[ActivityInput], source: str = "bulk"
) -> int:
    """Return how many new lines were computed and inserted in one go (demo, secretariat bulk
    loads of a fresh company); lines that already exist are refused as a conflict."""
    books = BookCache(company.city)
    sites = {s.pk: s for s in company.sites.all()}
    objs = []
    for inp in rows:
        site = _validate(inp, company, sites)
        cat = acc.Category(inp.category)
        a = Activity(
            city=company.city,
            company=company,
            site=site,
            month=inp.month.replace(day=1),
            category=cat,
            quantity=inp.quantity,
            unit=inp.unit or acc.CANONICAL_UNIT.get(cat, ""),
            supplier=inp.supplier,
            menu=inp.menu,
            detail=inp.detail,
            source=source,
            entered_by=actor,
        )
        _compute(a, site, books)
        objs.append(a)
    try:
        with transaction.atomic():
            Activity.objects.bulk_create(objs, batch_size=1000)
    except IntegrityError as exc:
        raise ConflictError(_("Some of these lines are already recorded."), field="rows") from exc
    audit_record(
        city=company.city,
        actor=actor,
        action="green.activity.bulk_load",
        obj=company,
        details={"rows": len(objs), "source": source},
    )
    return len(objs)


COMPANY_HEADERS = {"会社", "会社名", "企業", "company"}


@transaction.atomic
def activity_import_bulk(*, actor: User, city: City, data: bytes) -> dict[str, int]:
    """Return rows stored per company from the secretariat's CSV with a 会社 column.

    Only member companies that let the secretariat enter their data are accepted; one bad row
    or one company the secretariat may not manage and nothing is saved.
    """
    from kyoso.green.selectors import companies_for_secretariat

    try:
        text = check_csv(data).content.decode("utf-8")
    except FileCheckError as exc:
        raise DomainError(str(exc), field="file") from exc
    rows = list(csv.reader(io.StringIO(text)))
    header = [h.strip() for h in rows[0]]
    col = next((i for i, h in enumerate(header) if h.lower() in COMPANY_HEADERS), None)
    if col is None:
        raise DomainError(_("Columns missing: %(c)s") % {"c": "会社"}, field="file")
    allowed = {c.name: c for c in companies_for_secretariat(actor, city)}
    groups: dict[str, list[list[str]]] = defaultdict(list)
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        name = row[col].strip() if col < len(row) else ""
        if name not in allowed:
            raise DomainError(
                _("Row %(row)s: %(message)s")
                % {
                    "row": n,
                    "message": _("The secretariat may not enter data for this company."),
                },
                field="company",
            )
        groups[name].append(row[:col] + row[col + 1 :])
    out = {}
    sub_header = header[:col] + header[col + 1 :]
    for name, lines in groups.items():
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(sub_header)
        writer.writerows(lines)
        stored = activity_import_csv(
            actor=actor, company=allowed[name], data=buf.getvalue().encode("utf-8"), source="bulk"
        )
        out[name] = len(stored)
    return out
