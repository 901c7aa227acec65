"""The site (SPEC §1): zones, gates and lanes, buildings/units/houses, garages and spaces,
checkpoints, posts and key locations. Every record hangs off a site."""

from __future__ import annotations

from datetime import time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.dateparse import parse_time
from django.utils.translation import gettext_lazy as _

from gatehouse.core.access import FEVER_MAX, FEVER_MIN, MINUTES_MAX
from gatehouse.core.retention import MAX_DAYS as RETENTION_MAX
from gatehouse.core.retention import MIN_DAYS as RETENTION_MIN


class ThresholdField(models.DecimalField):  # type: ignore[type-arg]
    """A decimal column read as it is stored, even when it is not a number.

    SQLite keeps whatever text is written into a NUMERIC column, and Django's own converter
    raises on it, so one broken value would make the whole site unloadable — every gate page and
    device read would answer 500. Read here, an unusable value reaches the core's policy reader
    as it is, and the gate refuses with ``policy.invalid`` instead (issue 12 §2). The column is
    the same ``decimal``/``numeric`` as a DecimalField's; the CHECK constraints keep bad values
    out in the first place."""

    def get_internal_type(self) -> str:
        return "ThresholdField"  # not "DecimalField": no backend converter that raises

    def db_type(self, connection: Any) -> str | None:
        column_type = connection.data_types["DecimalField"]  # as DecimalField's own column
        data = self.db_type_parameters(connection)
        return column_type(data) if callable(column_type) else column_type % data  # type: ignore[no-any-return]

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or isinstance(value, Decimal):
            return value  # PostgreSQL's numeric arrives as a Decimal
        try:
            exact = Decimal(str(value))
            return exact.quantize(Decimal(1).scaleb(-self.decimal_places), context=self.context)
        except (InvalidOperation, ValueError):
            return value  # not a number: left for the policy reader to report


#: The declared type of a :class:`StoredTimeField` column on SQLite (see ``db_type``).
SQLITE_TIME_TYPE = "time_of_day"


class StoredTimeField(models.TimeField):  # type: ignore[type-arg]
    """A time-of-day column read as it is stored, even when it is not a time.

    SQLite keeps whatever text is written into a TIME column; Django's own converter raises on
    a well-shaped but impossible time (``'25:99'``) — the whole row then cannot be loaded and the
    gate answers 500 — and reads other text (``'abc'``) as NULL, which an optional column takes
    for "no time set". Read here, a value that is not a time reaches the core's policy reader
    as it is, and the gate refuses with ``policy.invalid`` (issue 12 §2). On PostgreSQL the
    column is the same ``time`` as a TimeField's (which refuses such text at the write); on
    SQLite it is declared :data:`SQLITE_TIME_TYPE`, same affinity, same stored text."""

    def get_internal_type(self) -> str:
        return "StoredTimeField"  # not "TimeField": no backend converter that raises or guesses

    def db_type(self, connection: Any) -> str | None:
        if connection.vendor == "sqlite":
            # Python's sqlite3 module parses every column declared ``time`` itself (Django
            # registers that converter), before any field sees the value. Another name with
            # the same NUMERIC affinity keeps the storage exactly as it was, unparsed.
            return SQLITE_TIME_TYPE
        return connection.data_types["TimeField"] % self.db_type_parameters(connection)  # type: ignore[no-any-return]

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or isinstance(value, time):
            return value  # PostgreSQL's time arrives as a datetime.time
        try:
            parsed = parse_time(value) if isinstance(value, str) else None
        except ValueError:  # shaped like a time but not one: '25:99'
            parsed = None
        return parsed if parsed is not None else value  # not a time: left for the policy reader


class SiteKind(models.TextChoices):
    INDUSTRIAL_PARK = "industrial_park", _("工业园区")
    RESIDENTIAL = "residential", _("住宅小区")
    CAMPUS = "campus", _("校园")
    COMPANY = "company", _("企业厂区")


class SiteMode(models.TextChoices):
    NORMAL = "normal", _("常态")
    TIGHTENED = "tightened", _("加强管控")
    EPIDEMIC = "epidemic", _("疫情封闭")


class Site(models.Model):
    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(
        _("类型"), max_length=20, choices=SiteKind.choices, default=SiteKind.RESIDENTIAL
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    operator = models.CharField(_("管理单位"), max_length=100, blank=True)
    mode = models.CharField(
        _("管理模式"), max_length=20, choices=SiteMode.choices, default=SiteMode.NORMAL
    )
    # M-05: the unified entrances (合并出入口) the site is merged behind, set and cleared only by
    # gatehouse.epidemic.mergers; the gate reads it with the site row it loads anyway.
    unified_entrance = models.ForeignKey(
        "epidemic.UnifiedEntrance",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("合并出入口"),
    )
    service_desk_opens = StoredTimeField(_("服务中心上班时间"), default=time(8, 0))
    service_desk_closes = StoredTimeField(_("服务中心下班时间"), default=time(18, 0))
    # Gate policy: numbers the rules leave open are configuration (SPEC: never literals in code).
    anti_passback = models.BooleanField(
        _("防潜回"),
        default=False,
        help_text=_("开启后，已在场内的卡不能再次进入，未进入的卡不能出场"),
    )
    fever_threshold = ThresholdField(
        _("体温异常阈值（℃）"), max_digits=3, decimal_places=1, default=Decimal("37.3")
    )
    request_timeout_minutes = models.PositiveSmallIntegerField(
        _("确认请求超时（分钟）"),
        default=10,
        help_text=_("前台或被访人在此时间内未答复的请求，自动按拒绝处理并记录"),
    )
    visitor_closing_time = StoredTimeField(
        _("访客离场时间"), default=time(22, 0), help_text=_("此时仍未登记离开的来客将被提醒")
    )
    visit_minutes = models.PositiveSmallIntegerField(
        _("来访限时（分钟）"), null=True, blank=True, help_text=_("留空表示不限时")
    )
    work_starts = StoredTimeField(_("上班时间"), default=time(8, 30))
    work_ends = StoredTimeField(_("下班时间"), default=time(17, 30))
    # The staff's commute: the working hours ± these minutes are P-13's shift-change windows at
    # the gate and S-09's, when the guard stays in the booth.
    commute_minutes = models.PositiveSmallIntegerField(
        _("上下班时段（分钟）"),
        default=30,
        help_text=_("上班、下班时间前后各这么多分钟内，门卫不得离开门卫室"),
    )
    # A device not heard from for this long is offline: the monitoring centre is alerted once
    # per outage (``gatehouse.devices.alarms``).
    device_offline_minutes = models.PositiveSmallIntegerField(
        _("设备离线告警（分钟）"),
        default=5,
        help_text=_("设备超过这么多分钟没有通信即判为离线，并向监控中心告警一次"),
    )
    # How long the site keeps its access events (SPEC §12; gatehouse.core.retention): the daily
    # purge removes older ones, leaving anchors in the hash chain. Empty: kept for ever.
    event_retention_days = models.PositiveSmallIntegerField(
        _("通行记录保存期限（天）"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("超过期限的通行记录每日清除；留空表示长期保存"),
    )
    # A campus's school hours (T3-01): a student leaving between them needs a leave pass.
    school_starts = StoredTimeField(
        _("在校时间开始"), default=time(7, 40), help_text=_("校园：此时段内学生凭请假条离校")
    )
    school_ends = StoredTimeField(_("在校时间结束"), default=time(16, 30))
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("场所")
        verbose_name_plural = _("场所")
        # The gate policy's columns (issue 12 §2): a value the rules cannot read is refused by
        # the database on both backends, not only by the forms.
        constraints = [
            models.CheckConstraint(condition=Q(mode__in=SiteMode.values), name="site_mode_valid"),
            models.CheckConstraint(condition=Q(kind__in=SiteKind.values), name="site_kind_valid"),
            models.CheckConstraint(
                condition=Q(fever_threshold__gte=FEVER_MIN, fever_threshold__lte=FEVER_MAX),
                name="site_fever_threshold_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    request_timeout_minutes__gte=1, request_timeout_minutes__lte=MINUTES_MAX
                ),
                name="site_request_timeout_positive",
            ),
            models.CheckConstraint(
                condition=Q(visit_minutes__isnull=True)
                | Q(visit_minutes__gte=1, visit_minutes__lte=MINUTES_MAX),
                name="site_visit_minutes_positive",
            ),
            models.CheckConstraint(
                condition=Q(anti_passback__in=[True, False]), name="site_anti_passback_flag"
            ),
            models.CheckConstraint(
                condition=Q(event_retention_days__isnull=True)
                | Q(
                    event_retention_days__gte=RETENTION_MIN, event_retention_days__lte=RETENTION_MAX
                ),
                name="site_event_retention_days_range",
            ),
            models.CheckConstraint(
                condition=Q(device_offline_minutes__gte=1, device_offline_minutes__lte=MINUTES_MAX),
                name="site_device_offline_minutes_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Zone(models.Model):
    """A sub-park (一区多园) or area of a site, with its industry focus."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="zones", verbose_name=_("场所")
    )
    code = models.SlugField(_("编码"), max_length=40)
    name = models.CharField(_("名称"), max_length=100)
    industry_focus = models.CharField(_("产业定位"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("园区分区")
        verbose_name_plural = _("园区分区")
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="zone_code_per_site")]

    def __str__(self) -> str:
        return self.name


class Gate(models.Model):
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="gates", verbose_name=_("场所")
    )
    zone = models.ForeignKey(
        Zone, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("所在分区")
    )
    code = models.SlugField(_("编码"), max_length=40)
    name = models.CharField(_("名称"), max_length=100)
    open_when_tightened = models.BooleanField(
        _("管控时保留开放"),
        default=False,
        help_text=_("加强管控或疫情封闭时唯一保持开放的出入口"),
    )

    class Meta:
        verbose_name = _("出入口")
        verbose_name_plural = _("出入口")
        constraints = [
            models.UniqueConstraint(fields=["site", "code"], name="gate_code_per_site"),
            models.CheckConstraint(
                condition=Q(open_when_tightened__in=[True, False]), name="gate_open_flag"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LaneKind(models.TextChoices):
    MOTOR = "motor", _("机动车道")
    NON_MOTOR = "non_motor", _("非机动车道（人行）")
    GARAGE = "garage", _("车库出入口")


class Direction(models.TextChoices):
    IN = "in", _("入")
    OUT = "out", _("出")


class Garage(models.Model):
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="garages", verbose_name=_("场所")
    )
    zone = models.ForeignKey(
        Zone, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("所在分区")
    )
    code = models.SlugField(_("编码"), max_length=40)
    name = models.CharField(_("名称"), max_length=100)
    underground = models.BooleanField(_("地下车库"), default=True)

    class Meta:
        verbose_name = _("车库")
        verbose_name_plural = _("车库")
        constraints = [
            models.UniqueConstraint(fields=["site", "code"], name="garage_code_per_site")
        ]

    def __str__(self) -> str:
        return self.name


class Lane(models.Model):
    """One lane of a gate, one-way (出入分道): kind and direction decide who may use it."""

    gate = models.ForeignKey(
        Gate, on_delete=models.CASCADE, related_name="lanes", verbose_name=_("出入口")
    )
    code = models.SlugField(_("编码"), max_length=40)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("车道类型"), max_length=20, choices=LaneKind.choices)
    direction = models.CharField(_("方向"), max_length=3, choices=Direction.choices)
    garage = models.ForeignKey(
        Garage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lanes",
        verbose_name=_("所属车库"),
    )

    class Meta:
        verbose_name = _("车道/通道")
        verbose_name_plural = _("车道/通道")
        constraints = [
            models.UniqueConstraint(fields=["gate", "code"], name="lane_code_per_gate"),
            models.CheckConstraint(condition=Q(kind__in=LaneKind.values), name="lane_kind_valid"),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="lane_direction_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gate.name} {self.name}"


class ParkingSpaceKind(models.TextChoices):
    OWNED = "owned", _("产权车位")
    LEASED = "leased", _("租赁车位")
    TEMPORARY = "temporary", _("临时车位")


class ParkingSpace(models.Model):
    garage = models.ForeignKey(
        Garage, on_delete=models.CASCADE, related_name="spaces", verbose_name=_("车库")
    )
    number = models.CharField(_("车位号"), max_length=20)
    kind = models.CharField(
        _("类型"), max_length=20, choices=ParkingSpaceKind.choices, default=ParkingSpaceKind.LEASED
    )

    class Meta:
        verbose_name = _("车位")
        verbose_name_plural = _("车位")
        constraints = [
            models.UniqueConstraint(fields=["garage", "number"], name="space_number_per_garage")
        ]

    def __str__(self) -> str:
        return f"{self.garage.name} {self.number}"


class Building(models.Model):
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="buildings", verbose_name=_("场所")
    )
    zone = models.ForeignKey(
        Zone, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("所在分区")
    )
    code = models.CharField(_("楼栋号"), max_length=20)
    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        constraints = [
            models.UniqueConstraint(fields=["site", "code"], name="building_code_per_site")
        ]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, related_name="units", verbose_name=_("楼栋")
    )
    code = models.CharField(_("单元号"), max_length=20)

    class Meta:
        verbose_name = _("单元")
        verbose_name_plural = _("单元")
        constraints = [
            models.UniqueConstraint(fields=["building", "code"], name="unit_code_per_building")
        ]

    def __str__(self) -> str:
        return f"{self.building.name}{self.code}单元"


class HouseKind(models.TextChoices):
    """What a house is: a flat or premises, or on a campus a class or a dormitory room (T3)."""

    HOME = "home", _("房屋")
    CLASS = "class", _("班级")
    DORMITORY = "dormitory", _("宿舍")


class House(models.Model):
    """A flat or premises; ``number`` is what a guard asks for (楼栋-单元-房号, ``3-2-1201``).
    On a campus a house is a class (``初二-3班``) or a dormitory room, told by ``kind``."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="houses", verbose_name=_("场所")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="houses", verbose_name=_("单元")
    )
    number = models.CharField(_("房号"), max_length=40)
    room = models.CharField(_("室号"), max_length=10)
    area_m2 = models.DecimalField(
        _("建筑面积(㎡)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    kind = models.CharField(
        _("用途"), max_length=12, choices=HouseKind.choices, default=HouseKind.HOME
    )
    label = models.CharField(_("名称"), max_length=40, blank=True, help_text=_("如：初二（3）班"))

    class Meta:
        verbose_name = _("房屋")
        verbose_name_plural = _("房屋")
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="house_number_per_site")
        ]

    def __str__(self) -> str:
        return self.number


class KeyLocationKind(models.TextChoices):
    DORMITORY = "dormitory", _("宿舍")
    CANTEEN = "canteen", _("食堂")
    GAS = "gas", _("燃气")
    FIRE_EXIT = "fire_exit", _("消防通道")
    POWER = "power", _("配电房")
    WAREHOUSE = "warehouse", _("仓库")
    MONITORING = "monitoring", _("监控中心")
    OTHER = "other", _("其他")


class KeyLocation(models.Model):
    """重点部位: places that patrols and hazard inspections must cover."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="key_locations", verbose_name=_("场所")
    )
    zone = models.ForeignKey(
        Zone, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("所在分区")
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=KeyLocationKind.choices)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("重点部位")
        verbose_name_plural = _("重点部位")

    def __str__(self) -> str:
        return self.name


class Checkpoint(models.Model):
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="checkpoints", verbose_name=_("场所")
    )
    code = models.SlugField(_("编码"), max_length=40)
    name = models.CharField(_("名称"), max_length=100)
    key_location = models.ForeignKey(
        KeyLocation, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("重点部位")
    )
    location = models.CharField(_("位置"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("巡更点")
        verbose_name_plural = _("巡更点")
        constraints = [
            models.UniqueConstraint(fields=["site", "code"], name="checkpoint_code_per_site")
        ]

    def __str__(self) -> str:
        return self.name


class PostKind(models.TextChoices):
    GATE = "gate", _("门岗")
    GARAGE = "garage", _("车库岗")
    PATROL = "patrol", _("巡逻岗")
    MONITORING = "monitoring", _("监控岗")
    FRONT_DESK = "front_desk", _("客服前台")


class Post(models.Model):
    """A duty station with the headcount it needs while it is staffed (S-01)."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="posts", verbose_name=_("场所")
    )
    name = models.CharField(_("岗位"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=PostKind.choices)
    gate = models.ForeignKey(
        Gate, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("出入口")
    )
    garage = models.ForeignKey(
        Garage, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("车库")
    )
    headcount = models.PositiveSmallIntegerField(_("定员"), default=1)
    staffed_from = models.TimeField(_("值守开始"), default=time(0, 0))
    staffed_until = models.TimeField(
        _("值守结束"), default=time(0, 0), help_text=_("与开始相同表示24小时值守")
    )

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints = [
            models.CheckConstraint(condition=Q(headcount__gte=1), name="post_headcount_positive")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def round_the_clock(self) -> bool:
        return self.staffed_from == self.staffed_until
