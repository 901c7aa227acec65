"""Devices at the gates (turnstiles, card readers, plate cameras, face terminals) and their keys."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeviceKind(models.TextChoices):
    TURNSTILE = "turnstile", _("人行闸机")
    CARD_READER = "card_reader", _("读卡器")
    PLATE_CAMERA = "plate_camera", _("车牌识别相机")
    FACE_TERMINAL = "face_terminal", _("人脸识别终端")
    BARRIER = "barrier", _("道闸")
    CONSOLE = "console", _("岗亭终端")
    # An edge agent (``gatehouse_edge``) beside the devices of a gate: it fetches the site's
    # signed snapshot and uploads the decisions it took offline (``gatehouse.edge``).
    EDGE = "edge", _("边缘网关")


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
    # What identifies the device on its own protocol: a plate camera's ``serialno``, a
    # Hikvision terminal's serial number. A push naming another serial is refused.
    serial_no = models.CharField(_("设备序列号"), max_length=64, blank=True, db_index=True)
    # Where Gatehouse reaches a device that it drives (a terminal's ISAPI): base URL, user
    # name and the password, encrypted with the data keys (``gatehouse.privacy``).
    address = models.CharField(
        _("设备地址"), max_length=200, blank=True, help_text=_("如 http://192.168.1.64")
    )
    username = models.CharField(_("设备登录名"), max_length=64, blank=True)
    password_cipher = models.TextField(blank=True, editable=False)
    last_seen_at = models.DateTimeField(_("最近通信"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    # Not a column: the devices' registry version a device kept in memory was read at (None for
    # one read from the database now); the gate's write checks it (gatehouse.gate.reads).
    memory_version: int | None = None

    class Meta:
        verbose_name = _("设备")
        verbose_name_plural = _("设备")

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return bool(self.key_hash) and self.revoked_at is None


class DeviceRegistryVersion(models.Model):
    """One row: a number that PostgreSQL raises, by triggers, in the transaction of every change
    to what a device's authentication reads — a device (but for its ``last_seen_at``), a site, a
    gate or a lane. The gate's decision path keeps the devices it has looked up in memory
    (:mod:`gatehouse.gate.reads`) and writes a decision made with one only while the number is
    still the one the device was read with, so a revoked key, a deactivated site or a lane
    bound elsewhere is never decided on from the memory."""

    n = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("设备登记版本")
        verbose_name_plural = _("设备登记版本")

    def __str__(self) -> str:
        return str(self.n)


class CommandKind(models.TextChoices):
    """What a device is told to do. A sync command carries the whole wanted state of its subject
    (a person with the cards and face that go with them), so the last one queued wins."""

    PERSON_SYNC = "person.sync", _("下发人员")
    PERSON_DELETE = "person.delete", _("删除人员")
    DOOR_OPEN = "door.open", _("远程开门")
    BARRIER_LIFT = "barrier.lift", _("抬杆放行")
    SHOW_TEXT = "show.text", _("显示文字")
    PLAY_VOICE = "play.voice", _("播放语音")


class CommandState(models.TextChoices):
    QUEUED = "queued", _("待下发")
    DONE = "done", _("已送达")
    SUPERSEDED = "superseded", _("已被后续指令取代")
    EXPIRED = "expired", _("已过期未送达")
    FAILED = "failed", _("失败")


class DeviceCommand(models.Model):
    """One command in the outbox of device commands (``gatehouse.devices.outbox``).

    Commands of one device are delivered in the order they were queued. ``subject`` names what a
    command is about (``person:42``); queuing a command supersedes the queued ones of the same
    device and subject, so a stale command never undoes a later one. One-shot actions (open,
    lift, show) carry ``expires_at``: not delivered late, never repeated after an answer that
    may have been lost.
    """

    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="commands", verbose_name=_("设备")
    )
    kind = models.CharField(_("指令"), max_length=20, choices=CommandKind.choices)
    subject = models.CharField(_("对象"), max_length=64, blank=True)
    payload = models.JSONField(_("内容"), default=dict, blank=True)
    reason = models.CharField(_("原因"), max_length=120, blank=True)
    state = models.CharField(
        _("状态"), max_length=12, choices=CommandState.choices, default=CommandState.QUEUED
    )
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"))
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("排队时间"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发起人"),
    )

    class Meta:
        verbose_name = _("设备指令")
        verbose_name_plural = _("设备指令")
        indexes = [
            models.Index(fields=["device", "state", "id"], name="devcmd_device_state"),
            models.Index(fields=["state", "next_attempt_at"], name="devcmd_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=[c.value for c in CommandState]),
                name="devcmd_state_known",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=[c.value for c in CommandKind]),
                name="devcmd_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.device}"


class TerminalEntry(models.Model):
    """What Gatehouse last queued for one subject at one terminal it keeps in sync
    (:mod:`gatehouse.devices.sync`): a digest of the wanted state, so an unchanged subject is
    not sent again. The subject is a person (``person:42``) or a visitor's code: an invitation
    (``invitation:7``) or a pass (``pass:9``). A row means "the terminal should hold this
    subject"; none, that it should not. Reconciliation compares the terminal's own list, not
    these rows."""

    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="terminal_entries", verbose_name=_("设备")
    )
    subject = models.CharField(_("对象"), max_length=64)
    # The person of a ``person:`` subject (their entries go with them); none for a code.
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("人员"),
    )
    digest = models.CharField(max_length=64)
    queued_at = models.DateTimeField(_("下发时间"))

    class Meta:
        verbose_name = _("终端名单")
        verbose_name_plural = _("终端名单")
        constraints = [
            models.UniqueConstraint(fields=["device", "subject"], name="terminal_entry_subject")
        ]
        indexes = [models.Index(fields=["subject"], name="terminal_entry_by_subject")]

    def __str__(self) -> str:
        return f"{self.device} · {self.subject}"


class FaceEnrolment(models.Model):
    """A person's face picture for face terminals, kept only with their recorded consent (who
    recorded it, when); withdrawing the consent removes the picture and the face from every
    terminal. Without a live consent no face is ever sent."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="face", verbose_name=_("人员")
    )
    picture = models.BinaryField(_("人脸照片"), blank=True, editable=False)
    picture_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    consent_at = models.DateTimeField(_("同意采集时间"), null=True, blank=True)
    consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("记录人"),
    )
    withdrawn_at = models.DateTimeField(_("撤回同意时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("人脸采集")
        verbose_name_plural = _("人脸采集")

    def __str__(self) -> str:
        return str(self.person_id)

    @property
    def consented(self) -> bool:
        return self.consent_at is not None and self.withdrawn_at is None and bool(self.picture)
