"""Admin for the parking app: read-only. Money moves and passes/leases change only through the
services (console pages), which post to the append-only ledger and audit every step."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gatehouse.admin_base import ScopedInline, SiteScopedAdmin
from gatehouse.parking.models import (
    LedgerEntry,
    LedgerTransaction,
    SpaceLease,
    TariffPlan,
    VehiclePass,
)


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LedgerEntryInline(_ReadOnly, ScopedInline):
    model = LedgerEntry
    fields = ("account", "side", "amount_fen", "kind", "memo")
    readonly_fields = fields


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(_ReadOnly, SiteScopedAdmin):
    list_display = ("at", "memo", "ref", "site", "created_by")
    list_filter = ("site",)
    search_fields = ("memo", "ref")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in LedgerTransaction._meta.fields]
    inlines = [LedgerEntryInline]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(_ReadOnly, SiteScopedAdmin):
    site_path = "transaction__site"
    list_display = ("transaction", "account", "side", "amount_fen", "kind")
    list_filter = ("kind", "side")
    search_fields = ("account", "memo")
    readonly_fields = [f.name for f in LedgerEntry._meta.fields]


@admin.register(TariffPlan)
class TariffPlanAdmin(_ReadOnly, SiteScopedAdmin):
    list_display = ("site", "garage", "effective_from", "created_by", "note")
    list_filter = ("site",)
    readonly_fields = [f.name for f in TariffPlan._meta.fields]


@admin.register(VehiclePass)
class VehiclePassAdmin(_ReadOnly, SiteScopedAdmin):
    list_display = ("number", "plate", "holder", "space", "kind", "status", "valid_until")
    list_filter = ("site", "status", "kind")
    search_fields = ("number", "plate", "holder__name")
    readonly_fields = [f.name for f in VehiclePass._meta.fields]


@admin.register(SpaceLease)
class SpaceLeaseAdmin(_ReadOnly, SiteScopedAdmin):
    list_display = ("space", "holder", "start", "end", "status", "renewal_due")
    list_filter = ("site", "status")
    search_fields = ("holder__name", "house_ref", "space__number")
    readonly_fields = [f.name for f in SpaceLease._meta.fields]
