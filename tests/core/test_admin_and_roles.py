"""Django admin is no side door; roles are given by the city's administrators, on the record."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client, RequestFactory

from kyoso.core.errors import PermissionDeniedError
from kyoso.core.models import AuditEvent, City, District, Membership, User
from kyoso.core.services import SYSTEM_ACTOR_EMAIL, membership_grant, membership_revoke
from tests.core.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PLATFORM_EDITABLE = {City, District}


def test_admin_changes_no_domain_row_and_shows_no_personal_data(db):
    operator = UserFactory(is_superuser=True, is_staff=True)
    request = RequestFactory().get("/admin/")
    request.user = operator
    registered = admin.site._registry
    assert User not in registered and Membership not in registered
    for model, model_admin in registered.items():
        if model in PLATFORM_EDITABLE:
            assert not model_admin.has_delete_permission(request)
            continue
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
        for inline in model_admin.get_inline_instances(request):
            assert not inline.has_change_permission(request), (model, inline)


def test_a_city_made_in_the_admin_is_on_the_record(db):
    operator = UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(operator)
    response = client.post(
        "/admin/core/city/add/",
        {
            "slug": "mito",
            "name_ja": "水戸市",
            "name_en": "Mito City",
            "municipality_code": "082015",
            "population": "270000",
            "center_lat": "36.37",
            "center_lon": "140.47",
            "map_zoom": "12",
            "time_zone": "Asia/Tokyo",
            "area_km2": "217.32",
            "rules": "{}",
        },
    )
    city = City.objects.filter(slug="mito").first()
    assert city is not None, response.context["adminform"].form.errors
    event = AuditEvent.objects.get(action="platform.city_create")
    assert event.actor == operator and event.city == city
    assert client.get(f"/admin/core/city/{city.pk}/delete/").status_code == 403


def test_staff_give_only_roles_that_see_no_ones_data_and_admins_give_any(city):
    staff = MembershipFactory(city=city, role="staff").user
    city_admin = MembershipFactory(city=city, role="admin").user
    person = MembershipFactory(city=city, role="citizen").user
    membership_grant(city=city, user=person, role="operator", actor=staff)
    with pytest.raises(PermissionDeniedError):
        membership_grant(city=city, user=person, role="clinic", actor=staff)
    with pytest.raises(PermissionDeniedError):
        membership_grant(city=city, user=person, role="staff", actor=None)
    membership_grant(city=city, user=person, role="clinic", actor=city_admin)
    with pytest.raises(PermissionDeniedError):
        membership_revoke(city=city, user=person, role="clinic", actor=staff)
    membership_revoke(city=city, user=person, role="clinic", actor=city_admin)
    grants = AuditEvent.objects.filter(action__startswith="membership.").order_by("pk")
    assert [(e.action, e.actor) for e in grants] == [
        ("membership.grant", staff),
        ("membership.grant", city_admin),
        ("membership.revoke", city_admin),
    ]


def test_another_citys_admin_gives_nothing_here(city, other_city):
    foreign_admin = MembershipFactory(city=other_city, role="admin").user
    person = MembershipFactory(city=city, role="citizen").user
    with pytest.raises(PermissionDeniedError):
        membership_grant(city=city, user=person, role="staff", actor=foreign_admin)


def test_the_roles_page_gives_and_takes_roles_by_e_mail(city):
    city_admin = MembershipFactory(city=city, role="admin").user
    person = MembershipFactory(city=city, role="citizen").user
    outsider = UserFactory()
    client = Client()
    client.force_login(city_admin)
    page = f"/{city.slug}/staff/members/"
    client.post(page, {"action": "grant", "email": person.email.upper(), "role": "moderator"})
    assert Membership.objects.filter(user=person, role="moderator").exists()
    client.post(page, {"action": "grant", "email": outsider.email, "role": "staff"})
    assert not Membership.objects.filter(user=outsider).exists()  # not registered here
    client.post(page, {"action": "revoke", "email": person.email, "role": "moderator"})
    assert not Membership.objects.filter(user=person, role="moderator").exists()
    # The new moderator must now use two-step sign-in (see test_second_step.py).


def test_grant_role_command_names_the_system_as_actor(city):
    person = UserFactory()
    MembershipFactory(city=city, user=person, role="citizen")
    call_command("grant_role", city.slug, person.email, "admin")
    assert Membership.objects.filter(user=person, role="admin", city=city).exists()
    event = AuditEvent.objects.get(action="membership.grant")
    assert event.actor.email == SYSTEM_ACTOR_EMAIL and not event.actor.is_active
    assert not Client().login(username=SYSTEM_ACTOR_EMAIL, password="")


def test_no_actor_is_never_a_way_past_the_check(city):
    """Services that once skipped their check for actor=None refuse it; the system is named."""
    from kyoso.commons.services.budgeting import pb_round_tally
    from kyoso.core.services import system_actor
    from kyoso.datahub.services.devices import device_register
    from kyoso.evaluation.services import verification_run
    from kyoso.vision.services import theme_create

    with pytest.raises(PermissionDeniedError):
        theme_create(city=city, actor=None, code="green", name_ja="緑")  # type: ignore[arg-type]
    with pytest.raises(PermissionDeniedError):
        device_register(city=city, actor=None, key="air-1", name="大気", properties=[])  # type: ignore[arg-type]
    with pytest.raises(PermissionDeniedError):
        verification_run(city=city, verification=None, actor=None)  # type: ignore[arg-type]
    with pytest.raises(PermissionDeniedError):
        pb_round_tally(city=city, actor=None, pb=None)  # type: ignore[arg-type]
    theme = theme_create(city=city, actor=system_actor(), code="green", name_ja="緑")
    event = AuditEvent.objects.get(action="vision.theme.create", object_id=str(theme.pk))
    assert event.actor is not None and event.actor.email == SYSTEM_ACTOR_EMAIL
