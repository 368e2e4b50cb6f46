"""Ids of the demo city for evaluation's URL patterns (see ``kyoso.core.url_catalogue``)."""

from __future__ import annotations

from kyoso.core.models import City
from kyoso.core.url_catalogue import first_kwargs
from kyoso.evaluation.models import Verification
from kyoso.vision.models import Kpi, Measure


def demo_url_kwargs(city: City) -> dict[str, dict[str, object]]:
    verification = Verification.objects.filter(city=city)
    return {
        "evaluation:kpi": first_kwargs(Kpi.objects.filter(city=city), code="code"),
        "evaluation:verification": first_kwargs(verification, pk="pk"),
        "evaluation:verification_run": first_kwargs(verification, pk="pk"),
        "evaluation:decide": first_kwargs(Measure.objects.filter(city=city), pk="pk"),
        "api:get_verification": first_kwargs(verification, verification_id="pk"),
        "api:run_verification": first_kwargs(verification, verification_id="pk"),
    }
