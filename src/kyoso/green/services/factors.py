"""Importing official factor lists (UI, CLI and demo all call these) and recalculating."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from kyoso.core.csv_import import decode_csv
from kyoso.core.errors import ConflictError, DomainError
from kyoso.core.models import City, User
from kyoso.core.services import audit_record
from kyoso.green.accounting.factor_lists import FactorFileError, parse_denki, parse_tsv
from kyoso.green.models import EmissionFactor, FactorKind, FactorList

PACKAGED = Path(__file__).resolve().parents[1] / "data" / "official"
CALC_URL = "https://policies.env.go.jp/earth/ghg-santeikohyo/calc.html"
SCOPE3_URL = "https://www.env.go.jp/earth/ondanka/supply_chain/gvc/estimate_05.html"
ATTRIBUTION = (
    "出典: {title}（{publisher}）{url} を Japan GX Group (OpenGreenTrack) が加工して作成。"
    "Kyoso はその値を解析して取り込んでいます。公表元は加工後の値について責任を負いません。"
    "公共データ利用規約（第1.0版）/ CC BY 4.0 互換。"
)


@dataclass(frozen=True)
class FileSpec:
    kind: FactorKind
    filename: str
    unit: str
    url: str
    publisher: str


FILES = [
    FileSpec(FactorKind.ELECTRICITY, "denki.txt", "t-CO2/kWh", CALC_URL, "環境省・経済産業省"),
    FileSpec(FactorKind.GAS, "gas.tsv", "t-CO2/千m3", CALC_URL, "環境省・経済産業省"),
    FileSpec(FactorKind.HEAT, "heat.tsv", "t-CO2/GJ", CALC_URL, "環境省・経済産業省"),
    FileSpec(FactorKind.FUEL, "fuels.tsv", "", CALC_URL, "環境省・経済産業省"),
    FileSpec(FactorKind.SCOPE3, "scope3.tsv", "", SCOPE3_URL, "環境省"),
]
SPEC_BY_KIND = {s.kind: s for s in FILES}
_REIWA = {"R": 2018, "令和": 2018}


def _to_ascii_digits(text: str) -> str:
    return text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))


def detect_fiscal_year(kind: str, header: list[str], body: str) -> int | None:
    """Return the fiscal year whose emissions the list is for, read from the publication."""
    text = _to_ascii_digits(body[:6000])
    if kind == FactorKind.ELECTRICITY:
        m = re.search(r"令和(\d+)年度の温室効果ガス排出量を算定する際に用いる係数", text)
        return 2018 + int(m.group(1)) if m else None
    joined = _to_ascii_digits(" ".join(header))
    m = re.search(r"R(\d+)年度(?:供給)?実績", joined)
    if m:  # a supplier's results of year N are used for reports on year N+1
        return 2018 + int(m.group(1)) + 1
    m = re.search(r"令和(\d+)年度実績", joined)
    if m:
        return 2018 + int(m.group(1))
    m = re.search(r"\((20\d\d)年(\d+)月\)", joined)
    if m:  # Scope 3 DB: applies to the fiscal year it is published in
        return int(m.group(1)) if int(m.group(2)) >= 4 else int(m.group(1)) - 1
    return None


def _row(
    code: str, name: str, menu: str, basic: Decimal, adjusted: Decimal, unit: str, **extra: object
) -> dict[str, object]:
    return {
        "code": code,
        "name": name,
        "menu": menu,
        "basic": basic,
        "adjusted": adjusted,
        "unit": unit,
        **extra,
    }


def _factors_of(kind: str, text: str, spec: FileSpec) -> tuple[list[str], list[dict[str, object]]]:
    if kind == FactorKind.ELECTRICITY:
        parsed = parse_denki(text)
        if parsed.substitute is None or parsed.national_average is None:
            raise FactorFileError("代替値 or 全国平均係数 not found")
        unit = spec.unit
        rows = [
            _row(
                s.number,
                s.name,
                m.menu,
                m.basic,
                m.adjusted,
                unit,
                substituted=m.substituted,
                capture_rate=s.capture_rate,
                source_line=s.line,
            )
            for s in parsed.suppliers
            for m in s.menus
        ]
        rows += [
            _row(f"grid:{g.number}", g.name, "", g.basic, g.adjusted, unit)
            for g in parsed.grid_operators
        ]
        rows.append(_row("substitute", "代替値", "", parsed.substitute, parsed.substitute, unit))
        rows.append(
            _row(
                "national",
                "全国平均係数",
                "",
                parsed.national_average,
                parsed.national_average,
                unit,
            )
        )
        return parsed.header, rows
    header, tsv = parse_tsv(text)
    if kind in (FactorKind.GAS, FactorKind.HEAT):
        return header, [
            _row(
                t.key,
                t.name,
                t.detail,
                Decimal(t.unit_or_basic),
                Decimal(t.value),
                spec.unit,
                source_line=t.line,
            )
            for t in tsv
        ]
    return header, [
        _row(
            t.key,
            t.name,
            t.detail,
            Decimal(t.value),
            Decimal(t.value),
            t.unit_or_basic,
            source_line=t.line,
        )
        for t in tsv
    ]


@transaction.atomic
def factor_list_import(
    *, city: City, kind: str, data: bytes, fiscal_year: int | None = None, actor: User | None = None
) -> FactorList:
    """Return the new list parsed from one official file; a year already imported is refused.

    Provisional results in the affected years are recalculated once the list is stored.
    """
    if kind not in SPEC_BY_KIND:
        raise DomainError(_("Choose what kind of list this is."), field="kind")
    spec = SPEC_BY_KIND[FactorKind(kind)]
    text = decode_csv(data)  # UTF-8 or Shift_JIS, as Excel saves it
    try:
        header, rows = _factors_of(kind, text, spec)
    except FactorFileError as exc:
        raise DomainError(
            _("The file could not be read: %(e)s") % {"e": exc}, field="file"
        ) from exc
    if not rows:
        raise DomainError(_("The file has no factors."), field="file")
    year = fiscal_year or detect_fiscal_year(kind, header, text)
    if year is None:
        raise DomainError(_("Give the fiscal year the list applies to."), field="fiscal_year")
    if FactorList.objects.filter(city=city, kind=kind, fiscal_year=year).exists():
        raise ConflictError(
            _(
                "The %(kind)s list for FY%(year)s is already imported; factors never change in place."
            )
            % {"kind": spec.kind.label, "year": year},
            field="fiscal_year",
        )
    title = next((h for h in header if h), spec.filename)
    factor_list = FactorList.objects.create(
        city=city,
        kind=kind,
        fiscal_year=year,
        title=title[:300],
        source_url=spec.url,
        attribution=ATTRIBUTION.format(title=title, publisher=spec.publisher, url=spec.url)
        + "\n"
        + "\n".join(header),
        sha256=hashlib.sha256(data).hexdigest(),
        rows=len(rows),
        imported_by=actor,
    )
    EmissionFactor.objects.bulk_create(
        EmissionFactor(city=city, factor_list=factor_list, kind=kind, fiscal_year=year, **r)
        for r in rows
    )
    audit_record(
        city=city,
        actor=actor,
        action="green.factors.import",
        obj=factor_list,
        details={"kind": kind, "fiscal_year": year, "rows": len(rows)},
    )
    from kyoso.green.services.inventory import inventory_recalculate

    transaction.on_commit(lambda: inventory_recalculate(city=city, only_provisional=True))
    return factor_list


def factor_lists_import_folder(
    *, city: City, folder: Path | None = None, actor: User | None = None
) -> list[FactorList]:
    """Return the lists imported from a folder of the official files (the packaged copy by
    default); kinds whose year is already present are skipped."""
    folder = folder or PACKAGED
    done = []
    for spec in FILES:
        path = folder / spec.filename
        if not path.exists():
            continue
        data = path.read_bytes()
        try:
            done.append(factor_list_import(city=city, kind=spec.kind, data=data, actor=actor))
        except ConflictError:
            continue
    return done
