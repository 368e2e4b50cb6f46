from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from kyoso.health.models import CareProvider, CareStaff, ClinicSchedule, ProviderKind, VisitMode

WEEKDAY_HOURS = {d: ["09:00-12:00", "14:00-17:00"] for d in ("mon", "tue", "thu", "fri")} | {
    "sat": ["09:00-12:00"]
}


class CareProviderFactory(DjangoModelFactory):
    class Meta:
        model = CareProvider

    code = factory.Sequence(lambda n: f"clinic-{n}")
    name_ja = factory.Sequence(lambda n: f"テストクリニック{n}")
    name_en = factory.Sequence(lambda n: f"Test Clinic {n}")
    kind = ProviderKind.CLINIC
    departments = ["内科"]


class CareStaffFactory(DjangoModelFactory):
    class Meta:
        model = CareStaff

    provider = factory.SubFactory(CareProviderFactory)
    city = factory.SelfAttribute("provider.city")
    profession = "doctor"
    department = "内科"


class ClinicScheduleFactory(DjangoModelFactory):
    class Meta:
        model = ClinicSchedule

    provider = factory.SubFactory(CareProviderFactory)
    city = factory.SelfAttribute("provider.city")
    department = "内科"
    practitioner = "医師 一郎"
    mode = VisitMode.IN_PERSON
    slot_minutes = 15
    hours = WEEKDAY_HOURS
