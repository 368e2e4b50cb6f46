"""Django admin is for operating the platform, never a side door around the services.

Domain rows are shown read-only: every change to them goes through a service, which checks who
may make it and leaves an audit record. Rows holding people's personal data (accounts, roles,
consents, notices, uploads, tokens) are not in the admin at all; a city reaches them through
its own pages, where each read is recorded for the person concerned.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class _NoWrites:
    """Grants no add, change or delete, whatever Django's permissions say."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(_NoWrites, admin.ModelAdmin):
    """Lists and shows rows; adds, changes and deletes nothing."""


class ReadOnlyInline(_NoWrites, admin.TabularInline):
    extra = 0
