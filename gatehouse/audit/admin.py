from django.contrib import admin

from gatehouse.admin_base import SiteScopedAdmin
from gatehouse.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(SiteScopedAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ("at", "action", "object_repr", "actor", "actor_device", "site")
    list_filter = ("site", "action")
    search_fields = ("action", "object_repr", "object_id", "actor__username")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
