"""Admin of the green app: staff can see lists and rows; factor rows are read-only history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kyoso.core.admin_base import ReadOnlyAdmin
from kyoso.green.models import Company, Consortium, EmissionFactor, FactorList, Site


@admin.register(FactorList)
class FactorListAdmin(ReadOnlyAdmin):
    list_display = ("kind", "fiscal_year", "city", "rows", "imported_at")
    list_filter = ("kind", "fiscal_year", "city")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a published list never changes in place


@admin.register(EmissionFactor)
class EmissionFactorAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "menu", "basic", "adjusted", "unit", "fiscal_year")
    list_filter = ("kind", "fiscal_year")
    search_fields = ("code", "name", "menu")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Company)
class CompanyAdmin(ReadOnlyAdmin):
    list_display = ("name", "jsic", "city", "organisation", "is_demo")
    list_filter = ("jsic", "city", "is_demo")
    search_fields = ("name", "corporate_number")
    filter_horizontal = ("managers",)


@admin.register(Consortium)
class ConsortiumAdmin(ReadOnlyAdmin):
    list_display = ("name", "city", "theme")
    filter_horizontal = ("secretariat", "members")


admin.site.register(Site, ReadOnlyAdmin)
