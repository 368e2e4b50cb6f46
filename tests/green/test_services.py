"""Services: factor import, the hand-worked inventory, provisional factors, CSV, consents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kyoso.core.errors import ConflictError, DomainError, PermissionDeniedError
from kyoso.core.models import AuditEvent
from kyoso.green import selectors, services
from kyoso.green.models import Activity, EmissionFactor, FactorList
from kyoso.green.services.factors import PACKAGED

pytestmark = pytest.mark.django_db


def test_import_keeps_source_and_refuses_a_second_copy(city, factors) -> None:  # type: ignore[no-untyped-def]
    kinds = {fl.kind: fl for fl in factors}
    assert set(kinds) == {"electricity", "gas", "heat", "fuel", "scope3"}
    assert kinds["electricity"].fiscal_year == 2025  # 令和7年度の排出量を算定する際に用いる係数
    assert kinds["gas"].fiscal_year == 2026  # R7年度供給実績
    assert "Japan GX Group" in kinds["electricity"].attribution
    assert "policies.env.go.jp" in kinds["electricity"].source_url
    suppliers = (
        EmissionFactor.objects.filter(factor_list=kinds["electricity"])
        .exclude(code__in=["national", "substitute"])
        .exclude(code__startswith="grid:")
    )
    assert suppliers.values("code").distinct().count() == 511
    assert EmissionFactor.objects.get(
        factor_list=kinds["electricity"], code="substitute"
    ).basic == Decimal("0.000416")
    with pytest.raises(ConflictError):
        services.factor_list_import(city=city, kind="gas", data=(PACKAGED / "gas.tsv").read_bytes())
    assert services.factor_lists_import_folder(city=city) == []  # idempotent


def test_hand_worked_example_through_the_services(company, business) -> None:  # type: ignore[no-untyped-def]
    site = company.sites.get()
    m = date(2025, 6, 1)
    for inp in [
        services.ActivityInput(
            site.pk, m, "electricity", Decimal(100), "MWh", "A0269", "メニューM(残差)"
        ),
        services.ActivityInput(site.pk, m, "diesel", Decimal(10), "kL"),
        services.ActivityInput(
            site.pk,
            m,
            "city_gas",
            Decimal(20),
            "千m3",
            "A0020",
            "東京ガスネットワーク株式会社の供給区域（東京地区等）及び特定ガス導管事業の供給地点 残差",
        ),
    ]:
        services.activity_record(actor=business, company=company, inp=inp)
    rows = {a.category: a for a in Activity.objects.filter(company=company)}
    assert rows["electricity"].co2_market_t == Decimal("45.2")
    assert rows["diesel"].co2_market_t == Decimal("26.2")
    assert rows["city_gas"].co2_market_t == Decimal("41.8")
    assert rows["electricity"].factor_market.menu == "メニューM(残差)"  # snapshot of the factor
    inv = selectors.company_years(company)[2025]
    assert inv.market_total == pytest.approx(113.2)
    assert inv.location_total == pytest.approx(42.3 + 26.2 + 41.8)
    assert AuditEvent.objects.filter(action="green.activity.record").count() == 3


def test_provisional_until_the_new_list_arrives(company, business, city) -> None:  # type: ignore[no-untyped-def]
    site = company.sites.get()
    a = services.activity_record(
        actor=business,
        company=company,
        inp=services.ActivityInput(
            site.pk,
            date(2026, 5, 1),
            "electricity",
            Decimal(1000),
            "kWh",
            "A0269",
            "メニューM(残差)",
        ),
    )
    assert a.provisional and a.factor_year == 2025
    # next year's list is published: a copy of the file with the TEPCO residual changed
    text = (PACKAGED / "denki.txt").read_text(encoding="utf-8")
    text = text.replace("令和7年度の温室効果ガス排出量", "令和8年度の温室効果ガス排出量")
    text = text.replace(
        "メニューM(残差)     0.000452      0.000452", "メニューM(残差)     0.000400      0.000400"
    )
    fl = services.factor_list_import(
        city=city,
        kind="electricity",
        data=text.replace("\u2082", "2").encode("cp932"),
        actor=business,
    )  # saved from Excel as Shift_JIS (cp932)
    assert fl.fiscal_year == 2026
    services.inventory_recalculate(city=city, only_provisional=True)
    a.refresh_from_db()
    assert not a.provisional and a.factor_year == 2026
    assert a.co2_market_t == Decimal("0.4")
    # the old list and the old factor row are untouched
    assert EmissionFactor.objects.filter(
        fiscal_year=2025, code="A0269", menu="メニューM(残差)"
    ).get().adjusted == Decimal("0.000452")
    assert FactorList.objects.filter(kind="electricity").count() == 2


def test_csv_in_shift_jis_all_or_nothing(company, business) -> None:  # type: ignore[no-untyped-def]
    csv = (
        "月,拠点,種別,数量,単位,登録番号,メニュー\n"
        '2025-04,本社工場,電気,"12,000",kWh,A0269,メニューM(残差)\n'
        "2025-05,本社工場,電気,11000,kWh,A0269,メニューM(残差)\n"
        "2025-06,本社工場,軽油,300,L,,\n"
    )
    rows = services.activity_import_csv(actor=business, company=company, data=csv.encode("cp932"))
    assert len(rows) == 3
    assert rows[0].co2_market_t == Decimal("5.424")
    assert rows[2].co2_market_t == Decimal("0.786")
    # re-uploading the same month replaces it rather than adding
    services.activity_import_csv(actor=business, company=company, data=csv.encode("utf-8"))
    assert Activity.objects.filter(company=company).count() == 3
    bad = csv + "2025-07,本社工場,電気,abc,kWh,,\n2025-08,どこか,電気,1,kWh,,\n"
    with pytest.raises(DomainError) as err:
        services.activity_import_csv(actor=business, company=company, data=bad.encode("cp932"))
    assert (
        err.value.field == "quantity" and "5" in err.value.message
    )  # row 5, in the active language
    assert Activity.objects.filter(company=company).count() == 3


def test_bad_input_names_the_field(company, business) -> None:  # type: ignore[no-untyped-def]
    site = company.sites.get()
    with pytest.raises(DomainError) as err:
        services.activity_record(
            actor=business,
            company=company,
            inp=services.ActivityInput(site.pk, date(2025, 4, 1), "diesel", Decimal(1), "kWh"),
        )
    assert err.value.field == "unit"
    with pytest.raises(DomainError) as err:
        services.activity_record(
            actor=business,
            company=company,
            inp=services.ActivityInput(
                site.pk, date(2025, 4, 1), "city_gas", Decimal(1), "千m3", "A9999"
            ),
        )
    assert err.value.field == "supplier"
    with pytest.raises(DomainError) as err:
        services.company_create(
            actor=business, city=company.city, name="x", jsic="24", corporate_number="123"
        )
    assert err.value.field == "corporate_number"


def test_only_managers_enter_data(company, city, citizen) -> None:  # type: ignore[no-untyped-def]
    site = company.sites.get()
    from kyoso.core.errors import NotFoundError

    with pytest.raises(PermissionDeniedError):
        services.site_create(actor=citizen, company=company, name="他人の工場")
    with pytest.raises(NotFoundError):
        selectors.company_get(citizen, city, company.pk)
    assert site.company == company


def test_secretariat_manages_only_with_consent(company, business, city, staff) -> None:  # type: ignore[no-untyped-def]
    from kyoso.green.models import Consortium

    consortium = Consortium.objects.create(city=city, name="脱炭素コンソーシアム")
    consortium.secretariat.add(staff)
    services.consortium_join(actor=business, company=company, consortium=consortium)
    assert not selectors.can_manage(staff, company)
    services.company_set_disclosure(
        actor=business, company=company, level="private", secretariat=True
    )
    assert selectors.can_manage(staff, company)
    services.company_set_disclosure(
        actor=business, company=company, level="private", secretariat=False
    )
    assert not selectors.can_manage(staff, company)


def test_measures_and_ev_lease(company, business) -> None:  # type: ignore[no-untyped-def]
    m = services.measure_adopt(
        actor=business,
        company=company,
        key="led",
        name="LED",
        capex_yen=100,
        opex_change_yen=-50,
        lifetime_years=10,
        abated_t=Decimal("1.5"),
    )
    assert m.status == "adopted"
    with pytest.raises(DomainError) as err:
        services.ev_lease_create(
            actor=business, company=company, started=date(2025, 4, 1), vehicles=0
        )
    assert err.value.field == "vehicles"
    lease = services.ev_lease_create(
        actor=business, company=company, started=date(2025, 4, 3), vehicles=2
    )
    assert lease.started == date(2025, 4, 1)


def test_bulk_load_refuses_duplicates(company, business) -> None:  # type: ignore[no-untyped-def]
    site = company.sites.get()
    rows = [services.ActivityInput(site.pk, date(2025, 4, 1), "electricity", Decimal(10), "kWh")]
    assert services.activity_bulk_load(actor=business, company=company, rows=rows) == 1
    with pytest.raises(ConflictError):
        services.activity_bulk_load(actor=business, company=company, rows=rows)


def test_company_belongs_to_a_core_organisation(city, business, factors) -> None:  # type: ignore[no-untyped-def]
    from tests.core.factories import MembershipFactory

    company = services.company_create(actor=business, city=city, name="多賀プレス工業", jsic="24")
    assert company.organisation is not None and company.organisation.kind == "business"
    colleague = MembershipFactory(
        city=city, role="business", organisation=company.organisation
    ).user
    assert selectors.can_manage(colleague, company)  # acts for the same organisation
    assert list(selectors.companies_managed(colleague, city)) == [company]
    stranger = MembershipFactory(city=city, role="business").user
    assert not selectors.can_manage(stranger, company)


def test_secretariat_bulk_upload_only_for_consenting_members(
    city, business, staff, factors
) -> None:  # type: ignore[no-untyped-def]
    from kyoso.green.models import Consortium
    from tests.green.factories import CompanyFactory, SiteFactory

    consortium = Consortium.objects.create(city=city, name="c")
    consortium.secretariat.add(staff)
    a = CompanyFactory(city=city, managers=[business], name="会瀬食品")
    b = CompanyFactory(city=city, managers=[business], name="多賀化成")
    for c in (a, b):
        SiteFactory(company=c, name="本社工場")
        consortium.members.add(c)
    services.company_set_disclosure(actor=business, company=a, level="private", secretariat=True)
    csv = "会社,月,拠点,種別,数量,単位\n会瀬食品,2025-04,本社工場,軽油,1,kL\n"
    assert services.activity_import_bulk(actor=staff, city=city, data=csv.encode("cp932")) == {
        "会瀬食品": 1
    }
    bad = csv + "多賀化成,2025-04,本社工場,軽油,1,kL\n"
    with pytest.raises(DomainError) as err:
        services.activity_import_bulk(actor=staff, city=city, data=bad.encode("utf-8"))
    assert err.value.field == "company"
    assert Activity.objects.filter(company=b).count() == 0
