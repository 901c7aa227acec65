"""Admin for the goods app: read-only. Slips, checks, anomalies and hand-offs change only through
the services (console pages), which apply the core's rules and audit every step."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gatehouse.admin_base import ScopedInline, SiteScopedAdmin
from gatehouse.goods.models import (
    DecorationFollowUp,
    GoodsAnomaly,
    GoodsEntry,
    GoodsRelease,
    GoodsSettings,
    ReleaseSlip,
    SlipHandoff,
    SlipItem,
)


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SlipItemInline(_ReadOnly, ScopedInline):
    model = SlipItem
    fields = ("position", "name", "quantity", "unit")
    readonly_fields = fields


class SlipHandoffInline(_ReadOnly, ScopedInline):
    model = SlipHandoff
    fields = ("stage", "at", "handed_by", "received_by", "recorded_by")
    readonly_fields = fields


@admin.register(ReleaseSlip)
class ReleaseSlipAdmin(_ReadOnly, SiteScopedAdmin):
    list_display = ("number", "applicant_name", "applicant_kind", "valid_on", "status", "site")
    list_filter = ("site", "status", "applicant_kind")
    search_fields = ("number", "applicant_name", "plate")
    date_hierarchy = "valid_on"
    readonly_fields = [f.name for f in ReleaseSlip._meta.fields if f.name != "token"]
    exclude = ("token",)
    inlines = [SlipItemInline, SlipHandoffInline]


@admin.register(GoodsRelease)
class GoodsReleaseAdmin(_ReadOnly, SiteScopedAdmin):
    list_display = ("at", "slip_number", "bearer_name", "outcome", "reason", "hold_state", "site")
    list_filter = ("site", "outcome", "hold_state")
    search_fields = ("slip_number", "bearer_name", "house_number", "plate")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in GoodsRelease._meta.fields]


@admin.register(GoodsEntry)
class GoodsEntryAdmin(_ReadOnly, SiteScopedAdmin):
    list_display = ("at", "kind", "carrier", "house_number", "outcome", "reason", "site")
    list_filter = ("site", "kind", "outcome")
    search_fields = ("carrier_name", "house_number")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in GoodsEntry._meta.fields]


@admin.register(GoodsAnomaly)
class GoodsAnomalyAdmin(_ReadOnly, SiteScopedAdmin):
    list_display = ("reported_at", "kind", "message", "escalated_to", "closed_at", "site")
    list_filter = ("site", "kind")
    readonly_fields = [f.name for f in GoodsAnomaly._meta.fields]


@admin.register(DecorationFollowUp)
class DecorationFollowUpAdmin(_ReadOnly, SiteScopedAdmin):
    list_display = ("opened_at", "house_number", "items", "closed_at", "result", "site")
    list_filter = ("site",)
    readonly_fields = [f.name for f in DecorationFollowUp._meta.fields]


@admin.register(GoodsSettings)
class GoodsSettingsAdmin(_ReadOnly, SiteScopedAdmin):
    list_display = ("site", "service_opens", "service_closes", "hand_on_hours", "updated_at")
    readonly_fields = [f.name for f in GoodsSettings._meta.fields]
