"""Admin for the park committee's records: scoped to the parks where the user is on the park
committee (not every admin role of the site), and audited. Writes with rules (applications,
workflow steps, decisions) go through the console pages and their services; the admin is for
looking up and correcting records."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gatehouse.accounts.models import Role
from gatehouse.accounts.selectors import site_ids_for
from gatehouse.admin_base import SiteScopedAdmin, _site_id_of
from gatehouse.admission.models import (
    ChangeNotice,
    CommitteeDecision,
    Contract,
    CorrectionOrder,
    LandAlert,
    ParkPolicy,
    ProgressReport,
    Project,
    ProjectDocument,
    ReportDuty,
    SitePlan,
    StatFiling,
    StepRecord,
    Stoppage,
    Suspension,
)


class CommitteeAdmin(SiteScopedAdmin):
    """Scoped to the sites where the user holds the park-committee role."""

    def _committee_sites(self, request: HttpRequest) -> set[int]:
        return site_ids_for(request.user, {Role.PARK_COMMITTEE})

    def get_queryset(self, request: HttpRequest) -> Any:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.site_path}__in": self._committee_sites(request)})

    def _allowed(self, request: HttpRequest, obj: Any = None) -> bool:
        if request.user.is_superuser:
            return True
        ids = self._committee_sites(request)
        if not ids:
            return False
        if obj is None or obj.pk is None:
            return True
        return _site_id_of(obj, self.site_path) in ids


@admin.register(ParkPolicy)
class ParkPolicyAdmin(CommitteeAdmin):
    list_display = ("site", "idle_fee_rate", "min_building_coverage", "updated_at")


@admin.register(Project)
class ProjectAdmin(CommitteeAdmin):
    list_display = ("name", "enterprise", "zone", "sector", "applied_on")
    list_filter = ("site", "zone")
    search_fields = ("name", "enterprise__name")
    readonly_fields = ("created_at", "created_by")


class _ByProject(CommitteeAdmin):
    site_path = "project__site"
    list_filter = ()


@admin.register(ProjectDocument)
class ProjectDocumentAdmin(_ByProject):
    list_display = ("project", "kind", "original_name", "uploaded_at")
    readonly_fields = ("uploaded_at", "uploaded_by")


@admin.register(CommitteeDecision)
class CommitteeDecisionAdmin(_ByProject):
    list_display = ("project", "rule", "finding_code", "approved", "decided_on")
    readonly_fields = ("recorded_at", "recorded_by")


@admin.register(StepRecord)
class StepRecordAdmin(_ByProject):
    list_display = ("project", "step", "done_on", "recorded_by")
    readonly_fields = ("recorded_at", "recorded_by")


@admin.register(Contract)
class ContractAdmin(_ByProject):
    list_display = ("project", "signed_on", "land_mu", "contracted_start")


@admin.register(ProgressReport)
class ProgressReportAdmin(_ByProject):
    list_display = ("project", "reported_on", "built_floor_area_m2", "invested_fen")


@admin.register(Suspension)
class SuspensionAdmin(_ByProject):
    list_display = ("project", "start", "end", "approved")


@admin.register(Stoppage)
class StoppageAdmin(_ByProject):
    list_display = ("project", "start", "end")


@admin.register(CorrectionOrder)
class CorrectionOrderAdmin(_ByProject):
    list_display = ("ref", "project", "issued_on", "deadline", "corrected_on")


@admin.register(SitePlan)
class SitePlanAdmin(_ByProject):
    list_display = ("project", "sector_code", "land_area_m2", "floor_area_m2")


@admin.register(LandAlert)
class LandAlertAdmin(CommitteeAdmin):
    list_display = ("day", "project", "rule", "code", "handled_at", "settled")
    list_filter = ("rule", "settled")
    readonly_fields = ("key", "rule", "code", "day", "message", "amount_fen", "raised_at")


class _ByEnterprise(CommitteeAdmin):
    site_path = "enterprise__site"


@admin.register(ReportDuty)
class ReportDutyAdmin(_ByEnterprise):
    list_display = ("enterprise", "period", "due_day", "since")


@admin.register(StatFiling)
class StatFilingAdmin(_ByEnterprise):
    list_display = ("enterprise", "period_start", "filed_on")


@admin.register(ChangeNotice)
class ChangeNoticeAdmin(_ByEnterprise):
    list_display = ("enterprise", "change", "decided_on", "notified_on", "written")
