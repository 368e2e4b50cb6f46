"""Demo content of the green app: about 30 small factories of Hitachi's industries with three
fiscal years (FY2023–FY2025) of monthly bills, a consortium, consents, a few adopted measures,
and a vision KPI fed from the roll-up. Invented, deterministic, and labelled as demo data."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from kyoso.core.models import City, Organisation, Role, User
from kyoso.core.registry import city_measures
from kyoso.core.services import consent_grant, organisation_ensure, system_actor
from kyoso.green.models import Company, Consortium, DegreeDays, MonthlyOutput, Site
from kyoso.green.services import (
    PURPOSE_AGGREGATE,
    PURPOSE_NAMED,
    PURPOSE_SECRETARIAT,
    ActivityInput,
    activity_bulk_load,
    factor_lists_import_folder,
    measure_link_vision,
)

CONSORTIUM_NAME = "日立市脱炭素コンソーシアム (demo)"
VISION_MEASURE = "中小企業のCO2見える化支援"
FIRST_FY, YEARS = 2023, 3
# name, JSIC, employees, sales (million yen), annual MWh, fuels {category: annual quantity}
COMPANIES: list[tuple[str, str, int, int, int, dict[str, float]]] = [
    ("助川精機株式会社", "26", 48, 820, 620, {"heavy_oil_a": 40, "diesel": 6, "gasoline": 8}),
    ("多賀プレス工業株式会社", "24", 65, 1300, 1400, {"city_gas": 90, "diesel": 10}),
    ("久慈川金属株式会社", "24", 32, 610, 780, {"lpg": 25, "diesel": 4}),
    ("会瀬メッキ工業株式会社", "24", 28, 450, 900, {"heavy_oil_a": 70}),
    ("大みか製缶株式会社", "24", 54, 980, 1100, {"city_gas": 60, "gasoline": 5}),
    ("南部鍛造株式会社", "24", 41, 760, 1650, {"heavy_oil_a": 120, "diesel": 5}),
    ("日高ボルト製作所株式会社", "24", 22, 330, 420, {"lpg": 8}),
    ("成沢板金株式会社", "24", 15, 210, 260, {"kerosene": 12, "gasoline": 4}),
    ("金沢機械工業株式会社", "26", 73, 1650, 1300, {"city_gas": 50, "diesel": 12}),
    ("田尻精密株式会社", "26", 36, 700, 560, {"kerosene": 15, "gasoline": 6}),
    ("滑川工機株式会社", "26", 44, 880, 900, {"heavy_oil_a": 30}),
    ("宮田オートメーション株式会社", "26", 58, 1400, 980, {"city_gas": 30, "gasoline": 10}),
    ("河原子ツール株式会社", "26", 19, 300, 310, {"lpg": 6}),
    ("豊浦ポンプ株式会社", "25", 62, 1250, 1050, {"city_gas": 40, "diesel": 8}),
    ("十王精工株式会社", "26", 47, 990, 870, {"heavy_oil_a": 25}),
    ("坂本バルブ株式会社", "25", 26, 480, 400, {"lpg": 10, "gasoline": 3}),
    ("油縄子モーター株式会社", "29", 85, 2100, 1900, {"city_gas": 70, "gasoline": 12}),
    ("塙山電機株式会社", "29", 52, 1150, 1200, {"kerosene": 20}),
    ("仲町トランス株式会社", "29", 39, 900, 1000, {"city_gas": 35}),
    ("水木電装株式会社", "29", 27, 520, 480, {"lpg": 7, "gasoline": 5}),
    ("大沼コイル株式会社", "29", 33, 640, 700, {"kerosene": 10}),
    ("中小路電子株式会社", "28", 44, 1000, 1500, {"city_gas": 20}),
    ("助川樹脂工業株式会社", "18", 38, 690, 1600, {"heavy_oil_a": 20}),
    ("日立モールド株式会社", "18", 29, 520, 1250, {"lpg": 12}),
    ("多賀化成株式会社", "18", 46, 830, 1800, {"city_gas": 45}),
    ("久慈浜水産加工株式会社", "09", 34, 560, 700, {"heavy_oil_a": 90, "diesel": 8}),
    ("会瀬食品株式会社", "09", 57, 940, 1100, {"city_gas": 110}),
    ("大久保製菓株式会社", "09", 25, 380, 450, {"lpg": 30}),
    ("日立港冷蔵株式会社", "09", 21, 420, 1300, {"diesel": 6}),
    ("十王物流株式会社", "44", 40, 600, 250, {"diesel": 180, "gasoline": 6}),
]
UNITS = {
    "heavy_oil_a": "kL",
    "diesel": "kL",
    "gasoline": "kL",
    "kerosene": "kL",
    "lpg": "t",
    "city_gas": "千m3",
}
# Heating/cooling degree days of a month on Hitachi's coast (approximate climatology, demo).
HDD = [430, 380, 300, 170, 60, 5, 0, 0, 5, 80, 220, 370]
CDD = [0, 0, 0, 0, 5, 20, 80, 120, 50, 5, 0, 0]
HEATING = {"kerosene", "lpg", "heavy_oil_a", "city_gas"}


def _months() -> list[date]:
    return [date(FIRST_FY + (3 + i) // 12, (3 + i) % 12 + 1, 1) for i in range(12 * YEARS)]


def _electricity(rng: random.Random, i: int) -> tuple[str, str]:
    if i % 9 == 4:
        return "A0269", "メニューA"  # a zero-emission menu (renewable)
    if i % 7 == 3:
        return "A0009", "メニューF(残差)"
    if i % 11 == 6:
        return "", ""  # supplier not known: the 代替値 applies
    return "A0269", "メニューM(残差)"


def load(city: City, rng: random.Random) -> None:
    factor_lists_import_folder(city=city)
    if (
        city.slug != "hitachi"
        or Consortium.objects.filter(city=city, name=CONSORTIUM_NAME).exists()
    ):
        return
    business = User.objects.filter(email="business@hitachi.example").first()
    staff = User.objects.filter(email="staff@hitachi.example").first()
    from kyoso.core.services.themes import theme_catalogue_ensure

    catalogue = {t.code: t for t in theme_catalogue_ensure(city=city)}
    consortium = Consortium.objects.create(
        city=city,
        name=CONSORTIUM_NAME,
        theme=catalogue.get("green"),
        # 自治体排出量カルテ-style estimates of the industrial sector (demo figures, t-CO2)
        sector_estimates={
            "2013": 2_108_000,
            "2020": 1_790_000,
            "2021": 1_805_000,
            "2022": 1_742_000,
            "2023": 1_690_000,
        },
    )
    if staff is not None:
        consortium.secretariat.add(staff)
    districts = list(city.districts.all())
    for m in _months():
        month = m.month - 1
        DegreeDays.objects.get_or_create(
            city=city,
            month=m,
            defaults={
                "hdd": Decimal(HDD[month] + rng.randint(-25, 25) if HDD[month] else 0),
                "cdd": Decimal(max(0, CDD[month] + rng.randint(-10, 10)) if CDD[month] else 0),
            },
        )
    # The city's own measure for small firms, if the vision demo has it: LED adopters link to it.
    vision_measure = next((e.id for e in city_measures(city) if VISION_MEASURE in e.title), None)
    for i, (name, jsic, employees, sales, mwh, fuels) in enumerate(COMPANIES):
        company = Company.objects.create(
            city=city,
            name=name,
            jsic=jsic,
            employees=employees,
            sales_million_yen=Decimal(sales),
            is_demo=True,
            target_percent=Decimal(38),
        )
        owner = business if i == 0 and business is not None else None
        if owner is None:
            owner, _created = User.objects.get_or_create(
                email=f"green-demo-{i:02d}@hitachi.example",
                defaults={"display_name": f"{name} (demo)", "is_active": False},
            )
            owner.memberships.get_or_create(city=city, role=Role.BUSINESS)
        company.managers.add(owner)
        company.organisation = (
            Organisation.objects.filter(city=city, code="sukegawa-seiki").first()
            if i == 0
            else None
        )
        if company.organisation is None:
            company.organisation = organisation_ensure(
                city=city, code=f"green-demo-{i:02d}", name_ja=name, kind="business", is_demo=True
            )
            owner.memberships.filter(city=city, role=Role.BUSINESS, organisation=None).update(
                organisation=company.organisation
            )
        company.save(update_fields=["organisation"])
        consortium.members.add(company)
        district = districts[(i * 7) % len(districts)]
        sites = [
            Site.objects.create(
                city=city,
                company=company,
                name="本社工場",
                district=district,
                lat=district.center_lat,
                lon=district.center_lon,
                roof_area_m2=rng.choice([0, 300, 600, 900, 1500]),
            )
        ]
        if mwh > 1200:
            d2 = districts[(i * 7 + 3) % len(districts)]
            sites.append(
                Site.objects.create(
                    city=city,
                    company=company,
                    name="第二工場",
                    district=d2,
                    lat=d2.center_lat,
                    lon=d2.center_lon,
                    roof_area_m2=rng.choice([0, 400, 800]),
                )
            )
        supplier, menu = _electricity(rng, i)
        trend = rng.uniform(0.93, 1.0)  # yearly efficiency trend
        rows: list[ActivityInput] = []
        for m_index, m in enumerate(_months()):
            year_index = m_index // 12
            production = 100 * rng.uniform(0.85, 1.15) * (1 + 0.03 * year_index)
            MonthlyOutput.objects.create(
                city=city, company=company, month=m, production=Decimal(f"{production:.1f}")
            )
            weather = 1 + 0.0006 * (HDD[m.month - 1] + 1.5 * CDD[m.month - 1])
            scale = production / 100 * trend**year_index
            for k, site in enumerate(sites):
                share = 1.0 if len(sites) == 1 else (0.65 if k == 0 else 0.35)
                kwh = mwh * 1000 / 12 * share * scale * weather * rng.uniform(0.95, 1.05)
                rows.append(
                    ActivityInput(
                        site.pk, m, "electricity", Decimal(f"{kwh:.0f}"), "kWh", supplier, menu
                    )
                )
                for cat, annual in fuels.items():
                    if k > 0 and cat in ("gasoline", "diesel"):
                        continue
                    seasonal = 1 + (0.8 * HDD[m.month - 1] / 430 - 0.3 if cat in HEATING else 0)
                    q = annual / 12 * share * scale * seasonal * rng.uniform(0.9, 1.1)
                    gas_supplier = (
                        ("A0026", "福島地区、茨城地区") if cat == "city_gas" else ("", "")
                    )
                    rows.append(
                        ActivityInput(
                            site.pk, m, cat, Decimal(f"{q:.3f}"), UNITS[cat], *gas_supplier
                        )
                    )
            if m.month == 8 and i % 5 == 0:
                rows.append(
                    ActivityInput(
                        sites[0].pk, m, "refrigerant", Decimal("3.5"), "kg", detail="R-410A"
                    )
                )
        activity_bulk_load(actor=system_actor(), company=company, rows=rows, source="demo")
        scope = f"company:{company.pk}"
        if i % 6 != 5:  # most consent to aggregates
            consent_grant(city=city, user=owner, purpose=PURPOSE_AGGREGATE, scope=scope)
        if i % 3 == 0:
            consent_grant(city=city, user=owner, purpose=PURPOSE_NAMED, scope=scope)
        if i % 4 == 1:
            consent_grant(city=city, user=owner, purpose=PURPOSE_SECRETARIAT, scope=scope)
        if i % 4 == 0:
            from kyoso.green.models import AdoptedMeasure

            adopted = AdoptedMeasure.objects.create(
                city=city,
                company=company,
                key="led",
                name="LED照明への更新",
                capex_yen=round(mwh * 1000 * 0.05 * 108),
                opex_change_yen=-round(mwh * 1000 * 0.05 * 27),
                lifetime_years=15,
                abated_t=Decimal(f"{mwh * 0.05 * 0.452:.3f}"),
                adopted_on=date(2025, 6, 1),
            )
            if vision_measure is not None:  # the firm joins the city's SME measure (共創)
                measure_link_vision(actor=owner, measure=adopted, vision_measure_id=vision_measure)
        if i in (0, 29):
            from kyoso.green.models import EvLease

            EvLease.objects.create(
                city=city,
                company=company,
                started=date(2025, 4, 1),
                vehicles=2 if i == 0 else 4,
                km_per_vehicle_year=12000,
            )
    connect_vision_kpi(city)


def connect_vision_kpi(city: City, theme_code: str = "green-business") -> None:
    """Add a KPI on the vision's green theme that takes its values from the roll-up."""
    try:
        from kyoso.vision.models import Kpi, KpiSource, Theme
        from kyoso.vision.services import kpi_create, kpi_refresh_from_provider
    except ImportError:  # pragma: no cover - vision is installed with the project
        return
    # the vision theme filed under the catalogue's "green" theme, its SME sub-theme first
    themes = Theme.objects.filter(city=city, catalogue__code="green")
    theme = themes.filter(code=theme_code).first() or themes.order_by("parent_id", "id").first()
    if theme is None or Kpi.objects.filter(city=city, code="consortium-co2").exists():
        return
    kpi = kpi_create(
        city=city,
        actor=system_actor(),
        theme=theme,
        code="consortium-co2",
        name_ja="コンソーシアム参加企業のCO2排出量",
        name_en="CO2 of consortium companies",
        unit="t-CO2",
        baseline_year=2023,
        baseline_value=Decimal(0),
        target_year=2030,
        target_value=Decimal(0),
        direction="down",
        source=KpiSource.PROVIDER,
        provider_key="green.industrial_co2",
    )
    series = kpi_refresh_from_provider(city=city, kpi=kpi, actor=system_actor())
    if series:
        first = kpi.actuals.order_by("year").first()
        if first is not None:
            kpi.baseline_value = first.value
            kpi.target_value = (first.value * Decimal("0.62")).quantize(Decimal(1))
            kpi.save(update_fields=["baseline_value", "target_value"])
