"""The vehicle gate as records (SPEC §4, §11): a site's vehicle settings, parking sessions pairing
each entry with its exit, the register of outside vehicles (外来车辆进出登记表) and own vehicles
in the epidemic mode, written by the decisions themselves."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gatehouse.access.models import VEHICLE_KIND_CHOICES
from gatehouse.core.access import MINUTES_MAX
from gatehouse.sites.models import StoredTimeField


class VehicleSettings(models.Model):
    """What the source leaves to each site (V-01, V-03, V-10, V-11)."""

    site = models.OneToOneField(
        "sites.Site",
        on_delete=models.CASCADE,
        related_name="vehicle_settings",
        verbose_name=_("场所"),
    )
    charging_started = models.BooleanField(
        _("已开始停车收费"),
        default=False,
        help_text=_("开始收费后，地面道闸不再接受业主卡，改用停车卡（V-01）。"),
    )
    passes_required = models.BooleanField(
        _("凭车辆出入证进出"),
        default=False,
        help_text=_("本场所车辆须出示车辆出入证，未出示的按临时来访车辆处理（V-10）。"),
    )
    delivery_minutes = models.PositiveSmallIntegerField(_("送货车辆限停分钟数"), default=60)
    taxi_minutes = models.PositiveSmallIntegerField(_("出租车滞留提醒分钟数"), default=10)
    exit_grace_minutes = models.PositiveSmallIntegerField(
        _("缴费后离场时限（分钟）"),
        default=15,
        help_text=_("缴费后在此时间内出场不再加收（缴费后15分钟内离场）。"),
    )
    visitor_leave_by = StoredTimeField(
        _("访客车辆离场时间"), null=True, blank=True, default=time(22, 0)
    )

    class Meta:
        verbose_name = _("车辆管理设置")
        verbose_name_plural = _("车辆管理设置")
        # What the vehicle gate's policy is built from (issue 12 §2): values the core can read.
        constraints = [
            models.CheckConstraint(
                condition=Q(delivery_minutes__gte=1, delivery_minutes__lte=MINUTES_MAX),
                name="vsettings_delivery_minutes_range",
            ),
            models.CheckConstraint(
                condition=Q(taxi_minutes__gte=1, taxi_minutes__lte=MINUTES_MAX),
                name="vsettings_taxi_minutes_range",
            ),
            models.CheckConstraint(
                condition=Q(exit_grace_minutes__gte=0, exit_grace_minutes__lte=MINUTES_MAX),
                name="vsettings_exit_grace_range",
            ),
            models.CheckConstraint(
                condition=Q(charging_started__in=[True, False], passes_required__in=[True, False]),
                name="vsettings_flags",
            ),
        ]

    def __str__(self) -> str:
        return str(self.site)


class SessionStatus(models.TextChoices):
    OPEN = "open", _("在场")
    CLOSED = "closed", _("已离场")


class SessionAnomaly(models.TextChoices):
    NONE = "", _("无")
    EXIT_WITHOUT_ENTRY = "exit_without_entry", _("无入场记录出场")
    SECOND_ENTRY = "second_entry", _("未出场又入场")


class ParkingSession(models.Model):
    """One stay of a vehicle: the entry, and the exit that closes it (V-07). On the ground
    (``garage`` empty) as in a garage: dwell alerts and occupancy read the open sessions."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    garage = models.ForeignKey(
        "sites.Garage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("车库"),
    )
    plate = models.CharField(_("车牌号"), max_length=10)
    kind = models.CharField(_("车辆类别"), max_length=20, choices=VEHICLE_KIND_CHOICES)
    entered_at = models.DateTimeField(_("入场时间"), null=True, blank=True)
    entry_event = models.ForeignKey(
        "access.AccessEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,  # the log is partitioned and purged (gate/partitions.py)
    )
    exited_at = models.DateTimeField(_("出场时间"), null=True, blank=True)
    exit_event = models.ForeignKey(
        "access.AccessEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,  # the log is partitioned and purged (gate/partitions.py)
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.OPEN
    )
    anomaly = models.CharField(
        _("异常"), max_length=20, blank=True, default="", choices=SessionAnomaly.choices
    )
    fee_fen = models.BigIntegerField(_("应收（分）"), default=0)
    paid_fen = models.BigIntegerField(_("已收（分）"), default=0)
    paid_at = models.DateTimeField(_("缴费时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("停车记录")
        verbose_name_plural = _("停车记录")
        indexes = [
            models.Index(fields=["site", "plate", "status"], name="session_plate_idx"),
            models.Index(fields=["site", "status", "garage"], name="session_open_idx"),
            # The booth's pairing anomalies, newest first: a few in a thousand stays, and a
            # site may have none, which without this index reads all its history (issue 14).
            models.Index(
                fields=["site", "id"], condition=~Q(anomaly=""), name="session_anomaly_idx"
            ),
        ]
        constraints = [
            # One open stay per plate and site: a second entry closes the first as an anomaly.
            models.UniqueConstraint(
                fields=["site", "plate"],
                condition=Q(status="open"),
                name="one_open_session_per_plate",
            )
        ]

    def __str__(self) -> str:
        return f"{self.plate} {self.entered_at}"


class VehicleVisitStatus(models.TextChoices):
    WAITING = "waiting", _("待确认")
    INSIDE = "inside", _("在场")
    LEFT = "left", _("已离场")
    REFUSED = "refused", _("未放行")


class VehicleVisit(models.Model):
    """A row of 外来车辆进出登记表 (V-03, V-05, V-08, V-11) or, in the epidemic mode, of the own
    vehicles' register with the people in them (V-13)."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    register = models.CharField(
        _("登记表"),
        max_length=20,
        default="vehicle",
        choices=[("vehicle", _("外来车辆进出登记表")), ("own_vehicle", _("车辆出入登记表"))],
    )
    plate = models.CharField(_("车牌号"), max_length=10)
    kind = models.CharField(_("车辆类别"), max_length=20, choices=VEHICLE_KIND_CHOICES)
    errand = models.CharField(_("事由类别"), max_length=20, blank=True)
    service = models.CharField(_("公务类别"), max_length=30, blank=True)
    driver = models.CharField(_("驾驶人"), max_length=50, blank=True)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    company = models.CharField(_("单位"), max_length=100, blank=True)
    purpose = models.CharField(_("事由"), max_length=200, blank=True)
    destination = models.CharField(_("前往（房号/部门）"), max_length=100, blank=True)
    occupants = models.CharField(_("车内人员"), max_length=200, blank=True)
    # 无牌车 (V-09): what the guard saw instead of a plate — colour, make, driver.
    description = models.CharField(_("车辆特征"), max_length=200, blank=True, default="")
    temp_pass = models.CharField(_("临时出入证号"), max_length=20, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=VehicleVisitStatus.choices,
        default=VehicleVisitStatus.WAITING,
    )
    outcome_reason = models.CharField(_("判定"), max_length=60, blank=True)
    time_in = models.DateTimeField(_("进入时间"), null=True, blank=True)
    time_out = models.DateTimeField(_("离开时间"), null=True, blank=True)
    time_limit_at = models.DateTimeField(_("限停至"), null=True, blank=True)
    inspected = models.BooleanField(_("出门已检查"), default=False)
    lane_in = models.ForeignKey(
        "sites.Lane", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lane_out = models.ForeignKey(
        "sites.Lane", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registered_at = models.DateTimeField(_("登记时间"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )

    class Meta:
        verbose_name = _("外来车辆登记")
        verbose_name_plural = _("外来车辆登记")
        indexes = [models.Index(fields=["site", "plate", "status"], name="vvisit_plate_idx")]

    def __str__(self) -> str:
        return f"{self.plate} {self.registered_at:%Y-%m-%d %H:%M}"


class PlateColour(models.TextChoices):
    """A plate's colour as the camera reports it (Vzenith manual §3.3 车牌颜色数据表)."""

    UNKNOWN = "unknown", _("未知")
    BLUE = "blue", _("蓝牌")
    YELLOW = "yellow", _("黄牌")
    WHITE = "white", _("白牌")
    BLACK = "black", _("黑牌")
    GREEN = "green", _("绿牌（新能源）")
    YELLOW_GREEN = "yellow_green", _("黄绿牌（大型新能源）")


class PlateCapture(models.Model):
    """What a plate camera reported with one result, beside the event it was decided as: the
    plate as read, its colour and type, the fake-plate flag, and the snapshot pictures kept as
    evidence for fee disputes until ``GATEHOUSE_PLATE_PICTURE_DAYS`` have passed
    (``manage.py purge_plate_pictures`` empties them and stamps ``picture_purged_at``).

    ``offline``: the camera buffered the result while its link was down and sent it late;
    ``late``: older than the replay window when it arrived (recorded all the same)."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    event = models.OneToOneField(
        "access.AccessEvent",
        on_delete=models.PROTECT,
        related_name="plate_capture",
        verbose_name=_("通行记录"),
        db_constraint=False,  # the log is partitioned and purged (gate/partitions.py)
    )
    device = models.ForeignKey(
        "devices.Device",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("相机"),
    )
    camera_serial = models.CharField(_("相机序列号"), max_length=64, blank=True)
    record = models.CharField(_("相机结果编号"), max_length=64, blank=True)
    license = models.CharField(_("识别结果"), max_length=32, blank=True)
    colour = models.CharField(
        _("车牌颜色"), max_length=16, blank=True, default="", choices=PlateColour.choices
    )
    plate_type = models.PositiveSmallIntegerField(_("车牌类型代码"), null=True, blank=True)
    plate_type_label = models.CharField(_("车牌类型"), max_length=30, blank=True)
    fake = models.BooleanField(_("疑似假牌"), default=False)
    confidence = models.PositiveSmallIntegerField(_("可信度"), null=True, blank=True)
    seen_at = models.DateTimeField(_("识别时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("接收时间"))
    offline = models.BooleanField(_("离线补传"), default=False)
    late = models.BooleanField(_("超过补传期限"), default=False)
    picture = models.BinaryField(_("抓拍大图"), blank=True, default=b"")
    picture_small = models.BinaryField(_("车牌小图"), blank=True, default=b"")
    picture_purged_at = models.DateTimeField(_("图片清除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("车牌识别抓拍")
        verbose_name_plural = _("车牌识别抓拍")
        indexes = [
            models.Index(fields=["received_at"], name="capture_received_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(colour__in=["", *PlateColour.values]),
                name="capture_colour_known",
            )
        ]

    def __str__(self) -> str:
        return f"{self.license} {self.received_at}"
