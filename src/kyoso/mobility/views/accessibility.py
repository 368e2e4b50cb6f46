"""The level-of-service page: by district, who lives near frequent transport, and how long the
trip to the main hospital takes. Open to everyone: it is the mobility theme's evidence."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from kyoso.core.http import CityRequest


def accessibility(request: CityRequest, city_slug: str) -> HttpResponse:
    # The network code loads NumPy and SciPy: only when this page is asked for.
    from kyoso.mobility.selectors.accessibility import CAP_MINUTES, accessibility_report

    report = accessibility_report(request.city)
    return render(
        request,
        "mobility/accessibility.html",
        {
            "report": report,
            "rules": report.rules,
            "per_day": round(
                report.rules.per_hour * (report.rules.window[1] - report.rules.window[0])
            ),
            "cap": int(CAP_MINUTES),
        },
    )
