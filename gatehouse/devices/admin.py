from django.contrib import admin, messages
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gatehouse.admin_base import SiteScopedAdmin
from gatehouse.devices import services
from gatehouse.devices.models import Device, DeviceKind


@admin.register(Device)
class DeviceAdmin(SiteScopedAdmin):
    """Devices and their keys: a key is issued (or rotated) by an action and shown only once."""

    list_display = (
        "name",
        "site",
        "kind",
        "lane",
        "vendor",
        "key_prefix",
        "camera_token_prefix",
        "is_active",
        "last_seen_at",
    )
    list_filter = ("site", "kind")
    search_fields = ("name", "key_prefix")
    readonly_fields = (
        "key_prefix",
        "camera_token_prefix",
        "key_issued_at",
        "last_seen_at",
        "created_at",
    )
    actions = ["issue_key", "revoke"]

    @admin.display(boolean=True, description=_("有效"))
    def is_active(self, obj: Device) -> bool:
        return obj.is_active

    @admin.action(description=_("签发/轮换设备密钥（旧密钥立即失效）"))
    def issue_key(self, request, queryset):
        for device in queryset:
            key = services.device_issue_key(device=device, actor=request.user)
            self.message_user(
                request,
                _("设备“%(name)s”的新密钥（只显示这一次，请立即配置到设备）：%(key)s")
                % {"name": device.name, "key": key},
                messages.WARNING,
            )
            if device.kind == DeviceKind.PLATE_CAMERA:
                token = services.device_issue_camera_token(device=device, actor=request.user)
                path = reverse("api:camera_plate_push", kwargs={"token": token})
                self.message_user(
                    request,
                    _("车牌相机“%(name)s”的推送地址（只显示这一次，含令牌，无需再带密钥）：%(url)s")
                    % {"name": device.name, "url": request.build_absolute_uri(path)},
                    messages.WARNING,
                )

    @admin.action(description=_("吊销设备密钥"))
    def revoke(self, request, queryset):
        for device in queryset:
            services.device_revoke(device=device, actor=request.user)
        self.message_user(request, _("已吊销所选设备的密钥"), messages.SUCCESS)
