"""Background work of the mobility app: GTFS-RT polling and expiry of stale live data."""

from __future__ import annotations

from django_tasks import task

from kyoso.core.models import City
from kyoso.mobility import services


@task()
def realtime_poll_task(city_id: int, url: str) -> dict[str, int]:
    return services.realtime_poll(city=City.objects.get(pk=city_id), url=url)


@task()
def realtime_expire_task() -> int:
    return services.realtime_expire()
