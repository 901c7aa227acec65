"""Notices in the admin: read and searched there; written from the console's board pages,
which validate and audit."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from gatehouse.admin_base import SiteScopedAdmin
from gatehouse.bulletin.models import Notice


@admin.register(Notice)
class NoticeAdmin(SiteScopedAdmin):
    list_display = ("title", "site", "category", "publish_from", "until", "pinned", "withdrawn_at")
    list_filter = ("site", "category", "pinned")
    search_fields = ("title",)
    readonly_fields = ("created_at", "updated_at", "withdrawn_at", "withdrawn_by", "author")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
