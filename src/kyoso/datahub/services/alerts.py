"""Threshold alerts: staff are told once when a property's valid readings cross its alert level,
and again only after the readings have come back within it."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from kyoso.core.models import City, Membership, Role
from kyoso.core.services import audit_record, notification_send, system_actor
from kyoso.datahub.models import ObservedProperty


def _outside(prop: ObservedProperty, value: float) -> bool:
    if prop.alert_above is not None and value > prop.alert_above:
        return True
    return prop.alert_below is not None and value < prop.alert_below


def alerts_check(
    *, city: City, props: list[ObservedProperty], rows: list[tuple[int, datetime, float]]
) -> int:
    """Notify the city's staff of each property whose newest readings cross its level."""
    by_id = {p.pk: p for p in props if p.alert_above is not None or p.alert_below is not None}
    sent = 0
    for prop_id in {r[0] for r in rows if r[0] in by_id}:
        prop = by_id[prop_id]
        latest = max((r for r in rows if r[0] == prop_id), key=lambda r: r[1])
        outside = _outside(prop, latest[2])
        if outside == prop.alert_active:
            continue
        ObservedProperty.objects.filter(pk=prop.pk).update(alert_active=outside)
        prop.alert_active = outside
        if not outside:
            continue
        title = _("%(device)s: %(property)s is %(value)s %(unit)s") % {
            "device": prop.device.name,
            "property": prop.name,
            "value": f"{latest[2]:g}",
            "unit": prop.unit,
        }
        url = reverse("datahub:sensors", args=[city.slug])
        staff = Membership.objects.filter(city=city, role__in=[Role.STAFF, Role.ADMIN])
        for user in {m.user for m in staff.select_related("user")}:
            notification_send(city=city, user=user, kind="datahub.alert", title=title, url=url)
            sent += 1
        audit_record(
            city=city,
            actor=system_actor(),
            action="datahub.alert",
            obj=prop,
            details={"value": latest[2]},
        )
    return sent
