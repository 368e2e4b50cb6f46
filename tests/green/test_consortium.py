"""The consortium secretariat: invites companies, which join only when their manager accepts;
it enters a member's data and sees its figures by name only where the member consented."""

from __future__ import annotations

import pytest
from django.test import Client

from kyoso.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from kyoso.core.models import Notification
from kyoso.green import selectors, services
from kyoso.green.models import Activity, Consortium
from tests.core.factories import MembershipFactory
from tests.green.factories import CompanyFactory, SiteFactory

pytestmark = pytest.mark.django_db

BILL = "会社,月,拠点,種別,数量,単位\n{name},2025-04,本社工場,軽油,1,kL\n"


@pytest.fixture
def secretariat(city):  # type: ignore[no-untyped-def]
    return MembershipFactory(city=city, role="business").user  # a chamber of commerce clerk


@pytest.fixture
def consortium(city, staff, secretariat):  # type: ignore[no-untyped-def]
    c = Consortium.objects.create(city=city, name="日立市脱炭素コンソーシアム")
    services.consortium_secretariat_set(actor=staff, consortium=c, user=secretariat)
    return c


def test_only_staff_appoint_the_secretariat(city, business, consortium, secretariat) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDeniedError):
        services.consortium_secretariat_set(actor=secretariat, consortium=consortium, user=business)
    assert selectors.is_secretariat(secretariat, city)


def test_invitation_consent_and_revocation(
    city, company, business, consortium, secretariat
) -> None:  # type: ignore[no-untyped-def]
    SiteFactory(company=company, name="第二工場")
    with pytest.raises(PermissionDeniedError):  # a company manager is not the secretariat
        services.consortium_invite(actor=business, consortium=consortium, company=company.name)
    with pytest.raises(DomainError) as err:
        services.consortium_invite(actor=secretariat, consortium=consortium, company="架空工業")
    assert err.value.field == "company"
    invitation = services.consortium_invite(
        actor=secretariat, consortium=consortium, company=company.name
    )
    # Invited is not a member: nothing is shared, nothing can be entered.
    assert not consortium.members.filter(pk=company.pk).exists()
    assert Notification.objects.filter(user=business, kind="green.invitation").exists()
    assert not selectors.can_manage(secretariat, company)
    with pytest.raises(NotFoundError):
        selectors.company_get(secretariat, city, company.pk)
    # Only the company's manager answers.
    with pytest.raises(PermissionDeniedError):
        services.consortium_invitation_answer(
            actor=secretariat, company=company, invitation_id=invitation.pk, accept=True
        )
    services.consortium_invitation_answer(
        actor=business, company=company, invitation_id=invitation.pk, accept=True
    )
    assert consortium.members.filter(pk=company.pk).exists()
    with pytest.raises(ConflictError):
        services.consortium_invite(actor=secretariat, consortium=consortium, company=company.name)
    # A member that did not consent: not managed, not seen, refused in a bulk upload.
    assert not selectors.can_manage(secretariat, company)
    assert not selectors.can_view(secretariat, company)
    with pytest.raises(DomainError):
        services.activity_import_bulk(
            actor=secretariat, city=city, data=BILL.format(name=company.name).encode()
        )
    assert selectors.members_for_secretariat(secretariat, city)[0].shares == "private"
    # Named: seen, still not entered for.
    services.company_set_disclosure(actor=business, company=company, level="named")
    assert selectors.can_view(secretariat, company)
    assert not selectors.can_manage(secretariat, company)
    # Consent to entering data: the bulk upload is accepted.
    services.company_set_disclosure(
        actor=business, company=company, level="aggregate", secretariat=True
    )
    assert selectors.can_manage(secretariat, company)
    assert services.activity_import_bulk(
        actor=secretariat, city=city, data=BILL.format(name=company.name).encode("cp932")
    ) == {company.name: 1}
    row = selectors.members_for_secretariat(secretariat, city)[0]
    assert (row.shares, row.secretariat_may_enter) == ("aggregate", True)
    # Revoked: at once.
    services.company_set_disclosure(
        actor=business, company=company, level="aggregate", secretariat=False
    )
    assert not selectors.can_manage(secretariat, company)
    # Leaving ends the secretariat's access even with the consent still given.
    services.company_set_disclosure(
        actor=business, company=company, level="aggregate", secretariat=True
    )
    services.consortium_leave(actor=business, company=company, consortium=consortium)
    assert not selectors.can_manage(secretariat, company)


def test_invitation_pages(city, company, business, consortium, secretariat) -> None:  # type: ignore[no-untyped-def]
    other = CompanyFactory(city=city, managers=[business], name="会瀬食品株式会社")
    sec = Client()
    sec.force_login(secretariat)
    r = sec.post("/hitachi/green/consortium/", {"company": company.name})
    assert r.status_code == 302
    r = sec.post("/hitachi/green/consortium/", {"company": "架空工業"})
    assert "登録されていません" in r.content.decode()
    page = sec.get("/hitachi/green/consortium/").content.decode()
    assert "返事を待っている会社" in page and company.name in page

    biz = Client()
    biz.force_login(business)
    url = f"/hitachi/green/companies/{company.pk}/"
    page = biz.get(url).content.decode()
    assert "日立市脱炭素コンソーシアムへの参加の招待" in page
    invitation = selectors.invitations_open(company)[0]
    r = biz.post(
        url, {"invitation": invitation.pk, "answer": "accept", "secretariat_may_enter": "on"}
    )
    assert r.status_code == 302
    assert selectors.can_manage(secretariat, company)
    assert not selectors.invitations_open(company)
    page = sec.get("/hitachi/green/consortium/").content.decode()
    assert f'href="/hitachi/green/companies/{company.pk}/"' in page
    # The other company was never invited: no page for the secretariat, no data.
    assert sec.get(f"/hitachi/green/companies/{other.pk}/").status_code == 404
    assert Activity.objects.filter(company=other).count() == 0
