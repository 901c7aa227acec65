"""Admin for guard operations: the configuration (settings, routes and their checkpoints,
emergency plans and their chains, keys, staffing requirements) and read access to the registers.
Scoped to the user's sites and audited (``SiteScopedAdmin``). Writes with rules (scans, handovers,
anomalies, spot checks) go through the console pages and their services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gatehouse.admin_base import ScopedInline, SiteScopedAdmin
from gatehouse.guard.models import (
    Anomaly,
    EmergencyPlan,
    EmergencyStep,
    GuardSettings,
    Handover,
    Key,
    LeaderDuty,
    PatrolRoute,
    PatrolScan,
    Penalty,
    RouteStop,
    Shift,
    StaffingRequirement,
)


@admin.register(GuardSettings)
class GuardSettingsAdmin(SiteScopedAdmin):
    list_display = ("site", "early_minutes", "fine_fen")


class RouteStopInline(ScopedInline):
    model = RouteStop
    fields = ("order", "checkpoint")
    autocomplete_fields = ()

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "checkpoint" and not request.user.is_superuser:
            from gatehouse.admin_base import admin_site_ids
            from gatehouse.sites.models import Checkpoint

            kwargs["queryset"] = Checkpoint.objects.filter(site__in=admin_site_ids(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(PatrolRoute)
class PatrolRouteAdmin(SiteScopedAdmin):
    list_display = ("name", "site", "first_round", "rounds", "every_minutes", "is_active")
    inlines = [RouteStopInline]


class EmergencyStepInline(ScopedInline):
    model = EmergencyStep
    fields = ("order", "who", "phone", "minutes", "user")


@admin.register(EmergencyPlan)
class EmergencyPlanAdmin(SiteScopedAdmin):
    list_display = ("name", "site", "is_active")
    inlines = [EmergencyStepInline]


@admin.register(Key)
class KeyAdmin(SiteScopedAdmin):
    list_display = ("label", "door", "site", "is_active")


@admin.register(StaffingRequirement)
class StaffingRequirementAdmin(SiteScopedAdmin):
    list_display = ("post", "headcount", "from_hour", "to_hour", "weekdays", "on")


@admin.register(LeaderDuty)
class LeaderDutyAdmin(SiteScopedAdmin):
    list_display = ("leader_name", "start", "end", "site")


class ReadOnlyAdmin(SiteScopedAdmin):
    """Registers written by the services: looked up here, never edited."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Shift)
class ShiftAdmin(ReadOnlyAdmin):
    list_display = ("post", "guard", "start", "end")


@admin.register(Handover)
class HandoverAdmin(ReadOnlyAdmin):
    list_display = ("at", "outgoing", "incoming", "minutes_late")


@admin.register(PatrolScan)
class PatrolScanAdmin(ReadOnlyAdmin):
    list_display = ("at", "route", "checkpoint", "guard", "state")


@admin.register(Anomaly)
class AnomalyAdmin(ReadOnlyAdmin):
    list_display = ("reported_at", "kind", "place", "severity", "closed_at")


@admin.register(Penalty)
class PenaltyAdmin(ReadOnlyAdmin):
    list_display = ("at", "guard_name", "kind", "amount_fen")
