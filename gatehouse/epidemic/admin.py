"""Epidemic records in the admin: read and searched there; written from the console's pages,
which validate and audit."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from gatehouse.admin_base import SiteScopedAdmin
from gatehouse.epidemic.models import Grid, ReturneeCase


class _ReadOnly(SiteScopedAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Grid)
class GridAdmin(_ReadOnly):
    list_display = ("name", "site", "level", "parent", "officer")
    list_filter = ("site", "level")
    search_fields = ("name",)


@admin.register(ReturneeCase)
class ReturneeCaseAdmin(_ReadOnly):
    list_display = ("person", "site", "house", "arrived_on", "monitor_until", "closed_at")
    list_filter = ("site", "origin", "close_reason")
