from __future__ import annotations

import pytest

from kyoso.core.demo import load_demo
from kyoso.core.models import City, District, Membership, User
from kyoso.vision.models import Measure

pytestmark = pytest.mark.django_db


def test_demo_city_has_public_figures_districts_and_accounts():
    hitachi, takahagi = load_demo()
    assert hitachi.population == 166_000
    assert (
        str(hitachi.aged_65_plus_percent) == "34.6"
        and str(hitachi.secondary_industry_percent) == "37.3"
    )
    districts = District.objects.filter(city=hitachi)
    assert districts.count() == 23
    assert sum(d.population for d in districts) == 166_000
    assert {"十王", "河原子", "久慈"} <= set(districts.values_list("name_ja", flat=True))
    assert all(d.outline["type"] == "Polygon" for d in districts)
    roles = set(Membership.objects.filter(city=hitachi).values_list("role", flat=True))
    assert roles == {"citizen", "staff", "business", "clinic", "operator", "moderator", "admin"}
    assert (
        User.objects.get(email="staff@takahagi.example").memberships.get(role="staff").city
        == takahagi
    )
    # The city's administrator is admin of 日立市 only, never a platform superuser.
    admin = User.objects.get(email="admin@hitachi.example")
    assert not admin.is_superuser and not admin.is_staff
    assert not Membership.objects.filter(user=admin, city=takahagi).exists()
    # Organisations own what their accounts may change.
    clinic = Membership.objects.get(user__email="clinic@hitachi.example", role="clinic")
    assert clinic.organisation is not None and clinic.organisation.kind == "clinic"
    # Firms that adopted LED lighting joined the city's own measure for small firms (共創).
    from kyoso.green.models import AdoptedMeasure

    linked = AdoptedMeasure.objects.filter(city=hitachi, vision_measure_id__isnull=False)
    assert linked.exists()
    assert {m.vision_measure_id for m in linked} == set(
        Measure.objects.filter(city=hitachi, title_ja="中小企業のCO2見える化支援").values_list(
            "pk", flat=True
        )
    )


def test_demo_load_is_idempotent_and_deterministic():
    load_demo()
    first = list(District.objects.order_by("city__slug", "code").values_list("code", "population"))
    load_demo()
    assert City.objects.count() == 2
    load_demo(reset=True)
    again = list(District.objects.order_by("city__slug", "code").values_list("code", "population"))
    assert first == again
