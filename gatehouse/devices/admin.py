import json

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gatehouse.admin_base import SiteScopedAdmin
from gatehouse.devices import services
from gatehouse.devices.models import Device, DeviceCommand, DeviceKind
from gatehouse.devices.selectors import DOOR_KINDS


class DeviceForm(forms.ModelForm):
    """The device, with the password Gatehouse signs in to it with: write-only (left empty, the
    stored one is kept), stored encrypted."""

    password = forms.CharField(
        label=_("设备登录密码"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("留空则保留原密码；加密保存"),
    )

    class Meta:
        model = Device
        fields = ("site", "lane", "name", "kind", "vendor", "serial_no", "address", "username")


@admin.register(Device)
class DeviceAdmin(SiteScopedAdmin):
    """Devices and their keys: a key is issued (or rotated) by an action and shown only once."""

    form = DeviceForm

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
    search_fields = ("name", "key_prefix", "serial_no")
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
            elif device.kind in DOOR_KINDS:
                # A terminal's event push (ISAPI HTTP listening): the same push address token.
                token = services.device_issue_camera_token(device=device, actor=request.user)
                path = reverse("api:terminal_event_push", kwargs={"token": token})
                self.message_user(
                    request,
                    _("终端“%(name)s”的事件推送地址（填入终端“HTTP 监听”，只显示这一次）：%(url)s")
                    % {"name": device.name, "url": request.build_absolute_uri(path)},
                    messages.WARNING,
                )

    @admin.action(description=_("吊销设备密钥"))
    def revoke(self, request, queryset):
        for device in queryset:
            services.device_revoke(device=device, actor=request.user)
        self.message_user(request, _("已吊销所选设备的密钥"), messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        password = form.cleaned_data.get("password") or None
        if password is not None:
            services.device_set_login(
                device=obj,
                actor=request.user,
                address=obj.address,
                username=obj.username,
                password=password,
            )


@admin.register(DeviceCommand)
class DeviceCommandAdmin(SiteScopedAdmin):
    """The outbox of device commands, read-only: what was queued, for whom, how it went."""

    site_path = "device__site"
    list_display = (
        "id",
        "device",
        "kind",
        "subject",
        "state",
        "attempts",
        "created_at",
        "done_at",
        "last_error",
    )
    list_filter = ("state", "kind")
    search_fields = ("subject", "device__name")
    # The payload is shown without a face picture (personal data, kept only for the terminal).
    readonly_fields = [f.name for f in DeviceCommand._meta.fields if f.name != "payload"] + [
        "payload_shown"
    ]
    exclude = ("payload",)

    @admin.display(description=_("内容"))
    def payload_shown(self, obj: DeviceCommand) -> str:
        data = dict(obj.payload or {})
        if data.get("face"):
            data["face"] = str(_("（人脸照片，不显示）"))
        return json.dumps(data, ensure_ascii=False)

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False
