"""Base classes for the admin: every model admin is scoped to the user's sites and audited.

A staff user with an admin role (security manager, front desk, park committee) at a site sees and
edits that site's records only; a record of another site is simply not in their querysets, so
its change page answers "not found". Every add, change and delete writes an audit entry in the
admin's own transaction.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin import RelatedOnlyFieldListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest
from unfold.admin import ModelAdmin, TabularInline

from gatehouse.accounts.selectors import ADMIN_ROLES, site_ids_for
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.sites.models import Site


def admin_site_ids(request: HttpRequest) -> set[int]:
    cached = getattr(request, "_gatehouse_admin_sites", None)
    if cached is None:
        cached = site_ids_for(request.user, ADMIN_ROLES)
        request._gatehouse_admin_sites = cached  # type: ignore[attr-defined]
    return cached


def site_path_of(model: type[models.Model]) -> str | None:
    """The lookup from ``model`` to its Site: every record of ours hangs off one."""
    if model is Site:
        return "pk"
    names = {f.name for f in model._meta.fields}
    if "site" in names:
        return "site"
    for parent in ("building", "gate", "garage", "unit", "person", "device"):
        if parent in names:
            parent_model = model._meta.get_field(parent).related_model
            inner = site_path_of(parent_model)  # type: ignore[arg-type]
            if inner is not None:
                return f"{parent}__{inner}".removesuffix("__pk")
    return None


def _site_id_of(obj: models.Model, path: str) -> int | None:
    value: Any = obj
    for part in path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value.pk if isinstance(value, models.Model) else value


class SiteScopedAdmin(ModelAdmin):
    """``site_path`` is the lookup from the model to its Site, e.g. ``"gate__site"``."""

    site_path = "site"
    list_per_page = 50
    ordering = ("-pk",)  # newest first, and a stable order for pagination

    # -- visibility -------------------------------------------------------------------------
    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.site_path}__in": admin_site_ids(request)})

    def get_list_filter(self, request: HttpRequest) -> Any:
        """Relational filters offer only values found in the user's own rows, so a filter never
        lists another site (or its gates, zones, people)."""
        scoped: list[Any] = []
        for item in super().get_list_filter(request):
            if isinstance(item, str):
                field = get_fields_from_path(self.model, item)[-1]
                if field.is_relation:
                    item = (item, RelatedOnlyFieldListFilter)
            scoped.append(item)
        return scoped

    def _allowed(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        if request.user.is_superuser:
            return True
        ids = admin_site_ids(request)
        if not ids:
            return False
        if obj is None or obj.pk is None:
            return True
        return _site_id_of(obj, self.site_path) in ids

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if not request.user.is_superuser:
            ids = admin_site_ids(request)
            related = db_field.related_model
            path = site_path_of(related) if related is not None else None
            if path is not None:
                kwargs["queryset"] = related._default_manager.filter(**{f"{path}__in": ids})
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # -- writes -----------------------------------------------------------------------------
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        site_id = _site_id_of(obj, self.site_path)
        if not request.user.is_superuser and site_id not in admin_site_ids(request):
            raise PermissionDenied
        before = snapshot(type(obj)._default_manager.get(pk=obj.pk)) if change else None
        with transaction.atomic():
            self.write_model(request, obj, form, change)
            action = "admin.change" if change else "admin.add"
            audit_record(
                action=f"{obj._meta.model_name}.{action}",
                obj=obj,
                actor=request.user,
                before=before,
                after=snapshot(obj),
            )

    def write_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """The write itself; subclasses that seal data or normalise numbers override this."""
        obj.save()

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            self.delete_model(request, obj)
        for obj in instances:
            before = snapshot(type(obj)._default_manager.get(pk=obj.pk)) if obj.pk else None
            obj.save()
            audit_record(
                action=f"{obj._meta.model_name}.admin.{'change' if before else 'add'}",
                obj=obj,
                actor=request.user,
                before=before,
                after=snapshot(obj),
            )
        formset.save_m2m()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            before = snapshot(obj)
            audit_record(
                action=f"{obj._meta.model_name}.admin.delete",
                obj=obj,
                actor=request.user,
                before=before,
            )
            obj.delete()

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


class ScopedInline(TabularInline):
    """Inlines live inside a scoped parent admin, so they inherit its visibility."""

    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser or admin_site_ids(request))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser or admin_site_ids(request))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser or admin_site_ids(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser or admin_site_ids(request))
