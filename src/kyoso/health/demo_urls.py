"""Ids of the demo city for health's URL patterns (see ``kyoso.core.url_catalogue``).

The demo has no health records yet, so the patterns are filled with the demo citizen and with
ids of nothing: each page must still answer (a 403 or 404), never a 5xx.
"""

from __future__ import annotations

from kyoso.core.models import City, User
from kyoso.health.views.fhir import RECORD_TYPES

NOTHING = "00000000-0000-4000-8000-000000000000"


def demo_url_kwargs(city: City) -> dict[str, dict[str, object]]:
    citizen = User.objects.filter(email="citizen@hitachi.example").first()
    patient: dict[str, object] = {"patient_id": citizen.pk if citizen else 0}
    return {
        "health:patient": patient,
        "health:timeline": patient,
        "health:share_revoke": {"grant_id": 0},
        "health:schedule": {"schedule_id": NOTHING},
        "health:cancel": {"appointment_id": NOTHING},
        "health:visit": {"appointment_id": NOTHING},
        "health:visit_signals": {"appointment_id": NOTHING},
        "health_fhir:patient_read": patient,
        "health_fhir:consent_read": {"fhir_id": NOTHING},
        **{f"health_fhir:{t.lower()}_read": {"fhir_id": NOTHING} for t in RECORD_TYPES},
    }
