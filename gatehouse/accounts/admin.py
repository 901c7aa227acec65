from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Q
from unfold.admin import ModelAdmin
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from gatehouse.accounts.models import Membership, Role
from gatehouse.admin_base import SiteScopedAdmin, admin_site_ids

User = get_user_model()
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
            # Committee and association roles are granted by a superuser only.
            kwargs["choices"] = [
                (r.value, r.label)
                for r in Role
                if r not in {Role.PARK_COMMITTEE, Role.INDUSTRY_ASSOCIATION}
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)
