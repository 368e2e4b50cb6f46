"""What evaluation adds to other apps' pages (registered in ``EvaluationConfig.ready()``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from kyoso.core.access import is_staff
from kyoso.core.models import City
from kyoso.evaluation import selectors
from kyoso.vision.models import Measure


def measure_section(request: HttpRequest, city: City, measure: Measure) -> str:
    """Cost-effectiveness, citizens' acceptance, verifications and decisions of a measure."""
    return render_to_string(
        "evaluation/_measure_section.html",
        {
            "city": city,
            "measure": measure,
            "verifications": selectors.verifications_of(city, measure=measure),
            "decisions": selectors.decisions_of(city, measure=measure),
            "cost_effectiveness": selectors.cost_effectiveness_of(measure),
            "acceptance": selectors.acceptance_of(measure),
            "is_staff": is_staff(request.user, city),
        },
        request=request,
    )
