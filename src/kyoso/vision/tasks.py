from django_tasks import task

from kyoso.core.errors import DomainError
from kyoso.core.models import City
from kyoso.core.services import system_actor
from kyoso.vision import services
from kyoso.vision.models import Kpi, KpiSource


@task()
def kpi_refresh_from_provider_task(city_id: int, kpi_id: int) -> int:
    city = City.objects.get(pk=city_id)
    kpi = Kpi.objects.get(pk=kpi_id, city=city)
    return services.kpi_refresh_from_provider(city=city, kpi=kpi, actor=system_actor())


@task()
def kpi_providers_refresh_task() -> int:
    """Refresh every KPI that follows a provider, in every city; return how many were refreshed.

    Enqueued daily by the worker (``kyoso.core.registry.SCHEDULED_TASKS``); a KPI whose provider
    fails is skipped so one broken series does not stop the others."""
    refreshed = 0
    for kpi in Kpi.objects.filter(source=KpiSource.PROVIDER).select_related("city"):
        try:
            services.kpi_refresh_from_provider(city=kpi.city, kpi=kpi, actor=system_actor())
        except DomainError:
            continue
        refreshed += 1
    return refreshed
