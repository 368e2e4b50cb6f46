"""The official lists parse completely, with the published spot values."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kyoso.green.accounting.factor_lists import FactorFileError, parse_denki, parse_tsv
from kyoso.green.services.factors import PACKAGED


def _read(folder: Path, name: str) -> str:
    return (folder / name).read_text(encoding="utf-8")


@pytest.fixture(params=["shared", "packaged"])
def folder(request: pytest.FixtureRequest, shared_data: Path) -> Path:
    return shared_data / "green" if request.param == "shared" else PACKAGED


def test_packaged_copy_is_unchanged(shared_data: Path) -> None:
    for name in ("denki.txt", "gas.tsv", "heat.tsv", "fuels.tsv", "scope3.tsv", "NOTICE"):
        assert (PACKAGED / name).read_bytes() == (shared_data / "green" / name).read_bytes()


def test_denki_totals_and_spot_values(folder: Path) -> None:
    e = parse_denki(_read(folder, "denki.txt"))
    assert len({s.number for s in e.suppliers}) == 511 == len(e.suppliers)
    assert len(e.grid_operators) == 10
    assert e.substitute == Decimal("0.000416")
    assert e.national_average == Decimal("0.000423")
    tepco = next(s for s in e.suppliers if s.number == "A0269")
    assert tepco.name == "東京電力エナジーパートナー(株)"
    menus = {m.menu: m for m in tepco.menus}
    assert (
        menus["メニューM(残差)"].basic == menus["メニューM(残差)"].adjusted == Decimal("0.000452")
    )
    assert menus["(参考値)事業者全体"].adjusted == Decimal("0.000421")
    assert [m.menu for m in tepco.menus][:13] == [f"メニュー{c}" for c in "ABCDEFGHIJKL"] + [
        "メニューM(残差)"
    ]
    erex = next(s for s in e.suppliers if s.number == "A0002")
    assert erex.menus[0].adjusted == Decimal("0.000422") and erex.menus[0].substituted
    okinawa = next(g for g in e.grid_operators if g.number == 10)
    assert okinawa.basic == Decimal("0.000707")
    # every multi-menu block ends with its (参考値)事業者全体 row
    assert all(s.menus[-1].is_reference for s in e.suppliers if len(s.menus) > 1)
    assert any("Japan GX Group" in h for h in e.header)


def test_tsvs(folder: Path) -> None:
    _h, gas = parse_tsv(_read(folder, "gas.tsv"))
    assert len(gas) == 113 and len({r.key for r in gas}) == 37
    tokyo = [r for r in gas if r.key == "A0020" and "残差" in r.detail]
    assert tokyo and tokyo[0].value == "2.09" and tokyo[0].line == 28
    _h, heat = parse_tsv(_read(folder, "heat.tsv"))
    assert len(heat) == 38 and len({r.key for r in heat}) == 19
    _h, fuels = parse_tsv(_read(folder, "fuels.tsv"))
    assert len(fuels) == 35
    assert next(r for r in fuels if r.key == "diesel_oil").value == "2.62"
    header, scope3 = parse_tsv(_read(folder, "scope3.tsv"))
    assert len(scope3) == 42
    assert next(r for r in scope3 if r.key == "travel_expense_rail").value == "0.001854"
    assert any("Ver.3.6" in h for h in header)


def test_broken_tsv_names_the_line() -> None:
    with pytest.raises(FactorFileError, match="line 2"):
        parse_tsv("# header\nA\tB\tC\n")


def test_unclosed_block_is_an_error() -> None:
    text = "A0001   ある電力(株)       メニューA    0.000100    0.000100   100.00\n"
    with pytest.raises(FactorFileError):
        parse_denki(text)
