"""Guard operations as records (SPEC §7, S-01 … S-13): staffing and the roster, the leader on
duty, handovers (交接班记录表), keys, absences from the booth, patrol routes and scans (夜间安保巡查
记录表), anomalies (异常情况记录表) and dispatches, the emergency chain, the cleaning rota (门卫日常
卫生轮流表), hazard inspections, hotline tickets, weekly spot checks and the penalty ledger.

The rules themselves live in ``gatehouse.core.guard``; these models only hold the facts the
services hand to it and the results they write down. Guards are users (with a role at the site);
the core names them by their display name (``services.guard_name``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gatehouse.admission.uploads import document_path
from gatehouse.core.guard import AnomalyKind, KeyPlace, Severity

USER = settings.AUTH_USER_MODEL


def _user(verbose: object, *, null: bool = False) -> models.ForeignKey:
    return models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=verbose,
        null=null,
        blank=null,
    )


def _site() -> models.ForeignKey:
    return models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )


class GuardSettings(models.Model):
    """The numbers the source leaves open, per site (SPEC: configuration, never literals)."""

    site = models.OneToOneField(
        "sites.Site",
        on_delete=models.CASCADE,
        related_name="guard_settings",
        verbose_name=_("场所"),
    )
    early_minutes = models.PositiveSmallIntegerField(_("接班提前到岗（分钟）"), default=10)
    ack_critical_minutes = models.PositiveSmallIntegerField(_("特急异常确认时限"), default=2)
    ack_high_minutes = models.PositiveSmallIntegerField(_("紧急异常确认时限"), default=5)
    ack_medium_minutes = models.PositiveSmallIntegerField(_("一般异常确认时限"), default=10)
    ack_low_minutes = models.PositiveSmallIntegerField(_("轻微异常确认时限"), default=30)
    answer_within_minutes = models.PositiveSmallIntegerField(_("热线答复时限（分钟）"), default=30)
    follow_up_within_hours = models.PositiveSmallIntegerField(_("跟进处理时限（小时）"), default=24)
    visit_back_within_days = models.PositiveSmallIntegerField(_("回访时限（天）"), default=7)
    fine_fen = models.BigIntegerField(_("重复违规罚款（分）"), default=5000)
    repeat_within_days = models.PositiveSmallIntegerField(
        _("重复违规认定期（天）"), null=True, blank=True, help_text=_("留空表示不限期")
    )

    class Meta:
        verbose_name = _("安保参数")
        verbose_name_plural = _("安保参数")

    def __str__(self) -> str:
        return str(self.site)


# == S-01 / S-02: requirements, roster, leader on duty ===========================================


class StaffingRequirement(models.Model):
    """Guards needed at a post between two hours, weekly (on ``weekdays``) or on one date."""

    site = _site()
    post = models.ForeignKey(
        "sites.Post", on_delete=models.CASCADE, related_name="+", verbose_name=_("岗位")
    )
    headcount = models.PositiveSmallIntegerField(_("人数"))
    from_hour = models.PositiveSmallIntegerField(_("开始（时）"), default=0)
    to_hour = models.PositiveSmallIntegerField(_("结束（时）"), default=24)
    weekdays = models.CharField(_("星期"), max_length=7, default="0123456")
    on = models.DateField(_("指定日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("岗位定员")
        verbose_name_plural = _("岗位定员")

    def __str__(self) -> str:
        return f"{self.post} {self.from_hour}-{self.to_hour} ×{self.headcount}"


class Shift(models.Model):
    """One guard rostered at one post from ``start`` to ``end`` (排班表)."""

    site = _site()
    post = models.ForeignKey(
        "sites.Post", on_delete=models.PROTECT, related_name="+", verbose_name=_("岗位")
    )
    guard = _user(_("值班人员"))
    start = models.DateTimeField(_("开始"))
    end = models.DateTimeField(_("结束"))
    created_by = _user(_("排班人"), null=True)

    class Meta:
        verbose_name = _("排班")
        verbose_name_plural = _("排班表")
        indexes = [models.Index(fields=["site", "start"], name="guard_shift_site_start")]

    def __str__(self) -> str:
        return f"{self.post} {self.start:%m-%d %H:%M}"


class LeaderDuty(models.Model):
    """带班领导: a named leader on duty from ``start`` to ``end`` (S-02)."""

    site = _site()
    leader = _user(_("带班领导账号"), null=True)
    leader_name = models.CharField(_("带班领导"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    start = models.DateTimeField(_("开始"))
    end = models.DateTimeField(_("结束"))

    class Meta:
        verbose_name = _("带班领导值班")
        verbose_name_plural = _("带班领导值班")

    def __str__(self) -> str:
        return self.leader_name


# == S-03 / S-08 / S-09: handovers, keys, absences ===============================================


class Handover(models.Model):
    """A row of the 交接班记录表."""

    site = _site()
    post = models.ForeignKey(
        "sites.Post",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("岗位"),
    )
    outgoing = _user(_("交班人"))
    incoming = _user(_("接班人"))
    at = models.DateTimeField(_("交接时间"))
    shift_start = models.DateTimeField(_("接班时间"))
    arrived_at = models.DateTimeField(_("接班人到岗时间"))
    minutes_late = models.PositiveIntegerField(_("迟到（分钟）"), default=0)
    open_matters = models.JSONField(_("未了事项"), default=list, blank=True)
    resolved = models.JSONField(_("已办结事项"), default=list, blank=True)
    keys = models.JSONField(_("交接钥匙"), default=list, blank=True)
    equipment = models.JSONField(_("交接装备"), default=list, blank=True)
    notes = models.CharField(_("备注"), max_length=300, blank=True)
    problems = models.JSONField(_("交接问题"), default=list, blank=True)
    outgoing_signed_at = models.DateTimeField(_("交班人签字"), null=True, blank=True)
    incoming_signed_at = models.DateTimeField(_("接班人签字"), null=True, blank=True)
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("上一班交接"),
    )
    recorded_by = _user(_("登记人"), null=True)

    class Meta:
        verbose_name = _("交接班记录")
        verbose_name_plural = _("交接班记录表")
        indexes = [models.Index(fields=["site", "-at"], name="guard_handover_site_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}"


class Key(models.Model):
    """A key the guards keep (T2 13: 保管好手中持有钥匙，知晓其对那门)."""

    site = _site()
    label = models.CharField(_("钥匙"), max_length=60)
    door = models.CharField(_("对应的门"), max_length=100)
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("钥匙")
        verbose_name_plural = _("钥匙")
        constraints = [models.UniqueConstraint(fields=["site", "label"], name="guard_key_label")]

    def __str__(self) -> str:
        return self.label


class KeyHandoff(models.Model):
    """A key changes hands; ``to_holder`` empty: lost or unaccounted for."""

    site = _site()
    key = models.ForeignKey(Key, on_delete=models.CASCADE, related_name="+", verbose_name=_("钥匙"))
    at = models.DateTimeField(_("时间"))
    from_holder = models.CharField(_("交出人"), max_length=60, blank=True)
    to_holder = models.CharField(_("接收人/存放处"), max_length=60, blank=True)
    handover = models.ForeignKey(
        Handover, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = _user(_("登记人"), null=True)

    class Meta:
        verbose_name = _("钥匙交接")
        verbose_name_plural = _("钥匙交接")

    def __str__(self) -> str:
        return f"{self.key} → {self.to_holder or '—'}"


class BoothAbsence(models.Model):
    """The guard left the booth (T2 17): gate closed or a named cover; back time."""

    site = _site()
    guard = _user(_("门卫"))
    left_at = models.DateTimeField(_("离开时间"))
    back_at = models.DateTimeField(_("返回时间"), null=True, blank=True)
    gate_closed = models.BooleanField(_("已关大门"), default=False)
    cover = models.CharField(_("临时照看人"), max_length=50, blank=True)
    reason = models.CharField(_("事由"), max_length=200)
    findings = models.JSONField(_("违规"), default=list, blank=True)
    recorded_by = _user(_("登记人"), null=True)

    class Meta:
        verbose_name = _("临时离岗")
        verbose_name_plural = _("临时离岗登记")
        constraints = [
            models.UniqueConstraint(
                fields=["guard"], condition=Q(back_at__isnull=True), name="guard_one_open_absence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.left_at:%m-%d %H:%M}"


# == S-04: patrols ===============================================================================


class PatrolRoute(models.Model):
    site = _site()
    name = models.CharField(_("路线"), max_length=60)
    first_round = models.TimeField(_("第一轮开始"))
    rounds = models.PositiveSmallIntegerField(_("轮数"), default=1)
    every_minutes = models.PositiveSmallIntegerField(_("间隔（分钟）"), default=120)
    window_minutes = models.PositiveSmallIntegerField(
        _("每轮时限（分钟）"), null=True, blank=True, help_text=_("留空等于间隔")
    )
    grace_minutes = models.PositiveSmallIntegerField(_("宽限（分钟）"), default=15)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("巡更路线")
        verbose_name_plural = _("巡更路线")
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="guard_route_name")]

    def __str__(self) -> str:
        return self.name


class RouteStop(models.Model):
    route = models.ForeignKey(
        PatrolRoute, on_delete=models.CASCADE, related_name="stops", verbose_name=_("路线")
    )
    checkpoint = models.ForeignKey(
        "sites.Checkpoint", on_delete=models.PROTECT, related_name="+", verbose_name=_("巡更点")
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("巡更路线点")
        verbose_name_plural = _("巡更路线点")
        constraints = [
            models.UniqueConstraint(fields=["route", "checkpoint"], name="guard_stop_once")
        ]

    def __str__(self) -> str:
        return f"{self.route} {self.checkpoint}"


class ScanState(models.TextChoices):
    ON_TIME = "on_time", _("按时")
    LATE = "late", _("超时")
    OUTSIDE = "outside", _("不在巡查时段")


class PatrolScan(models.Model):
    """A checkpoint scanned by a patrol guard: a row of the 夜间安保巡查记录表."""

    site = _site()
    route = models.ForeignKey(
        PatrolRoute, on_delete=models.PROTECT, related_name="+", verbose_name=_("路线")
    )
    checkpoint = models.ForeignKey(
        "sites.Checkpoint", on_delete=models.PROTECT, related_name="+", verbose_name=_("巡更点")
    )
    guard = _user(_("巡查人"))
    at = models.DateTimeField(_("打卡时间"))
    night_of = models.DateField(_("巡查日期"))
    round_no = models.PositiveSmallIntegerField(_("轮次"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=ScanState.choices)
    minutes_late = models.PositiveIntegerField(_("超时（分钟）"), default=0)
    note = models.CharField(_("巡查情况"), max_length=300, blank=True)
    by_camera = models.BooleanField(_("扫码打卡"), default=False)

    class Meta:
        verbose_name = _("巡更打卡")
        verbose_name_plural = _("夜间安保巡查记录表")
        indexes = [models.Index(fields=["route", "night_of"], name="guard_scan_route_night")]

    def __str__(self) -> str:
        return f"{self.checkpoint} {self.at:%m-%d %H:%M}"


# == S-05 / S-06 / S-13: anomalies, dispatches, emergencies ======================================

ANOMALY_KIND_CHOICES = [
    (AnomalyKind.FIGHT.value, _("打架斗殴")),
    (AnomalyKind.THEFT.value, _("盗窃")),
    (AnomalyKind.TRAFFIC_ACCIDENT.value, _("交通事故")),
    (AnomalyKind.FIRE.value, _("火灾")),
    (AnomalyKind.SUSPICIOUS_PERSON.value, _("可疑人员")),
    (AnomalyKind.SUSPICIOUS_VEHICLE.value, _("可疑车辆")),
    (AnomalyKind.EQUIPMENT_FAULT.value, _("监控设备故障")),
    (AnomalyKind.DECORATION_WASTE_IN_LIFT.value, _("装修垃圾进入电梯")),
    (AnomalyKind.HAZARDOUS_GOODS.value, _("住户带入危险物品")),
    (AnomalyKind.GOODS_MISMATCH.value, _("物品与放行条不符")),
    (AnomalyKind.OTHER.value, _("其他异常情况")),
]
SEVERITY_CHOICES = [
    (Severity.LOW.value, _("轻微")),
    (Severity.MEDIUM.value, _("一般")),
    (Severity.HIGH.value, _("紧急")),
    (Severity.CRITICAL.value, _("特急")),
]


class Anomaly(models.Model):
    """A row of the 异常情况记录表 (S-05), with the video clip to keep."""

    site = _site()
    kind = models.CharField(_("类别"), max_length=30, choices=ANOMALY_KIND_CHOICES)
    severity = models.CharField(_("级别"), max_length=10, choices=SEVERITY_CHOICES)
    place = models.CharField(_("地点"), max_length=100)
    description = models.CharField(_("情况"), max_length=500)
    reported_by = _user(_("报告人"))
    reported_at = models.DateTimeField(_("报告时间"))
    acknowledged_by = _user(_("确认人"), null=True)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("上报领导时间"), null=True, blank=True)
    escalated_to = models.CharField(_("上报对象"), max_length=200, blank=True)
    closed_by = _user(_("处理人"), null=True)
    closed_at = models.DateTimeField(_("处理完毕"), null=True, blank=True)
    resolution = models.CharField(_("处理结果"), max_length=500, blank=True)
    camera = models.CharField(_("摄像头"), max_length=60, blank=True)
    clip_from = models.DateTimeField(_("录像开始"), null=True, blank=True)
    clip_until = models.DateTimeField(_("录像结束"), null=True, blank=True)
    archive_required = models.BooleanField(_("须另存录像"), default=False)
    archived_at = models.DateTimeField(_("录像存档时间"), null=True, blank=True)
    archive_label = models.CharField(_("存档标记"), max_length=100, blank=True)
    archived_by = _user(_("存档人"), null=True)

    class Meta:
        verbose_name = _("异常情况")
        verbose_name_plural = _("异常情况记录表")
        indexes = [models.Index(fields=["site", "-reported_at"], name="guard_anomaly_site_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.place}"


class Photo(models.Model):
    """A photo taken on a patrol or of an anomaly. Served only through a view that checks the
    reader's role at the site, never from a public media URL."""

    site = _site()
    scan = models.ForeignKey(
        PatrolScan, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    anomaly = models.ForeignKey(
        Anomaly, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    file = models.FileField(_("照片"), upload_to=document_path, max_length=200)
    name = models.CharField(_("原文件名"), max_length=200)
    uploaded_by = _user(_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("现场照片")
        verbose_name_plural = _("现场照片")

    def __str__(self) -> str:
        return self.name


class Dispatch(models.Model):
    """The monitoring centre sends a patrol to a place (S-06)."""

    site = _site()
    anomaly = models.ForeignKey(
        Anomaly,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dispatches",
        verbose_name=_("异常情况"),
    )
    place = models.CharField(_("地点"), max_length=100)
    task = models.CharField(_("任务"), max_length=300)
    dispatched_by = _user(_("调度人"))
    dispatched_at = models.DateTimeField(_("派发时间"))
    acknowledged_by = _user(_("接收人"), null=True)
    acknowledged_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    closed_by = _user(_("完成人"), null=True)
    closed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    result = models.CharField(_("处理结果"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("巡逻调度")
        verbose_name_plural = _("巡逻调度")

    def __str__(self) -> str:
        return f"{self.place}: {self.task}"


class EmergencyPlan(models.Model):
    site = _site()
    name = models.CharField(_("预案"), max_length=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("应急预案")
        verbose_name_plural = _("应急预案")

    def __str__(self) -> str:
        return self.name


class EmergencyStep(models.Model):
    """One link of the reporting chain (逐级报告): who, and the minutes to acknowledge."""

    plan = models.ForeignKey(
        EmergencyPlan, on_delete=models.CASCADE, related_name="steps", verbose_name=_("预案")
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    who = models.CharField(_("报告对象"), max_length=50)
    user = _user(_("对应账号"), null=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    minutes = models.PositiveSmallIntegerField(_("确认时限（分钟）"), default=5)

    class Meta:
        verbose_name = _("报告链")
        verbose_name_plural = _("报告链")
        constraints = [models.UniqueConstraint(fields=["plan", "who"], name="guard_step_once")]

    def __str__(self) -> str:
        return self.who


class Emergency(models.Model):
    """An activation of an emergency plan (S-13)."""

    site = _site()
    plan = models.ForeignKey(
        EmergencyPlan, on_delete=models.PROTECT, related_name="+", verbose_name=_("预案")
    )
    summary = models.CharField(_("事由"), max_length=300)
    started_by = _user(_("启动人"))
    started_at = models.DateTimeField(_("启动时间"))
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    closed_by = _user(_("结束人"), null=True)

    class Meta:
        verbose_name = _("应急启动")
        verbose_name_plural = _("应急启动")

    def __str__(self) -> str:
        return f"{self.plan} {self.started_at:%m-%d %H:%M}"


class EmergencyAck(models.Model):
    emergency = models.ForeignKey(
        Emergency, on_delete=models.CASCADE, related_name="acks", verbose_name=_("应急启动")
    )
    who = models.CharField(_("确认人"), max_length=50)
    at = models.DateTimeField(_("确认时间"))
    recorded_by = _user(_("登记人"), null=True)

    class Meta:
        verbose_name = _("应急确认")
        verbose_name_plural = _("应急确认")
        constraints = [models.UniqueConstraint(fields=["emergency", "who"], name="guard_ack_once")]

    def __str__(self) -> str:
        return self.who


# == S-07 / S-11 / S-12: cleaning rota, hazards, hotline =========================================


class CleaningRota(models.Model):
    """门卫日常卫生轮流表: the guards in turn, from ``first_day``."""

    site = models.OneToOneField(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    first_day = models.DateField(_("起始日期"))
    guards = models.ManyToManyField(USER, through="CleaningMember", related_name="+")

    class Meta:
        verbose_name = _("卫生轮流表")
        verbose_name_plural = _("卫生轮流表")

    def __str__(self) -> str:
        return str(self.site)


class CleaningMember(models.Model):
    rota = models.ForeignKey(CleaningRota, on_delete=models.CASCADE, related_name="members")
    guard = _user(_("门卫"))
    order = models.PositiveSmallIntegerField(_("顺序"))

    class Meta:
        verbose_name = _("轮值门卫")
        verbose_name_plural = _("轮值门卫")
        constraints = [models.UniqueConstraint(fields=["rota", "guard"], name="guard_rota_once")]

    def __str__(self) -> str:
        return str(self.guard)


class CleaningDone(models.Model):
    site = _site()
    day = models.DateField(_("日期"))
    guard = _user(_("值日门卫"))
    done_at = models.DateTimeField(_("完成时间"))

    class Meta:
        verbose_name = _("保洁完成")
        verbose_name_plural = _("保洁完成")
        constraints = [models.UniqueConstraint(fields=["site", "day"], name="guard_clean_once")]

    def __str__(self) -> str:
        return f"{self.day}"


KEY_PLACE_CHOICES = [
    (KeyPlace.DORMITORY.value, _("宿舍")),
    (KeyPlace.CANTEEN.value, _("食堂")),
    (KeyPlace.GAS.value, _("燃气")),
    (KeyPlace.FIRE_EXIT.value, _("消防通道")),
    (KeyPlace.TOILET.value, _("厕所")),
    (KeyPlace.OTHER.value, _("其他")),
]


class HazardFinding(models.Model):
    """A hazard found at a key place, with who must fix it by when (S-11)."""

    site = _site()
    place = models.CharField(_("部位类型"), max_length=20, choices=KEY_PLACE_CHOICES)
    key_location = models.ForeignKey(
        "sites.KeyLocation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("重点部位"),
    )
    description = models.CharField(_("隐患"), max_length=300)
    owner = models.CharField(_("整改责任人"), max_length=50)
    found_on = models.DateField(_("发现日期"))
    deadline = models.DateField(_("整改期限"))
    fixed_on = models.DateField(_("整改完成"), null=True, blank=True)
    fix_note = models.CharField(_("整改情况"), max_length=300, blank=True)
    found_by = _user(_("检查人"))
    campaign = models.ForeignKey(
        "screenings.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("专项行动"),
    )  # T3-06: a finding of a campaign with the police (收缴管制刀具, 防坠楼)

    class Meta:
        verbose_name = _("隐患排查")
        verbose_name_plural = _("隐患排查")

    def __str__(self) -> str:
        return self.description


class TicketKind(models.TextChoices):
    CALL = "call", _("来电")
    COMPLAINT = "complaint", _("投诉")


class CallerType(models.TextChoices):
    """Who is calling the 24-hour hotline (T3·16: a campus hears teachers, students, parents and
    neighbours)."""

    TEACHER = "teacher", _("教师")
    STUDENT = "student", _("学生")
    PARENT = "parent", _("家长")
    RESIDENT = "resident", _("居民")
    EMPLOYEE = "employee", _("员工")
    OTHER = "other", _("其他")


class Ticket(models.Model):
    """A hotline call or complaint: answered, followed up, closed and visited back (S-12); on a
    campus possibly escalated to the education bureau (教育局), whose reply is kept (T3·16)."""

    site = _site()
    kind = models.CharField(_("类型"), max_length=10, choices=TicketKind.choices)
    caller_type = models.CharField(
        _("来电人类别"), max_length=10, choices=CallerType.choices, default=CallerType.OTHER
    )
    caller = models.CharField(_("来电人"), max_length=50)
    phone_masked = models.CharField(_("电话"), max_length=20, blank=True)
    subject = models.CharField(_("事项"), max_length=300)
    received_at = models.DateTimeField(_("来电时间"))
    received_by = _user(_("接听人"))
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answer = models.CharField(_("答复"), max_length=300, blank=True)
    followed_up_at = models.DateTimeField(_("跟进时间"), null=True, blank=True)
    follow_up = models.CharField(_("跟进处理"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    visited_back_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    visit_back = models.CharField(_("回访情况"), max_length=300, blank=True)
    escalated_at = models.DateTimeField(_("上报教育局时间"), null=True, blank=True)
    escalated_by = models.CharField(_("上报人"), max_length=50, blank=True)
    escalation_ref = models.CharField(_("上报文号/编号"), max_length=60, blank=True)
    bureau_reply = models.CharField(_("教育局答复"), max_length=300, blank=True)
    bureau_replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("热线工单")
        verbose_name_plural = _("热线工单")

    def __str__(self) -> str:
        return self.subject


# == S-10: spot checks and the ledger ============================================================


class SpotCheck(models.Model):
    site = _site()
    period_start = models.DateTimeField(_("抽查起"))
    as_of = models.DateTimeField(_("抽查时间"))
    found = models.PositiveIntegerField(_("新发现"), default=0)

    class Meta:
        verbose_name = _("每周抽查")
        verbose_name_plural = _("每周抽查")

    def __str__(self) -> str:
        return f"{self.as_of:%Y-%m-%d}"


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    DISMISSED = "dismissed", _("不予认定")


class SpotFinding(models.Model):
    """One finding of a spot check, waiting for the manager's confirmation."""

    site = _site()
    spot_check = models.ForeignKey(
        SpotCheck, on_delete=models.CASCADE, related_name="findings", verbose_name=_("抽查")
    )
    guard = _user(_("门卫账号"), null=True)
    guard_name = models.CharField(_("门卫"), max_length=60)
    kind = models.CharField(_("违规类型"), max_length=30)
    rule = models.CharField(_("规则"), max_length=10)
    at = models.DateTimeField(_("时间"))
    ref = models.CharField(_("涉及记录"), max_length=120, blank=True)
    detail = models.CharField(_("说明"), max_length=120, blank=True)
    message = models.CharField(_("内容"), max_length=300)
    status = models.CharField(
        _("状态"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    decided_by = _user(_("确认人"), null=True)

    class Meta:
        verbose_name = _("抽查发现")
        verbose_name_plural = _("抽查发现")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "guard_name", "kind", "at", "ref"], name="guard_finding_once"
            )
        ]

    def __str__(self) -> str:
        return self.message


class PenaltyKindChoice(models.TextChoices):
    NOTICE = "notice", _("通报")
    FINE = "fine", _("罚款")


class Penalty(models.Model):
    """A row of the ledger of notices and fines per guard."""

    site = _site()
    finding = models.OneToOneField(
        SpotFinding, on_delete=models.PROTECT, related_name="penalty", verbose_name=_("抽查发现")
    )
    guard = _user(_("门卫账号"), null=True)
    guard_name = models.CharField(_("门卫"), max_length=60)
    kind = models.CharField(_("处理"), max_length=10, choices=PenaltyKindChoice.choices)
    amount_fen = models.BigIntegerField(_("罚款（分）"), default=0)
    repeat_of = models.DateField(_("上次违规"), null=True, blank=True)
    message = models.CharField(_("内容"), max_length=300)
    at = models.DateTimeField(_("时间"))
    notice = models.ForeignKey(
        "access.Notice", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("通报与罚款")
        verbose_name_plural = _("通报与罚款台账")

    def __str__(self) -> str:
        return self.message
