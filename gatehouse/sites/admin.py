from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gatehouse.admin_base import ScopedInline, SiteScopedAdmin
from gatehouse.sites.models import (
    Building,
    Checkpoint,
    Garage,
    Gate,
    House,
    KeyLocation,
    Lane,
    ParkingSpace,
    Post,
    Site,
    Unit,
    Zone,
)


class ZoneInline(ScopedInline):
    model = Zone
    fields = ("code", "name", "industry_focus")


@admin.register(Site)
class SiteAdmin(SiteScopedAdmin):
    site_path = "pk"
    list_display = ("name", "code", "kind", "mode", "operator", "is_active")
    list_filter = ("kind", "mode", "is_active")
    search_fields = ("name", "code")
    inlines = [ZoneInline]

    def has_add_permission(self, request, *args):  # only superusers open new sites
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Zone)
class ZoneAdmin(SiteScopedAdmin):
    list_display = ("name", "site", "code", "industry_focus")
    list_filter = ("site",)
    search_fields = ("name", "industry_focus")


class LaneInline(ScopedInline):
    model = Lane
    fields = ("code", "name", "kind", "direction", "garage")


@admin.register(Gate)
class GateAdmin(SiteScopedAdmin):
    list_display = ("name", "site", "code", "zone", "open_when_tightened")
    list_filter = ("site", "open_when_tightened")
    search_fields = ("name", "code")
    inlines = [LaneInline]


@admin.register(Lane)
class LaneAdmin(SiteScopedAdmin):
    site_path = "gate__site"
    list_display = ("__str__", "code", "kind", "direction", "garage")
    list_filter = ("gate__site", "kind", "direction")
    search_fields = ("name", "code", "gate__name")


@admin.register(Garage)
class GarageAdmin(SiteScopedAdmin):
    list_display = ("name", "site", "code", "underground", "space_count")
    list_filter = ("site",)

    @admin.display(description=_("车位数"))
    def space_count(self, obj):
        return obj.spaces.count()


@admin.register(ParkingSpace)
class ParkingSpaceAdmin(SiteScopedAdmin):
    site_path = "garage__site"
    list_display = ("number", "garage", "kind")
    list_filter = ("garage__site", "garage", "kind")
    search_fields = ("number",)


class UnitInline(ScopedInline):
    model = Unit
    fields = ("code",)


@admin.register(Building)
class BuildingAdmin(SiteScopedAdmin):
    list_display = ("name", "site", "code", "zone")
    list_filter = ("site",)
    inlines = [UnitInline]


@admin.register(House)
class HouseAdmin(SiteScopedAdmin):
    list_display = ("number", "site", "unit", "area_m2")
    list_filter = ("site", "unit__building")
    search_fields = ("number",)
    list_select_related = ("unit__building",)


@admin.register(KeyLocation)
class KeyLocationAdmin(SiteScopedAdmin):
    list_display = ("name", "site", "kind", "zone")
    list_filter = ("site", "kind")


@admin.register(Checkpoint)
class CheckpointAdmin(SiteScopedAdmin):
    list_display = ("name", "site", "code", "key_location", "location")
    list_filter = ("site",)
    search_fields = ("name", "code")


@admin.register(Post)
class PostAdmin(SiteScopedAdmin):
    list_display = ("name", "site", "kind", "headcount", "staffed_from", "staffed_until")
    list_filter = ("site", "kind")
