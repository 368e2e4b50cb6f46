from __future__ import annotations

import pytest
from django.core import mail

from kyoso.core import selectors, services
from kyoso.core.errors import ConflictError, DomainError
from kyoso.core.models import AuditEvent, Consent, Membership, Notification
from tests.core.factories import DistrictFactory, UserFactory
from tests.errors import raises

pytestmark = pytest.mark.django_db


def test_sign_up_creates_a_citizen_of_the_city_and_audits_it(city):
    district = city.districts.first()
    user = services.user_sign_up(
        city=city,
        email=" Hana@Example.JP ",
        password="kawarago-beach-2026",
        district=district,
        birth_year=1950,
    )
    assert user.email == "hana@example.jp"
    assert user.check_password("kawarago-beach-2026")
    assert Membership.objects.get(user=user).role == "citizen"
    assert AuditEvent.objects.filter(action="account.sign_up", object_id=str(user.pk)).exists()


@pytest.mark.parametrize(
    ("email", "password", "field"),
    [("not-an-email", "kawarago-beach-2026", "email"), ("a@example.jp", "123", "password")],
)
def test_sign_up_rejects_bad_input_naming_the_field(city, email, password, field):
    with raises(DomainError, field=field) as excinfo:
        services.user_sign_up(city=city, email=email, password=password)
    assert excinfo.value.field == field


def test_sign_up_rejects_a_duplicate_email_and_a_district_of_another_city(city, other_city):
    services.user_sign_up(city=city, email="a@example.jp", password="kawarago-beach-2026")
    with pytest.raises(ConflictError):
        services.user_sign_up(city=city, email="A@example.jp", password="kawarago-beach-2026")
    with raises(DomainError, field="district") as excinfo:
        services.user_sign_up(
            city=city,
            email="b@example.jp",
            password="kawarago-beach-2026",
            district=other_city.districts.first(),
        )
    assert excinfo.value.field == "district"


def test_consent_is_checked_per_purpose_and_scope_and_revocation_is_immediate(city, citizen):
    assert not selectors.consent_is_active(
        city=city, user=citizen, purpose="health.share", scope="clinic:1"
    )
    services.consent_grant(city=city, user=citizen, purpose="health.share", scope="clinic:1")
    assert selectors.consent_is_active(
        city=city, user=citizen, purpose="health.share", scope="clinic:1"
    )
    assert not selectors.consent_is_active(
        city=city, user=citizen, purpose="health.share", scope="clinic:2"
    )
    assert (
        services.consent_revoke(city=city, user=citizen, purpose="health.share", scope="clinic:1")
        == 1
    )
    assert not selectors.consent_is_active(
        city=city, user=citizen, purpose="health.share", scope="clinic:1"
    )
    actions = list(AuditEvent.objects.filter(actor=citizen).values_list("action", flat=True))
    assert "consent.grant" in actions and "consent.revoke" in actions


def test_a_purpose_wide_consent_covers_every_scope_and_granting_twice_keeps_one(city, citizen):
    first = services.consent_grant(city=city, user=citizen, purpose="points.rewards")
    second = services.consent_grant(city=city, user=citizen, purpose="points.rewards")
    assert first.pk == second.pk
    assert selectors.consent_is_active(
        city=city, user=citizen, purpose="points.rewards", scope="rule:7"
    )
    assert Consent.objects.filter(user=citizen).count() == 1


def test_consent_in_one_city_does_not_count_in_another(city, other_city, citizen):
    services.consent_grant(city=city, user=citizen, purpose="points.rewards")
    assert not selectors.consent_is_active(city=other_city, user=citizen, purpose="points.rewards")


def test_staff_recording_consent_on_behalf_is_marked(city, citizen, staff):
    services.consent_grant(city=city, user=citizen, purpose="contact.phone", recorded_by=staff)
    event = AuditEvent.objects.get(action="consent.grant")
    assert event.actor == staff and event.on_behalf_of == citizen


def test_audit_records_cannot_be_changed_or_deleted(city, staff):
    event = services.audit_record(city=city, actor=staff, action="test.action", object_type="x")
    event.action = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")


def test_notice_is_emailed_at_once_only_for_people_who_asked(
    city, django_capture_on_commit_callbacks
):
    eager = UserFactory(email_mode="immediate")
    digest = UserFactory(email_mode="daily")
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_send(
            city=city, user=eager, kind="test", title="バスの時刻が変わります"
        )
        services.notification_send(
            city=city, user=digest, kind="test", title="提案に返答がありました"
        )
    assert [m.to for m in mail.outbox] == [[eager.email]]
    assert Notification.objects.get(user=eager).emailed_at is not None


def test_daily_digest_sends_one_mail_with_all_unsent_notices(city):
    from kyoso.core.tasks import send_digests_task

    person = UserFactory(email_mode="daily")
    for n in range(3):
        services.notification_send(city=city, user=person, kind="test", title=f"お知らせ {n}")
    send_digests_task.call()
    assert len(mail.outbox) == 1
    assert "お知らせ 2" in mail.outbox[0].body
    send_digests_task.call()  # nothing new, and not due again today
    assert len(mail.outbox) == 1


def test_api_tokens_authenticate_until_revoked(citizen):
    token, key = services.api_token_create(user=citizen, name="sensor")
    assert services.api_token_authenticate(key) == citizen
    assert services.api_token_authenticate(key + "x") is None
    services.api_token_revoke(user=citizen, token_id=token.pk)
    assert services.api_token_authenticate(key) is None


def test_membership_grant_is_idempotent_and_audited(city, staff):
    person = UserFactory()
    services.membership_grant(city=city, user=person, role="operator", actor=staff)
    services.membership_grant(city=city, user=person, role="operator", actor=staff)
    assert Membership.objects.filter(user=person, role="operator").count() == 1
    assert AuditEvent.objects.filter(action="membership.grant").count() == 1
    with raises(DomainError, field="role"):
        services.membership_grant(city=city, user=person, role="mayor", actor=staff)


def test_districts_are_scoped_by_city(city, other_city):
    DistrictFactory(city=city, code="same")
    DistrictFactory(city=other_city, code="same")
    assert set(selectors.districts_of(city).values_list("city", flat=True)) == {city.pk}


def test_a_platform_superuser_is_not_an_administrator_of_any_city(city, other_city):
    """Operating the platform gives no city role: a city admin is admin of that city only."""
    from kyoso.core.access import has_role, roles_of
    from kyoso.core.models import Role
    from tests.core.factories import MembershipFactory, UserFactory

    operator = UserFactory(is_superuser=True, is_staff=True)
    assert roles_of(operator, city) == frozenset()
    assert not has_role(operator, city, Role.STAFF)
    city_admin = MembershipFactory(city=city, role=Role.ADMIN).user
    assert has_role(city_admin, city, Role.STAFF)
    assert not has_role(city_admin, other_city, Role.STAFF, Role.CITIZEN)


def test_membership_organisation_must_belong_to_the_same_city(city, other_city, staff):
    from kyoso.core.errors import DomainError
    from kyoso.core.services import membership_grant, organisation_ensure
    from tests.core.factories import UserFactory

    foreign = organisation_ensure(city=other_city, code="c", name_ja="診療所", kind="clinic")
    with raises(DomainError, field="organisation") as caught:
        membership_grant(
            city=city, user=UserFactory(), role="clinic", actor=staff, organisation=foreign
        )
    assert caught.value.field == "organisation"
