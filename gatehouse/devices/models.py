"""Devices at the gates (turnstiles, card readers, plate cameras, face terminals) and their keys."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeviceKind(models.TextChoices):
    TURNSTILE = "turnstile", _("人行闸机")
    CARD_READER = "card_reader", _("读卡器")
    PLATE_CAMERA = "plate_camera", _("车牌识别相机")
    FACE_TERMINAL = "face_terminal", _("人脸识别终端")
    BARRIER = "barrier", _("道闸")
    CONSOLE = "console", _("岗亭终端")


class Device(models.Model):
    """A device belongs to one site (and usually one lane); it authenticates with its own key.

    Only a SHA-256 of the key is stored; the key is shown once when issued in the admin.
    """

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="devices", verbose_name=_("场所")
    )
    lane = models.ForeignKey(
        "sites.Lane",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("车道/通道"),
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=DeviceKind.choices)
    vendor = models.CharField(_("厂商/协议"), max_length=40, blank=True, default="generic")
    key_prefix = models.CharField(_("密钥前缀"), max_length=12, blank=True, editable=False)
    key_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    key_issued_at = models.DateTimeField(_("密钥签发时间"), null=True, blank=True, editable=False)
    # A plate camera's push address token (``/api/v1/cameras/<token>/plate``): random, issued
    # with the key, stored like it as a SHA-256 with a short prefix to recognise it.
    camera_token_prefix = models.CharField(
        _("推送地址令牌前缀"), max_length=12, blank=True, editable=False
    )
    camera_token_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("最近通信"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("设备")
        verbose_name_plural = _("设备")

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return bool(self.key_hash) and self.revoked_at is None
