"""Staff upload the city's hourly weather file; PV estimates use it instead of clear sky."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils.translation import gettext as _

from kyoso.core.access import require_role
from kyoso.core.errors import DomainError
from kyoso.core.models import City, Role, User
from kyoso.core.services import audit_record
from kyoso.green.models import WeatherFile

MAX_BYTES = 5_000_000  # an EPW year is about 1.6 MB


@transaction.atomic
def weather_file_upload(
    *, actor: User, city: City, name: str, data: bytes, source: str
) -> WeatherFile:
    """Return the stored weather file after checking it holds a whole year of hours."""
    from kyoso.green.accounting.weather import WeatherFileError, read_weather

    require_role(actor, city, Role.STAFF)
    if not source.strip():
        raise DomainError(_("Say where the data comes from."), field="source")
    if len(data) > MAX_BYTES:
        raise DomainError(_("The file is larger than 5 MB."), field="file")
    try:
        frame, meta = read_weather(data)
    except WeatherFileError as exc:
        raise DomainError(
            _("The weather file cannot be used: %(reason)s") % {"reason": exc}, field="file"
        ) from exc
    wf = WeatherFile.objects.create(
        city=city,
        name=name[:200] or "weather",
        source=source.strip()[:300],
        kind=str(meta["kind"]),
        place=str(meta["place"])[:120],
        lat=meta["lat"] if isinstance(meta["lat"], float) else None,
        lon=meta["lon"] if isinstance(meta["lon"], float) else None,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        annual_ghi_kwh_m2=float(frame["ghi"].sum()) / 1000,
        uploaded_by=actor,
    )
    audit_record(
        city=city,
        actor=actor,
        action="green.weather.upload",
        obj=wf,
        details={"sha256": wf.sha256, "kind": wf.kind},
    )
    return wf
