"""Admin for the governance records: superusers only, audited. The industry association works
in the console (its role is not an admin role); a site's security manager or front desk, who
may use the admin for the site's master data, has no business with ratings and credit files."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gatehouse.admin_base import ScopedInline, SiteScopedAdmin
from gatehouse.governance.models import (
    Assessment,
    Campaign,
    Checklist,
    ChecklistItem,
    CreditRecord,
    OwnerArrears,
    PropertyCompany,
    PropertyProject,
    Tender,
    Warning,
)


class DistrictAdmin(SiteScopedAdmin):
    """Superusers only (still audited through the base class)."""

    site_path = "pk"

    def get_queryset(self, request: HttpRequest) -> Any:
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.none()

    def _allowed(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


class ChecklistItemInline(ScopedInline):
    model = ChecklistItem
    fields = ("position", "key", "title", "weight", "rule")


@admin.register(Checklist)
class ChecklistAdmin(DistrictAdmin):
    list_display = ("name", "overdue_deduction", "is_active", "created_at")
    inlines = [ChecklistItemInline]


@admin.register(PropertyCompany)
class PropertyCompanyAdmin(DistrictAdmin):
    list_display = ("name", "uscc", "qualification")
    search_fields = ("name", "uscc")


@admin.register(PropertyProject)
class PropertyProjectAdmin(DistrictAdmin):
    list_display = ("name", "site", "company", "since", "until")


@admin.register(Assessment)
class AssessmentAdmin(DistrictAdmin):
    list_display = ("project", "year", "total", "band", "finalised_at")
    readonly_fields = ("subtotal", "deduction", "total", "band", "stars", "message")


@admin.register(CreditRecord)
class CreditRecordAdmin(DistrictAdmin):
    list_display = ("company", "recorded_on", "reason")


@admin.register(OwnerArrears)
class OwnerArrearsAdmin(DistrictAdmin):
    list_display = ("owner_name", "site", "arrears_fen", "confirmed_by", "confirmed_on")


@admin.register(Tender)
class TenderAdmin(DistrictAdmin):
    list_display = ("site", "decided_on", "method", "winner", "code")
    readonly_fields = ("code", "message")


@admin.register(Campaign)
class CampaignAdmin(DistrictAdmin):
    list_display = ("title", "site", "starts_on", "ends_on")


@admin.register(Warning)
class WarningAdmin(DistrictAdmin):
    list_display = ("company", "start", "end", "reason")
