"""Epidemic management beyond the gate (seed T8; SPEC M-03, M-04).

* :class:`Grid` — street → community → building grids (网格), each with its grid officer (a user
  holding the ``grid_officer`` role) and its volunteers; :class:`GridBuilding` puts a building
  into one building grid (a building is in at most one, a gap is shown); :class:`GridCheck` is
  one item of the grid's "五有一网格" checklist with who ticked it and when.
* :class:`ReturneeCase` — a person arriving from outside or from a risk area: the arrival test,
  the 14 days of home monitoring, the tests (:class:`CaseTest`) and daily reports, until it is
  closed with who and why.
* :class:`HealthReport` — a resident's self-report (fever, cough, travel), or a returnee's daily
  health report.
* :class:`EpidemicAlert` — what reached the grid officer: an overdue test, missed reports, an
  abnormal report, a positive test; one row per case and episode (``ref`` is unique).
"""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gatehouse.core.epidemic import (
    AlertKind,
    CaseFacts,
    CloseReason,
    FiveHaves,
    FollowUp,
    GridLevel,
    Met,
    Origin,
    TestFacts,
    TestResult,
)
from gatehouse.sites.models import Direction


class GridLevelChoice(models.TextChoices):
    STREET = GridLevel.STREET.value, _("街道网格")
    COMMUNITY = GridLevel.COMMUNITY.value, _("社区网格")
    BUILDING = GridLevel.BUILDING.value, _("楼院网格")


class FiveHavesChoice(models.TextChoices):
    GUIDE = FiveHaves.GUIDE.value, _("有疫情防控指南")
    RULES = FiveHaves.RULES.value, _("有防控管理制度和责任人")
    SUPPLIES = FiveHaves.SUPPLIES.value, _("有适量防护物资储备")
    MEDICAL = FiveHaves.MEDICAL.value, _("有属地医疗卫生力量指导和支持")
    ISOLATION = FiveHaves.ISOLATION.value, _("有隔离场所和转运安排")


class OriginChoice(models.TextChoices):
    OUTSIDE = Origin.OUTSIDE.value, _("外地返乡")
    RISK_AREA = Origin.RISK_AREA.value, _("中高风险地区来返")


class TestResultChoice(models.TextChoices):
    NEGATIVE = TestResult.NEGATIVE.value, _("阴性")
    POSITIVE = TestResult.POSITIVE.value, _("阳性")


class CloseReasonChoice(models.TextChoices):
    COMPLETED = CloseReason.COMPLETED.value, _("监测期满解除")
    TRANSFERRED = CloseReason.TRANSFERRED.value, _("转运集中隔离/就医")
    LEFT = CloseReason.LEFT.value, _("离开本社区")
    OTHER = CloseReason.OTHER.value, _("其他")


class AlertKindChoice(models.TextChoices):
    TEST_OVERDUE = AlertKind.TEST_OVERDUE.value, _("核酸检测逾期")
    REPORT_MISSED = AlertKind.REPORT_MISSED.value, _("未按时健康上报")
    ABNORMAL = AlertKind.ABNORMAL.value, _("健康状况异常")
    POSITIVE = AlertKind.POSITIVE.value, _("核酸检测阳性")


class MetChoice(models.TextChoices):
    MET = Met.MET.value, _("见到住户")
    NOBODY = Met.NOBODY.value, _("无人在家")
    VACANT = Met.VACANT.value, _("空置房")


class FollowUpChoice(models.TextChoices):
    NONE = FollowUp.NONE.value, _("无需跟进")
    PENDING = FollowUp.PENDING.value, _("待跟进")
    DONE = FollowUp.DONE.value, _("已跟进")


class DisinfectionTarget(models.TextChoices):
    PLACE = "place", _("公共场所")
    VEHICLE = "vehicle", _("车辆")


class Grid(models.Model):
    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    level = models.CharField(_("网格级别"), max_length=12, choices=GridLevelChoice.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级网格"),
    )
    name = models.CharField(_("网格名称"), max_length=60)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("网格员"),
    )
    volunteers = models.CharField(_("志愿者"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("防控网格")
        verbose_name_plural = _("防控网格")
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="epidemic_grid_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class GridBuilding(models.Model):
    """A building in a building grid: each building in one grid at most (M-04)."""

    grid = models.ForeignKey(
        Grid, on_delete=models.CASCADE, related_name="building_links", verbose_name=_("网格")
    )
    building = models.OneToOneField(
        "sites.Building", on_delete=models.CASCADE, related_name="+", verbose_name=_("楼栋")
    )
    assigned_at = models.DateTimeField(_("划入时间"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("划入人"),
    )

    class Meta:
        verbose_name = _("网格楼栋")
        verbose_name_plural = _("网格楼栋")

    def __str__(self) -> str:
        return f"{self.grid} · {self.building}"


class GridCheck(models.Model):
    """One item of "五有一网格" for a grid, ticked (or unticked) with who and when."""

    grid = models.ForeignKey(
        Grid, on_delete=models.CASCADE, related_name="checks", verbose_name=_("网格")
    )
    item = models.CharField(_("项目"), max_length=12, choices=FiveHavesChoice.choices)
    done = models.BooleanField(_("已落实"), default=False)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    checked_at = models.DateTimeField(_("记录时间"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("记录人"),
    )

    class Meta:
        verbose_name = _("五有一网格")
        verbose_name_plural = _("五有一网格")
        constraints = [
            models.UniqueConstraint(fields=["grid", "item"], name="epidemic_check_unique")
        ]

    def __str__(self) -> str:
        return f"{self.grid} · {self.get_item_display()}"


class ReturneeCase(models.Model):
    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("返乡人员")
    )
    house = models.ForeignKey(
        "sites.House", on_delete=models.PROTECT, related_name="+", verbose_name=_("居住房屋")
    )
    origin = models.CharField(_("类别"), max_length=12, choices=OriginChoice.choices)
    came_from = models.CharField(_("出发地"), max_length=60)
    arrived_on = models.DateField(_("到达日期"))
    arrival_test_on = models.DateField(_("返乡前核酸检测日期"))
    arrival_test_result = models.CharField(
        _("返乡前核酸检测结果"), max_length=10, choices=TestResultChoice.choices
    )
    arrival_temperature = models.DecimalField(
        _("到达体温"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    monitor_until = models.DateTimeField(_("居家监测至"))
    opened_at = models.DateTimeField(_("登记时间"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("结案人"),
    )
    close_reason = models.CharField(
        _("结案原因"), max_length=12, choices=CloseReasonChoice.choices, blank=True
    )
    close_note = models.CharField(_("结案说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("返乡人员居家监测")
        verbose_name_plural = _("返乡人员居家监测")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(closed_at__isnull=True), name="one_open_case"
            )
        ]
        indexes = [
            models.Index(
                fields=["person", "monitor_until"],
                condition=Q(closed_at__isnull=True),
                name="epidemic_case_open_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.arrived_on:%m-%d}"

    def facts(self, tests: list[CaseTest] | None = None, reported: set | None = None) -> CaseFacts:
        """The core's view of the case; ``tests`` and ``reported`` when the caller has them."""
        if tests is None:
            tests = list(self.tests.all())
        if reported is None:
            reported = set(
                HealthReport.objects.filter(case=self).values_list("reported_on", flat=True)
            )
        return CaseFacts(
            arrived_on=self.arrived_on,
            tests=tuple(TestFacts(t.taken_on, t.result) for t in tests),
            reported=frozenset(reported),
            closed=self.closed_at is not None,
        )


class CaseTest(models.Model):
    """A nucleic-acid test during the monitoring (one every 7 days)."""

    case = models.ForeignKey(
        ReturneeCase, on_delete=models.CASCADE, related_name="tests", verbose_name=_("案例")
    )
    taken_on = models.DateField(_("检测日期"))
    result = models.CharField(_("结果"), max_length=10, choices=TestResultChoice.choices)
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )

    class Meta:
        verbose_name = _("核酸检测记录")
        verbose_name_plural = _("核酸检测记录")

    def __str__(self) -> str:
        return f"{self.case} {self.taken_on:%m-%d} {self.get_result_display()}"


class HealthReport(models.Model):
    """A health report from a resident's phone: the daily report of a returnee under home
    monitoring (``case`` set) or anyone's self-report of fever, cough or travel."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("上报人")
    )
    case = models.ForeignKey(
        ReturneeCase,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("监测案例"),
    )
    house = models.ForeignKey(
        "sites.House",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("房屋"),
    )
    reported_on = models.DateField(_("上报日期"))
    reported_at = models.DateTimeField(_("上报时间"))
    temperature = models.DecimalField(
        _("体温"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    fever = models.BooleanField(_("发热"), default=False)
    cough = models.BooleanField(_("咳嗽"), default=False)
    other = models.CharField(_("其他症状"), max_length=200, blank=True)
    travel = models.BooleanField(_("14天内旅居史"), default=False)
    travel_place = models.CharField(_("去过的地方"), max_length=200, blank=True)
    abnormal = models.CharField(_("异常情况"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("健康上报")
        verbose_name_plural = _("健康上报")
        indexes = [models.Index(fields=["site", "-reported_at"], name="epidemic_report_idx")]

    def __str__(self) -> str:
        return f"{self.person} {self.reported_on:%m-%d}"


class EpidemicAlert(models.Model):
    """An alert to the grid officer, once per case (or report) and episode."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    grid = models.ForeignKey(
        Grid,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("网格"),
    )
    case = models.ForeignKey(
        ReturneeCase,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("监测案例"),
    )
    report = models.ForeignKey(
        HealthReport,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("健康上报"),
    )
    kind = models.CharField(_("类型"), max_length=16, choices=AlertKindChoice.choices)
    ref = models.CharField(max_length=80)
    message = models.CharField(_("内容"), max_length=300)
    raised_at = models.DateTimeField(_("时间"))
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )

    class Meta:
        verbose_name = _("防控提醒")
        verbose_name_plural = _("防控提醒")
        constraints = [models.UniqueConstraint(fields=["site", "ref"], name="epidemic_alert_once")]

    def __str__(self) -> str:
        return self.message


class OutingRule(models.Model):
    """A site's limit on residents' outings in epidemic mode (M-02): at most ``persons``
    outings per household in any ``days`` days, counted at the gate on the way out."""

    site = models.OneToOneField(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    persons = models.PositiveSmallIntegerField(_("每户外出人次"))
    days = models.PositiveSmallIntegerField(_("天数"))
    updated_at = models.DateTimeField(_("设置时间"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("设置人"),
    )

    class Meta:
        verbose_name = _("居民出行限额")
        verbose_name_plural = _("居民出行限额")

    def __str__(self) -> str:
        return f"{self.persons}/{self.days}"


class ScreeningVisit(models.Model):
    """A door-to-door screening visit (入户排查) to one house by the grid officer: who was met,
    temperature, travel, what was abnormal, and the follow-up with its result."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    house = models.ForeignKey(
        "sites.House", on_delete=models.PROTECT, related_name="+", verbose_name=_("房屋")
    )
    grid = models.ForeignKey(
        Grid,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("网格"),
    )
    visited_at = models.DateTimeField(_("排查时间"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("排查人"),
    )
    met = models.CharField(_("入户情况"), max_length=10, choices=MetChoice.choices)
    persons_met = models.PositiveSmallIntegerField(_("见到人数"), default=0)
    met_names = models.CharField(_("见到的人员"), max_length=100, blank=True)
    temperature = models.DecimalField(
        _("体温"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    travel = models.BooleanField(_("14天内旅居史"), default=False)
    travel_place = models.CharField(_("去过的地方"), max_length=200, blank=True)
    symptoms = models.CharField(_("其他异常"), max_length=200, blank=True)
    abnormal = models.CharField(_("异常情况"), max_length=300, blank=True)
    follow_up = models.CharField(
        _("跟进"), max_length=10, choices=FollowUpChoice.choices, default=FollowUp.NONE.value
    )
    follow_up_result = models.CharField(_("跟进情况"), max_length=200, blank=True)
    followed_up_at = models.DateTimeField(_("跟进时间"), null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("跟进人"),
    )

    class Meta:
        verbose_name = _("入户排查")
        verbose_name_plural = _("入户排查")
        indexes = [models.Index(fields=["site", "-visited_at"], name="epidemic_screening_idx")]

    def __str__(self) -> str:
        return f"{self.house} {self.visited_at:%Y-%m-%d}"


class _LedgerRow(models.Model):
    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )

    class Meta:
        abstract = True


class Disinfection(_LedgerRow):
    """A row of the disinfection ledger: a public place or a vehicle disinfected."""

    target = models.CharField(_("消毒对象"), max_length=10, choices=DisinfectionTarget.choices)
    place = models.CharField(_("场所/车辆"), max_length=100)
    agent = models.CharField(_("消毒剂"), max_length=100)
    done_at = models.DateTimeField(_("消毒时间"))
    done_by = models.CharField(_("消毒人员"), max_length=100)

    class Meta:
        verbose_name = _("消毒记录")
        verbose_name_plural = _("消毒记录")
        indexes = [models.Index(fields=["site", "-done_at"], name="epidemic_disinfect_idx")]

    def __str__(self) -> str:
        return f"{self.place} {self.done_at:%Y-%m-%d %H:%M}"


class SupplyIssue(_LedgerRow):
    """A row of the protective-equipment ledger: an item issued, how many, to whom."""

    item = models.CharField(_("物资名称"), max_length=100)
    quantity = models.PositiveIntegerField(_("数量"))
    issued_to = models.CharField(_("领用人"), max_length=100)
    issued_on = models.DateField(_("发放日期"))

    class Meta:
        verbose_name = _("防护物资发放")
        verbose_name_plural = _("防护物资发放")
        indexes = [models.Index(fields=["site", "-issued_on"], name="epidemic_supply_idx")]

    def __str__(self) -> str:
        return f"{self.item} ×{self.quantity}"


class WasteCollection(_LedgerRow):
    """A row of the medical-waste ledger (废弃口罩、医废垃圾收集、运输): weighed, bagged and handed
    over to the transporter with a signature."""

    collected_on = models.DateField(_("收集日期"))
    weight = models.DecimalField(_("重量（千克）"), max_digits=7, decimal_places=2)
    bags = models.PositiveSmallIntegerField(_("袋数"))
    collector = models.CharField(_("收集人"), max_length=100)
    transporter = models.CharField(_("运输单位/人"), max_length=100)
    signed_by = models.CharField(_("交接签字"), max_length=100)

    class Meta:
        verbose_name = _("医废垃圾收集运输")
        verbose_name_plural = _("医废垃圾收集运输")
        indexes = [models.Index(fields=["site", "-collected_on"], name="epidemic_waste_idx")]

    def __str__(self) -> str:
        return f"{self.collected_on:%Y-%m-%d} {self.weight}kg"


class UnifiedEntrance(models.Model):
    """M-05 (T8·2): compounds — sites, or scattered 小区 of one site — merged behind one set of
    entrances (合并出入口) from ``valid_from`` until ``valid_until`` (or until it is ended). Set
    up and ended by a security manager of every member, with who and why, like the mode switch
    (M-01). While it runs, each member's other gates refuse entry and name the unified entrances,
    and the unified entrances admit the residents and employees of every member.

    A member site points at the merger it is in (``Site.unified_entrance``), so the gate learns
    of it from the site row it loads anyway; the merger itself never changes once set up (ending
    it clears the members' pointers), which lets the gate cache it by its id."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("设立场所")
    )
    name = models.CharField(_("名称"), max_length=60)
    members = models.ManyToManyField("sites.Site", related_name="+", verbose_name=_("合并的小区"))
    gates = models.ManyToManyField("sites.Gate", related_name="+", verbose_name=_("统一出入口"))
    valid_from = models.DateTimeField(_("开始时间"))
    valid_until = models.DateTimeField(_("结束时间"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=200)
    created_at = models.DateTimeField(_("设立时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("设立人"),
    )
    ended_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("解除人"),
    )
    end_reason = models.CharField(_("解除原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("合并出入口")
        verbose_name_plural = _("合并出入口")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="unified_entrance_window",
            )
        ]

    def __str__(self) -> str:
        return self.name


class MergedPassage(models.Model):
    """M-05: a passage of a member of one compound through a unified entrance of another, in the
    register of the person's own site (合并出入口通行记录); the gate's site has the event."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("本人所属场所")
    )
    merger = models.ForeignKey(
        UnifiedEntrance, on_delete=models.PROTECT, related_name="+", verbose_name=_("合并出入口")
    )
    event = models.OneToOneField(
        "access.AccessEvent",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("通行事件"),
        db_constraint=False,  # the log is partitioned and purged (gate/partitions.py)
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("人员")
    )
    gate_site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("通行场所")
    )
    # The lane and direction are kept here, not read through the event: the gate site's
    # retention may purge the event while this register (another site's) still keeps the row.
    # Empty only on a row written before these columns whose event was already gone.
    lane = models.ForeignKey(
        "sites.Lane",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("出入口"),
    )
    direction = models.CharField(
        _("方向"), max_length=3, choices=Direction.choices, blank=True, default=""
    )
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("合并出入口通行记录")
        verbose_name_plural = _("合并出入口通行记录")
        indexes = [models.Index(fields=["site", "-at"], name="merged_passage_site_at")]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.at:%Y-%m-%d %H:%M}"


def scan_path(instance: Any, filename: str) -> str:
    """``epidemic/<yyyy>/<mm>/<random>.<ext>``: no personal data in a stored file name (as
    :func:`gatehouse.admission.uploads.document_path`, which the gate's imports must not reach)."""
    now = instance.created_at
    return f"epidemic/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Commitment(models.Model):
    """T8·11: the property company's written commitment (承诺书) for an epidemic period at one
    site: what it commits to, who signed and when, the signed scan, and the days it covers."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    company = models.CharField(_("物业服务企业"), max_length=100)
    items = models.TextField(_("承诺事项"), max_length=2000)
    signatory = models.CharField(_("签字人"), max_length=40)
    signed_on = models.DateField(_("签署日期"))
    valid_from = models.DateField(_("有效期自"))
    valid_until = models.DateField(_("有效期至"))
    scan = models.FileField(_("签字扫描件"), upload_to=scan_path, max_length=200)
    scan_name = models.CharField(_("文件名"), max_length=200)
    created_at = models.DateTimeField(_("登记时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )

    class Meta:
        verbose_name = _("物业承诺书")
        verbose_name_plural = _("物业承诺书")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="commitment_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} {self.valid_from}–{self.valid_until}"

    def item_list(self) -> list[str]:
        return [line.strip() for line in self.items.splitlines() if line.strip()]
