"""The demo city's health data: providers with schedules, a consented share read by a doctor
(and shown to the citizen), a care team, a booked visit, and people for the statistics."""

from __future__ import annotations

import pytest

from kyoso.core.demo import load_demo
from kyoso.core.errors import NotFoundError, PermissionDeniedError
from kyoso.core.models import User
from kyoso.health import services
from kyoso.health.models import (
    Appointment,
    CareProvider,
    ClinicSchedule,
    HealthEntry,
    HealthProfile,
    ShareGrant,
)

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_health_story_that_follows_the_consent_rules():
    hitachi, takahagi = load_demo()
    assert set(CareProvider.objects.filter(city=hitachi).values_list("code", flat=True)) == {
        "taga-kodomo-clinic",
        "hitachi-general-hospital",
        "hitachi-homecare",
    }
    assert not CareProvider.objects.filter(city=takahagi).exists()
    assert ClinicSchedule.objects.filter(city=hitachi, mode="online").exists()
    hana = User.objects.get(email="citizen@hitachi.example")
    assert ShareGrant.objects.filter(patient=hana, revoked_at__isnull=True).count() == 2
    assert Appointment.objects.filter(patient=hana, status="booked").count() == 1
    # The hospital doctor's read shows on her page, and the clinic sees nothing of hers.
    log = services.record_read(city=hitachi, actor=hana, patient=hana, items=["vitals"])
    assert len(log) > 30
    clinic = User.objects.get(email="clinic@hitachi.example")
    with pytest.raises((PermissionDeniedError, NotFoundError)):
        services.record_read(city=hitachi, actor=clinic, patient=hana, items=["vitals"])
    stats = services.private_statistic_run(
        city=hitachi, actor=User.objects.get(email="staff@hitachi.example"),
        statistic="population", epsilon=0.5,
    )  # fmt: skip
    assert stats.pk is not None
    # About 300 simulated citizens, a plausible share of them with hypertension or diabetes.
    assert 280 <= HealthProfile.objects.filter(city=hitachi).count() <= 320
    conditions = HealthEntry.objects.filter(city=hitachi, item="condition").count()
    assert 20 <= conditions <= 150
    assert HealthEntry.objects.filter(city=hitachi, item="checkup").count() > 50
