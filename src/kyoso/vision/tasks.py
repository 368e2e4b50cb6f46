from django_tasks import task

from kyoso.core.models import City
from kyoso.vision import services
from kyoso.vision.models import Kpi


@task()
def kpi_refresh_from_provider_task(city_id: int, kpi_id: int) -> int:
    city = City.objects.get(pk=city_id)
    kpi = Kpi.objects.get(pk=kpi_id, city=city)
    return services.kpi_refresh_from_provider(city=city, kpi=kpi)
