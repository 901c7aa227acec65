"""Repair orders in the admin: read and searched there; written from the console's pages, which
follow the order's steps and audit them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from gatehouse.admin_base import SiteScopedAdmin
from gatehouse.repairs.models import RepairOrder


@admin.register(RepairOrder)
class RepairOrderAdmin(SiteScopedAdmin):
    list_display = ("house", "site", "category", "state", "filed_at", "due_at", "finished_at")
    list_filter = ("site", "category", "state")
    search_fields = ("house__number", "description")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
