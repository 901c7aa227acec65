"""The sites' repeat thresholds for parking violations in the admin (T7 第十四条); the
violations themselves are written from the console's pages, which validate and audit."""

from __future__ import annotations

from django.contrib import admin

from gatehouse.admin_base import SiteScopedAdmin
from gatehouse.traffic.models import TrafficSettings


@admin.register(TrafficSettings)
class TrafficSettingsAdmin(SiteScopedAdmin):
    list_display = ("site", "window_days", "employer_at", "police_at")
