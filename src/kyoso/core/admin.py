"""Platform operation: cities and their districts (each change audited); the audit log read-only.

People, roles, consents, notices, uploads and tokens are not here: see ``kyoso.core.admin_base``.
A city's first administrator is named with ``kyoso grant_role``; after that the city's
administrators grant roles on the city's own "people and roles" page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kyoso.core.admin_base import ReadOnlyAdmin
from kyoso.core.models import AuditEvent, City, District
from kyoso.core.services import audit_record


class _AuditedAdmin(admin.ModelAdmin):
    """Creating and changing a city's frame is platform work; each save leaves a record."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        city = obj if isinstance(obj, City) else obj.city
        audit_record(
            city=city,
            actor=request.user,  # type: ignore[arg-type]
            action=f"platform.{type(obj).__name__.lower()}_{'change' if change else 'create'}",
            obj=obj,
            details={"fields": sorted(form.changed_data)},
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a city's data hangs on these rows; removing a city is not a click


@admin.register(City)
class CityAdmin(_AuditedAdmin):
    list_display = ["name_ja", "name_en", "municipality_code", "population", "is_demo"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(District)
class DistrictAdmin(_AuditedAdmin):
    list_display = ["name_ja", "name_en", "city", "population"]
    list_filter = ["city"]
    search_fields = ["name_ja", "name_en", "code"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "city", "actor", "action", "object_type", "object_repr"]
    list_filter = ["city", "action"]


# Kyoso's permissions are per-city roles (memberships), not Django groups; an authenticator is
# set up only by its owner (an operator adding one would get past two-step sign-in).
for _model in (Group, TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
admin.site.site_header = "Kyoso"
