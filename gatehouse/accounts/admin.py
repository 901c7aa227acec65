from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from gatehouse.accounts.models import ApiToken, Membership, Role
from gatehouse.accounts.services import api_token_issue, api_token_revoke
from gatehouse.admin_base import SiteScopedAdmin, admin_site_ids

User = get_user_model()

SUPERUSER_GRANTS = frozenset(
    {
        Role.PARK_COMMITTEE,
        Role.INDUSTRY_ASSOCIATION,
        Role.RESIDENTS_COMMITTEE,
        Role.OWNERS_COMMITTEE,
    }
)
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(BaseUserAdmin, ModelAdmin):
    """Accounts are managed by superusers (Django's own permissions apply)."""

    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin, ModelAdmin):
    pass


@admin.register(Membership)
class MembershipAdmin(SiteScopedAdmin):
    """Who holds which role at which site. A manager grants staff roles at their own sites."""

    list_display = ("user", "site", "role", "created_at")
    list_filter = ("site", "role")
    search_fields = ("user__username", "user__first_name", "user__last_name")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            # Users of the manager's own sites, or new accounts that belong to no site yet.
            ids = admin_site_ids(request)
            kwargs["queryset"] = User.objects.filter(
                Q(memberships__site__in=ids) | Q(memberships__isnull=True), is_superuser=False
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            # Committee and association roles are granted by a superuser only (the residents'
            # and owners' committees supervise the property company, so not by its staff).
            kwargs["choices"] = [(r.value, r.label) for r in Role if r not in SUPERUSER_GRANTS]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(ApiToken)
class ApiTokenAdmin(ModelAdmin):
    """Personal API tokens. Staff see and issue their own; the key is shown once, at issue."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username")
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("user", "name") if request.user.is_superuser else ("name",)
        return ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "user") if obj is not None else self.readonly_fields

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(user=request.user)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self._own(request, obj)

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_change_permission(self, request, obj=None):
        return self._own(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the record stays for the audit trail

    def _own(self, request, obj):
        if not (request.user.is_active and request.user.is_staff):
            return False
        return obj is None or request.user.is_superuser or obj.user_id == request.user.pk

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        user = obj.user if request.user.is_superuser and obj.user_id else request.user
        token, key = api_token_issue(user=user, name=obj.name, actor=request.user)
        # Hand the stored token back to the admin so its log entry and redirect point at it.
        obj.pk, obj.user = token.pk, user
        obj.prefix, obj.key_hash, obj.created_at = token.prefix, token.key_hash, token.created_at
        obj._state.adding = False
        self.message_user(
            request,
            _("新令牌（只显示这一次，请妥善保存）：%(key)s") % {"key": key},
            messages.WARNING,
        )

    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(token=token, actor=request.user)
        self.message_user(request, _("已吊销"), messages.SUCCESS)
