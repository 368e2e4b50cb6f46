"""Parsers of the official Japanese emission-factor publications (as text), keeping attribution.

``denki.txt`` is the 電気事業者別排出係数 PDF as ``pdftotext -layout`` text. Its columns move from
page to page and a supplier's name sits on the middle row of its block, so menu rows appear
above and below the name. A block is closed by its ``(参考値)事業者全体`` row, or is the single
supplier row itself when that row carries values and no menu (the rule OpenGreenTrack's parser
also relies on). The TSVs (gas, heat, fuels, scope3) are ``#`` header lines then 5 columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

VALUE = r"(\d+\.\d+)(※)?"
_SUPPLIER = re.compile(r"^(A\d{4})\s+(.*)$")
_VALUES = re.compile(rf"{VALUE}\s+{VALUE}(?:\s+(\d+\.\d+|-))?")
_MENU = re.compile(r"^\s+(メニュー\S*|\(参考値\)事業者全体)\s+" + rf"{VALUE}\s+{VALUE}")
_GRID = re.compile(rf"^\s+(\d{{1,2}})\s+(\S+)\s+{VALUE}\s+{VALUE}")
_SUBSTITUTE = re.compile(rf"^\s+代替値\s+{VALUE}")
_NATIONAL = re.compile(rf"^\s+全国平均係数\(t-CO.*?\)\s+{VALUE}")
_RATE = re.compile(r"^\s*(\d+\.\d+|-)(?:\s|$)")

REFERENCE_MENU = "(参考値)事業者全体"


class FactorFileError(ValueError):
    """The text is not the publication the parser expects (names the line)."""


@dataclass(frozen=True)
class MenuFactor:
    menu: str  # "" for a supplier's single factor
    basic: Decimal
    adjusted: Decimal
    substituted: bool = False  # a ※ value: the 代替値 was applied

    @property
    def is_residual(self) -> bool:
        return "(残差)" in self.menu

    @property
    def is_reference(self) -> bool:
        return self.menu == REFERENCE_MENU


@dataclass
class Supplier:
    number: str
    name: str
    menus: list[MenuFactor] = field(default_factory=list)
    capture_rate: str = ""
    line: int = 0


@dataclass(frozen=True)
class GridOperator:
    number: int
    name: str
    basic: Decimal
    adjusted: Decimal


@dataclass
class ElectricityList:
    header: list[str]
    suppliers: list[Supplier]
    grid_operators: list[GridOperator]
    substitute: Decimal | None  # 代替値
    national_average: Decimal | None  # 全国平均係数


def _dec(text: str) -> Decimal:
    return Decimal(text)


def _header(lines: list[str]) -> list[str]:
    return [line[1:].strip() for line in lines if line.startswith("#")]


def parse_denki(text: str) -> ElectricityList:
    """Return every retail supplier with its menus, the grid operators, 代替値 and 全国平均係数."""
    lines = text.replace("\f", "").split("\n")
    suppliers: list[Supplier] = []
    grid: list[GridOperator] = []
    substitute: Decimal | None = None
    national: Decimal | None = None
    pending: list[MenuFactor] = []  # menu rows seen before the next supplier's name
    open_block: Supplier | None = None  # a supplier whose block still waits for its 参考値 row
    in_grid = False
    for number, raw in enumerate(lines, start=1):
        if raw.startswith("#"):
            continue
        if "【一般送配電事業者】" in raw:
            in_grid = True
            continue
        if m := _SUBSTITUTE.match(raw):
            substitute = _dec(m.group(1))
            continue
        if m := _NATIONAL.match(raw):
            national = _dec(m.group(1))
            continue
        if in_grid:
            if m := _GRID.match(raw):
                grid.append(
                    GridOperator(int(m.group(1)), m.group(2), _dec(m.group(3)), _dec(m.group(5)))
                )
            continue
        if m := _SUPPLIER.match(raw):
            if open_block is not None:
                raise FactorFileError(f"line {number}: block of {open_block.number} not closed")
            supplier = Supplier(number=m.group(1), name="", line=number)
            rest = m.group(2)
            values = _VALUES.search(rest)
            before = rest[: values.start()] if values else rest
            after = rest[values.end() :] if values else rest
            parts = re.split(r"\s{2,}", before.strip())
            supplier.name = parts[0]
            menu = parts[1] if len(parts) > 1 and not re.fullmatch(r"[\d.\-]+", parts[1]) else ""
            if values:
                supplier.capture_rate = values.group(5) or ""
            elif rate := re.search(r"\s(\d+\.\d+|-)(?:\s|$)", after):
                supplier.capture_rate = rate.group(1)
            supplier.menus.extend(pending)
            pending = []
            if values:
                supplier.menus.append(
                    MenuFactor(
                        menu,
                        _dec(values.group(1)),
                        _dec(values.group(3)),
                        bool(values.group(2) or values.group(4)),
                    )
                )
            suppliers.append(supplier)
            if values and not menu:
                continue  # a single-row supplier: its block is this line
            open_block = supplier
            if menu == REFERENCE_MENU:
                open_block = None
            continue
        if m := _MENU.match(raw):
            factor = MenuFactor(
                m.group(1), _dec(m.group(2)), _dec(m.group(4)), bool(m.group(3) or m.group(5))
            )
            if open_block is not None:
                open_block.menus.append(factor)
                if factor.is_reference:
                    open_block = None
            else:
                pending.append(factor)
    if open_block is not None or pending:
        raise FactorFileError("the last supplier block is not closed")
    return ElectricityList(_header(lines), suppliers, grid, substitute, national)


@dataclass(frozen=True)
class TsvRow:
    key: str  # 登録番号 (gas, heat) or the stable key (fuels, scope3)
    name: str  # supplier name or fuel name
    detail: str  # menu (gas, heat) or energyType (fuels, scope3)
    unit_or_basic: str
    value: str
    line: int


def parse_tsv(text: str) -> tuple[list[str], list[TsvRow]]:
    """Return the ``#`` header lines and the 5-field rows of one of the official TSVs."""
    lines = text.split("\n")
    rows: list[TsvRow] = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        fields = raw.rstrip("\r").split("\t")
        if len(fields) != 5:
            raise FactorFileError(
                f"line {number}: expected 5 tab-separated fields, got {len(fields)}"
            )
        try:
            Decimal(fields[4])
            if fields[3][:1].isdigit():
                Decimal(fields[3])
        except ArithmeticError as exc:
            raise FactorFileError(f"line {number}: not a number") from exc
        rows.append(TsvRow(fields[0], fields[1], fields[2], fields[3], fields[4], number))
    return _header(lines), rows
