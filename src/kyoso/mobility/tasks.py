"""Background work of the mobility app: GTFS-RT polling and expiry of stale live data."""

from __future__ import annotations

from datetime import date

from django_tasks import task

from kyoso.core.models import City
from kyoso.core.services import system_actor
from kyoso.mobility import services
from kyoso.mobility.models import DemandService


@task()
def realtime_poll_task(city_id: int, url: str) -> dict[str, int]:
    return services.realtime_poll(city=City.objects.get(pk=city_id), url=url)


@task()
def realtime_expire_task() -> int:
    return services.realtime_expire()


@task()
def demand_dispatch_task(service_id: int, day: str) -> int:
    """Re-optimise a demand-responsive service day with a longer search; return rides served."""
    service = DemandService.objects.select_related("city").get(pk=service_id)
    run = services.demand_dispatch(
        city=service.city, actor=system_actor(), service=service, day=date.fromisoformat(day)
    )
    return run.served
