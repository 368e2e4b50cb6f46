"""Ids of the demo city for green's URL patterns (see ``kyoso.core.url_catalogue``)."""

from __future__ import annotations

from kyoso.core.models import City
from kyoso.core.url_catalogue import first_kwargs
from kyoso.green.models import AdoptedMeasure, Company, ConsortiumInvitation


def demo_url_kwargs(city: City) -> dict[str, dict[str, object]]:
    company = first_kwargs(Company.objects.filter(city=city, name="助川精機株式会社"), pk="pk")
    names = ["company", "sites", "activity", "plan", "report", "export"]
    apis = ["site_create", "activity_create", "activity_csv", "activities", "inventory", "plan"]
    measure = (
        AdoptedMeasure.objects.filter(company__pk=int(str(company.get("pk", 0))))
        .order_by("pk")
        .first()
    )
    invitation = ConsortiumInvitation.objects.filter(city=city).order_by("pk").first()
    return {
        "api:measures": company,
        "api:invitations": company,
        "api:measure_link": {**company, "measure_id": measure.pk if measure else 0},
        "api:invitation_answer": {
            "pk": invitation.company_id if invitation else company.get("pk", 0),
            "invitation_id": invitation.pk if invitation else 0,
        },
        **{f"green:{n}": company for n in names},
        **{f"api:{n}": company for n in apis},
    }
