"""Admin for the plate cameras' captures: read-only evidence for fee disputes (the plate as the
camera read it, its colour and type, the fake-plate flag and the snapshot pictures until they are
purged). Written only by the camera push (``gatehouse.vehicles.cameras``)."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from gatehouse.admin_base import SiteScopedAdmin
from gatehouse.vehicles.models import PlateCapture


def _image(data: Any) -> str:
    raw = bytes(data or b"")
    if not raw:
        return "—"
    encoded = base64.b64encode(raw).decode("ascii")
    return format_html('<img src="data:image/jpeg;base64,{}" style="max-width:640px">', encoded)


@admin.register(PlateCapture)
class PlateCaptureAdmin(SiteScopedAdmin):
    list_display = (
        "license",
        "colour",
        "plate_type_label",
        "fake",
        "seen_at",
        "received_at",
        "offline",
        "late",
        "device",
    )
    list_filter = ("site", "colour", "fake", "offline", "late")
    search_fields = ("license", "camera_serial")
    date_hierarchy = "received_at"
    exclude = ("picture", "picture_small")
    readonly_fields = [
        *(f.name for f in PlateCapture._meta.fields if f.name not in {"picture", "picture_small"}),
        "picture_view",
        "picture_small_view",
    ]

    @admin.display(description=_("抓拍大图"))
    def picture_view(self, obj: PlateCapture) -> str:
        return _image(obj.picture)

    @admin.display(description=_("车牌小图"))
    def picture_small_view(self, obj: PlateCapture) -> str:
        return _image(obj.picture_small)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
