"""Gate decisions as records: the append-only event log, device nonces, presence, mode changes
and the mid-shift exit register (SPEC §2, §8, §12)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gatehouse.core.access import Direction, Entrant, Outcome, Pending
from gatehouse.core.vehicle import VehicleKind

# The ``entrant`` of a vehicle's event; what kind of vehicle is in ``vehicle_kind``.
VEHICLE_ENTRANT = "vehicle"
VEHICLE_KIND_CHOICES = [
    (VehicleKind.RESIDENT.value, _("业主/住户车辆")),
    (VehicleKind.MONTHLY.value, _("月租车")),
    (VehicleKind.TEMPORARY.value, _("临时车")),
    (VehicleKind.DELIVERY.value, _("送货/装修/搬家车辆")),
    (VehicleKind.STAFF.value, _("员工车辆")),
    (VehicleKind.EMERGENCY.value, _("执行任务/公务车辆")),
    (VehicleKind.TAXI.value, _("出租车")),
    (VehicleKind.VISITOR.value, _("来访车辆")),
    (VehicleKind.OTHER.value, _("其他车辆")),
]

OUTCOME_CHOICES = [
    (Outcome.ALLOW.value, _("放行")),
    (Outcome.REFUSE.value, _("拒绝")),
    (Outcome.PENDING.value, _("待确认")),
]
PENDING_CHOICES = [
    (Pending.VERIFY.value, _("核实身份")),
    (Pending.HOST_CONSENT.value, _("被访人同意")),
    (Pending.APPROVAL.value, _("主管批准")),
]
DIRECTION_CHOICES = [(Direction.IN.value, _("入")), (Direction.OUT.value, _("出"))]
ENTRANT_CHOICES = [
    (Entrant.CREDENTIAL.value, _("刷卡/凭证")),
    (Entrant.FORGOTTEN_CARD.value, _("忘带卡")),
    (Entrant.RELATIVE.value, _("亲友")),
    (Entrant.VISITOR.value, _("来客")),
    (Entrant.INVITED.value, _("预约访客")),
    (Entrant.TOUR.value, _("参观来访")),
    (Entrant.ELDERLY.value, _("老人")),
    (Entrant.SALESPERSON.value, _("推销人员")),
    (Entrant.DECORATION_WORKER.value, _("装修工人")),
    (Entrant.ONE_TIME_WORKER.value, _("临时工人")),
    (Entrant.STAFF_NO_BADGE.value, _("员工未带工牌")),
    (Entrant.STAFF_MIDSHIFT.value, _("员工中途外出")),
    (Entrant.TEMPORARY_PASS.value, _("临时出入证")),
    (Entrant.PARENT.value, _("家长")),
]
# The event log holds people and vehicles: a vehicle's event may wait for the fee (V-07).
EVENT_ENTRANT_CHOICES = [*ENTRANT_CHOICES, (VEHICLE_ENTRANT, _("车辆"))]
EVENT_PENDING_CHOICES = [*PENDING_CHOICES, (Pending.PAYMENT.value, _("缴费"))]


class EventSource(models.TextChoices):
    DEVICE = "device", _("设备")
    CONSOLE = "console", _("岗亭")
    SYSTEM = "system", _("系统")


class AccessEvent(models.Model):
    """One gate decision, allowed, refused or pending. Append-only: database triggers refuse
    updates and deletes (see the migrations), the admin is read-only. Each event is sealed into
    its site's hash chain (``seq``, ``chain_hash``; :mod:`gatehouse.gate.chain`)."""

    # The foreign keys to the site, the lane and the person are indexed with the time
    # (event_site_at_idx, event_lane_at_idx, event_person_at_idx), which serve a day's events of
    # each and the PROTECT checks alike; an index of the key alone would be one more to write
    # with every decision (issue 18 §5).
    site = models.ForeignKey(
        "sites.Site",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("场所"),
        db_index=False,
    )
    lane = models.ForeignKey(
        "sites.Lane",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("通道"),
        db_index=False,
    )
    at = models.DateTimeField(_("通行时间"))
    recorded_at = models.DateTimeField(_("记录时间"))
    source = models.CharField(_("来源"), max_length=10, choices=EventSource.choices)
    device = models.ForeignKey(
        "devices.Device",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("设备"),
    )
    guard = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("值班人员"),
    )
    direction = models.CharField(_("方向"), max_length=3, choices=DIRECTION_CHOICES)
    entrant = models.CharField(_("通行类别"), max_length=20, choices=EVENT_ENTRANT_CHOICES)
    credential_kind = models.CharField(_("凭证类型"), max_length=20, blank=True)
    credential_masked = models.CharField(_("凭证号"), max_length=64, blank=True)
    credential = models.ForeignKey(
        "people.Credential",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("凭证"),
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("人员"),
        db_index=False,
    )
    visit = models.ForeignKey(
        "visitors.Visit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("来客登记"),
    )
    subject = models.CharField(_("通行人"), max_length=60, blank=True)  # masked name
    plate = models.CharField(_("车牌号"), max_length=10, blank=True, default="")
    vehicle_kind = models.CharField(
        _("车辆类别"), max_length=20, blank=True, default="", choices=VEHICLE_KIND_CHOICES
    )
    outcome = models.CharField(_("结果"), max_length=10, choices=OUTCOME_CHOICES)
    pending = models.CharField(
        _("待确认事项"), max_length=20, blank=True, choices=EVENT_PENDING_CHOICES
    )
    reason = models.CharField(_("原因代码"), max_length=60)
    rule = models.CharField(_("规则"), max_length=10, blank=True)
    message = models.CharField(_("提示"), max_length=200)
    obligations = models.JSONField(_("后续事项"), default=list, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    # The site's hash chain (gatehouse.core.chain): the event's number in its site's chain and
    # its seal; written with the event, never by a form.
    seq = models.PositiveBigIntegerField(_("链序号"), null=True, blank=True, editable=False)
    chain_hash = models.CharField(_("链校验值"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("通行记录")
        verbose_name_plural = _("通行记录")
        constraints = [models.UniqueConstraint(fields=["site", "seq"], name="event_site_seq")]
        indexes = [
            models.Index(fields=["site", "-at"], name="event_site_at_idx"),
            models.Index(fields=["person", "-at"], name="event_person_at_idx"),
            models.Index(fields=["lane", "-at"], name="event_lane_at_idx"),
            models.Index(
                fields=["site", "-at"],
                condition=Q(outcome="refuse"),
                name="event_refused_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_outcome_display()} {self.reason}"


class EventChainHead(models.Model):
    """The head of a site's event chain: its last number, the last event's key and seal. The
    row is locked while an event of the site is written, so a site's events are numbered one
    after another while other sites' events are written at the same time."""

    site = models.OneToOneField(
        "sites.Site",
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="+",
        verbose_name=_("场所"),
    )
    seq = models.PositiveBigIntegerField(_("链序号"))
    last_id = models.BigIntegerField()
    hash = models.CharField(_("链校验值"), max_length=64)

    class Meta:
        verbose_name = _("通行记录链")
        verbose_name_plural = _("通行记录链")

    def __str__(self) -> str:
        return f"{self.site_id}#{self.seq}"


class EventChainAnchor(models.Model):
    """Where the retention purge took a run of a site's events out of its chain
    (:mod:`gatehouse.core.retention`): the run's first and last number, the seal before it and
    the seal of its last event, sealed with the chain's key so that only the purge makes one."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("场所")
    )
    first_seq = models.PositiveBigIntegerField(_("起始链序号"))
    last_seq = models.PositiveBigIntegerField(_("截止链序号"))
    before_hash = models.CharField(max_length=64, blank=True)
    last_hash = models.CharField(max_length=64)
    cutoff = models.DateTimeField(_("清除截止时间"))
    purged_at = models.DateTimeField(_("清除时间"))
    seal = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("通行记录清除锚点")
        verbose_name_plural = _("通行记录清除锚点")
        constraints = [
            models.UniqueConstraint(fields=["site", "first_seq"], name="event_anchor_site_first")
        ]

    def __str__(self) -> str:
        return f"{self.site_id}#{self.first_seq}-{self.last_seq}"


class DeviceRequest(models.Model):
    """A device's request, remembered by its nonce: a repeat returns the first answer."""

    # No index of its own: the unique (device, nonce) below starts with the device and serves
    # its lookups and the cascade (bench/RESULTS.md, issue 18: about 10 bytes a decision).
    device = models.ForeignKey(
        "devices.Device",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("设备"),
        db_index=False,
    )
    nonce = models.CharField(_("请求编号"), max_length=64)
    body_digest = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(default=200)
    response = models.JSONField(default=dict)
    event = models.ForeignKey(
        AccessEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,  # the log is partitioned and purged (gate/partitions.py)
    )
    received_at = models.DateTimeField(_("接收时间"))

    class Meta:
        verbose_name = _("设备请求")
        verbose_name_plural = _("设备请求")
        constraints = [
            models.UniqueConstraint(fields=["device", "nonce"], name="device_nonce_once")
        ]

    def __str__(self) -> str:
        return self.nonce


class Presence(models.Model):
    """Whether a credential holder is inside, for anti-passback; one row a person."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="presence", verbose_name=_("人员")
    )
    inside = models.BooleanField(_("在场内"))
    at = models.DateTimeField(_("最近通行"))

    class Meta:
        verbose_name = _("在场状态")
        verbose_name_plural = _("在场状态")

    def __str__(self) -> str:
        return f"{self.person_id} {'in' if self.inside else 'out'}"


class ModeChange(models.Model):
    """M-01: who switched a site's mode, when and why."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="mode_changes", verbose_name=_("场所")
    )
    from_mode = models.CharField(_("原模式"), max_length=20)
    to_mode = models.CharField(_("新模式"), max_length=20)
    reason = models.CharField(_("原因"), max_length=200)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("切换时间"))

    class Meta:
        verbose_name = _("管理模式切换")
        verbose_name_plural = _("管理模式切换")

    def __str__(self) -> str:
        return f"{self.from_mode} → {self.to_mode}"


class StaffExit(models.Model):
    """上班中途进出员工登记表 (P-12): an employee leaving during working hours and coming back."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("员工")
    )
    enterprise_name = models.CharField(_("部门/企业"), max_length=200, blank=True)
    reason = models.CharField(_("外出事由"), max_length=200)
    approver = models.CharField(_("审批人"), max_length=50)
    out_at = models.DateTimeField(_("外出时间"))
    back_at = models.DateTimeField(_("返回时间"), null=True, blank=True)
    out_event = models.ForeignKey(
        AccessEvent,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_constraint=False,  # the log is partitioned and purged (gate/partitions.py)
    )
    back_event = models.ForeignKey(
        AccessEvent,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_constraint=False,  # the log is partitioned and purged (gate/partitions.py)
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )

    class Meta:
        verbose_name = _("上班中途进出员工登记")
        verbose_name_plural = _("上班中途进出员工登记表")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(back_at__isnull=True), name="one_open_staff_exit"
            )
        ]
        indexes = [
            models.Index(
                fields=["site"], condition=Q(back_at__isnull=True), name="staff_exit_open_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.out_at:%m-%d %H:%M}"


class NoticeAudience(models.TextChoices):
    MONITORING = "monitoring", _("监控中心")
    GUARD = "guard", _("门岗")
    DESK = "desk", _("服务中心")
    PATROL = "patrol", _("巡逻岗")
    PERSON = "person", _("住户/员工本人")


class Notice(models.Model):
    """Something a decision or a register asks someone to know: a blacklist hit for the monitoring
    centre, a visitor still inside at closing time, mail for a resident …"""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    audience = models.CharField(_("通知对象"), max_length=20, choices=NoticeAudience.choices)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("接收人"),
    )
    kind = models.CharField(_("类型"), max_length=40)
    message = models.CharField(_("内容"), max_length=300)
    event = models.ForeignKey(
        AccessEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,  # the log is partitioned and purged (gate/partitions.py)
    )
    object_ref = models.CharField(max_length=60, blank=True)  # e.g. "visit:12", de-duplicates
    created_at = models.DateTimeField(_("时间"))
    acknowledged_at = models.DateTimeField(_("已处理时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )

    class Meta:
        verbose_name = _("通知与告警")
        verbose_name_plural = _("通知与告警")
        indexes = [
            models.Index(
                fields=["site", "audience", "-created_at"],
                condition=Q(acknowledged_at__isnull=True),
                name="notice_open_idx",
            )
        ]

    def __str__(self) -> str:
        return self.message
