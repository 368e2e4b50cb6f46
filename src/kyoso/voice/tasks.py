"""Background work of voice: the debounced opinion-map recomputation and workshop summaries."""

from __future__ import annotations

from django_tasks import task

from kyoso.core.models import City
from kyoso.voice import services
from kyoso.voice.models import Workshop


@task()
def conversation_map_task(conversation_id: int) -> bool:
    """Recompute a conversation's opinion map; returns False when it was fresh or too small."""
    return services.conversation_map_compute(conversation_id=conversation_id) is not None


@task()
def workshop_summary_task(workshop_id: int) -> bool:
    """Group a workshop's ideas into themes; returns False if the workshop is gone."""
    workshop = Workshop.objects.filter(pk=workshop_id).first()
    if workshop is None:
        return False
    city = City.objects.get(pk=workshop.city_id)
    services.workshop_summarize(city=city, workshop=workshop)
    return True
