from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from kyoso.core.models import City, District, Membership, Organisation, User

PASSWORD = "correct horse battery staple"


class CityFactory(DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"city{n}")
    name_ja = factory.Sequence(lambda n: f"テスト市{n}")
    name_en = factory.Sequence(lambda n: f"Test City {n}")
    municipality_code = factory.Sequence(lambda n: f"{90000 + n:06d}")
    population = 166_000
    aged_65_plus_percent = Decimal("34.6")
    center_lat = 36.59
    center_lon = 140.65


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District

    city = factory.SubFactory(CityFactory)
    code = factory.Sequence(lambda n: f"d{n}")
    name_ja = factory.Sequence(lambda n: f"地区{n}")
    name_en = factory.Sequence(lambda n: f"District {n}")
    population = 7000
    center_lat = 36.59
    center_lon = 140.65
    outline = factory.LazyAttribute(
        lambda d: {
            "type": "Polygon",
            "coordinates": [
                [[140.6, 36.5], [140.7, 36.5], [140.7, 36.6], [140.6, 36.6], [140.6, 36.5]]
            ],
        }
    )


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.jp")
    display_name = factory.Sequence(lambda n: f"市民{n}")
    birth_year = 1960
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            obj.save()


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    city = factory.SubFactory(CityFactory)
    code = factory.Sequence(lambda n: f"org-{n}")
    name_ja = factory.Sequence(lambda n: f"テスト診療所{n}")
    kind = "clinic"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    city = factory.SubFactory(CityFactory)
    user = factory.SubFactory(UserFactory)
    role = "citizen"
