from django_tasks import task

from kyoso.core.errors import DomainError
from kyoso.core.models import City, User
from kyoso.core.services import system_actor
from kyoso.evaluation import services
from kyoso.evaluation.models import Verification


@task()
def verification_run_task(city_id: int, verification_id: int, actor_id: int | None) -> str:
    city = City.objects.get(pk=city_id)
    verification = Verification.objects.get(pk=verification_id, city=city)
    # Who asked for the run; a scheduled run with no person behind it runs as the system.
    actor = (User.objects.filter(pk=actor_id).first() if actor_id else None) or system_actor()
    try:
        services.verification_run(city=city, verification=verification, actor=actor)
    except DomainError as exc:
        # The failure is stored on the verification for the person to read.
        return f"failed: {exc.message}"
    return "done"
