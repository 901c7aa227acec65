"""Goods in and out of a site (SPEC §6, G-01 … G-05): release slips (放行条) with their items,
the goods-release register (物品放行登记) written by every check at the gate, goods anomalies,
goods brought in (dangerous goods, decoration materials), decoration follow-ups, the hand-offs
of the shift's slips and the site's configuration.

The rules live in :mod:`gatehouse.core.goods`; these are the records the services write.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gatehouse.access.models import OUTCOME_CHOICES, PENDING_CHOICES
from gatehouse.core.goods import (
    ApplicantKind,
    Carrier,
    DecorationPolicy,
    HandoffStage,
    Hazard,
)

_DEFAULT_POLICY = DecorationPolicy()


def _user(verbose: object, *, related: str = "+") -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name=related,
        verbose_name=verbose,
    )


def _site() -> models.ForeignKey:
    return models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )


def default_shift_changes() -> list[str]:
    return ["08:00", "20:00"]


def default_refused() -> list[str]:
    return list(_DEFAULT_POLICY.refused)


def default_follow_up() -> list[str]:
    return list(_DEFAULT_POLICY.follow_up)


class GoodsSettings(models.Model):
    """A site's configuration for goods: the service centre's hours (G-02), the shift changes and
    the squad leader's deadline for the slips (G-05), the decoration lists (G-04)."""

    site = models.OneToOneField(
        "sites.Site",
        on_delete=models.CASCADE,
        related_name="goods_settings",
        verbose_name=_("场所"),
    )
    service_opens = models.TimeField(_("服务中心上班时间"), default=time(8, 0))
    service_closes = models.TimeField(_("服务中心下班时间"), default=time(18, 0))
    service_weekdays = models.CharField(
        _("服务中心工作日"),
        max_length=7,
        default="0123456",
        help_text=_("0=周一 … 6=周日"),
    )
    closed_dates = models.JSONField(_("休息日"), default=list, blank=True)
    shift_changes = models.JSONField(_("交班时间"), default=default_shift_changes)
    squad_leader = models.CharField(_("中队长"), max_length=50, blank=True)
    hand_on_hours = models.PositiveSmallIntegerField(_("中队长上交客服时限（小时）"), default=24)
    decoration_refused = models.JSONField(_("禁止进入的装修物品"), default=default_refused)
    decoration_follow_up = models.JSONField(_("须通知装修巡查的物品"), default=default_follow_up)
    updated_at = models.DateTimeField(_("修改时间"), null=True, blank=True)
    updated_by = _user(_("修改人"))

    class Meta:
        verbose_name = _("物品出入设置")
        verbose_name_plural = _("物品出入设置")

    def __str__(self) -> str:
        return str(self.site)


APPLICANT_CHOICES = [
    (ApplicantKind.OWNER.value, _("业主")),
    (ApplicantKind.TENANT.value, _("租户")),
    (ApplicantKind.ENTERPRISE.value, _("企业")),
]


class SlipState(models.TextChoices):
    APPLIED = "applied", _("待开具")
    ISSUED = "issued", _("已开具")
    USED = "used", _("已放行")
    REVOKED = "revoked", _("已作废")
    DECLINED = "declined", _("不予开具")


class SlipForm(models.TextChoices):
    """Which paper a slip is: the goods release slip of the gates (G-01), or T7's large-item
    exit form (《大件物品出入单》, V-12) that a vehicle leaving with large items shows at the
    vehicle exit — the same record (items, plate, day, the desk that issued it, a signed QR)."""

    SLIP = "slip", _("物品放行条")
    LARGE_ITEMS = "large_items", _("大件物品出入单")


class ReleaseSlip(models.Model):
    """A release slip (放行条, G-01): applied for by a resident, tenant or enterprise, issued by
    the service centre with a signed QR, valid on one day, used once at the gate. A slip of the
    form :attr:`SlipForm.LARGE_ITEMS` is a 《大件物品出入单》 for a vehicle (V-12)."""

    site = _site()
    number = models.CharField(_("放行条号"), max_length=20)
    form = models.CharField(
        _("单据类型"), max_length=12, choices=SlipForm.choices, default=SlipForm.SLIP
    )
    token = models.CharField(max_length=32, unique=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=SlipState.choices, default=SlipState.APPLIED
    )
    applicant_kind = models.CharField(_("申请人类别"), max_length=12, choices=APPLICANT_CHOICES)
    applicant_name = models.CharField(_("申请人"), max_length=50)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("住户"),
    )
    enterprise = models.ForeignKey(
        "people.Enterprise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("企业"),
    )
    house = models.ForeignKey(
        "sites.House",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("房号"),
    )
    plate = models.CharField(_("车牌号"), max_length=10, blank=True)
    valid_on = models.DateField(_("出区日期"))
    reason = models.CharField(_("事由"), max_length=200, blank=True)
    created_on = models.DateField(_("填写日期"))
    applied_at = models.DateTimeField(_("申请时间"))
    applied_by = _user(_("申请人账号"))
    issued_at = models.DateTimeField(_("开具时间"), null=True, blank=True)
    issued_by = _user(_("开具人"))
    used_at = models.DateTimeField(_("放行时间"), null=True, blank=True)
    used_by = _user(_("放行门岗"))
    closed_at = models.DateTimeField(_("作废/退回时间"), null=True, blank=True)
    closed_by = _user(_("作废/退回人"))
    close_reason = models.CharField(_("作废/退回原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("放行条")
        verbose_name_plural = _("放行条")
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="goods_slip_number_per_site")
        ]
        indexes = [
            models.Index(fields=["site", "status", "-applied_at"], name="goods_slip_site_status"),
            models.Index(fields=["created_on"], name="goods_slip_created_on"),
        ]

    def __str__(self) -> str:
        return self.number


class SlipItem(models.Model):
    """One line of a slip: name, quantity, unit."""

    slip = models.ForeignKey(
        ReleaseSlip, on_delete=models.CASCADE, related_name="items", verbose_name=_("放行条")
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("物品名称"), max_length=50)
    quantity = models.DecimalField(_("数量"), max_digits=10, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=10)

    class Meta:
        verbose_name = _("放行物品")
        verbose_name_plural = _("放行物品")
        constraints = [
            models.UniqueConstraint(fields=["slip", "position"], name="goods_item_position")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.quantity.normalize():f}{self.unit}"


class HoldState(models.TextChoices):
    NONE = "", _("—")
    HELD = "held", _("暂扣待处置")
    RELEASED = "released", _("核实后放行")
    RETURNED = "returned", _("退回不予放行")


class GoodsRelease(models.Model):
    """A row of 物品放行登记 (G-01, G-02): one check of goods leaving at the gate, whatever the
    outcome, with the item-by-item result. Goods held on a mismatch wait here for the office."""

    site = _site()
    gate = models.ForeignKey(
        "sites.Gate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("出入口"),
    )
    at = models.DateTimeField(_("核验时间"))
    created_on = models.DateField(_("登记日期"))
    guard = _user(_("值班门岗"))
    slip = models.ForeignKey(
        ReleaseSlip,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checks",
        verbose_name=_("放行条"),
    )
    slip_number = models.CharField(_("放行条号"), max_length=20, blank=True)
    bearer_kind = models.CharField(
        _("携物人类别"), max_length=12, choices=APPLICANT_CHOICES, blank=True
    )
    bearer_name = models.CharField(_("携物人"), max_length=50, blank=True)
    house_number = models.CharField(_("房号/企业"), max_length=100, blank=True)
    plate = models.CharField(_("车牌号"), max_length=10, blank=True)
    goods = models.JSONField(_("携带物品"), default=list)
    items = models.JSONField(_("逐项核对"), default=list, blank=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=OUTCOME_CHOICES)
    pending = models.CharField(_("待确认事项"), max_length=20, blank=True, choices=PENDING_CHOICES)
    reason = models.CharField(_("原因代码"), max_length=60)
    rule = models.CharField(_("规则"), max_length=10, blank=True)
    message = models.CharField(_("提示"), max_length=300)
    obligations = models.JSONField(_("后续事项"), default=list, blank=True)
    owner_identified = models.BooleanField(_("业主卡和有效证件"), null=True, blank=True)
    home_verified = models.BooleanField(_("上门核实"), null=True, blank=True)
    id_number_masked = models.CharField(_("证件号"), max_length=18, blank=True)
    verifier = models.CharField(_("核实人"), max_length=50, blank=True)
    hold_state = models.CharField(
        _("暂扣处置"), max_length=10, choices=HoldState.choices, blank=True, default=""
    )
    resolved_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    resolved_by = _user(_("处置人"))
    resolution = models.CharField(_("处置意见"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("物品放行登记")
        verbose_name_plural = _("物品放行登记")
        indexes = [
            models.Index(fields=["site", "-at"], name="goods_release_site_at"),
            models.Index(fields=["created_on"], name="goods_release_created_on"),
            models.Index(
                fields=["site"], condition=Q(hold_state="held"), name="goods_release_held"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.slip_number or self.bearer_name} {self.outcome}"


class EntryKind(models.TextChoices):
    HAZARD = "hazard", _("危险物品")
    DECORATION = "decoration", _("装修材料")


CARRIER_CHOICES = [
    (Carrier.RESIDENT.value, _("业主/住户")),
    (Carrier.VISITOR.value, _("来访者")),
    (Carrier.WORKER.value, _("施工人员")),
]
HAZARD_CHOICES = [
    (Hazard.FLAMMABLE.value, _("易燃")),
    (Hazard.EXPLOSIVE.value, _("易爆")),
    (Hazard.TOXIC.value, _("剧毒")),
]


class GoodsEntry(models.Model):
    """Goods brought in that the guard records (G-03 dangerous goods, G-04 decoration materials),
    with the decision."""

    site = _site()
    gate = models.ForeignKey(
        "sites.Gate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("出入口"),
    )
    kind = models.CharField(_("类别"), max_length=12, choices=EntryKind.choices)
    at = models.DateTimeField(_("登记时间"))
    created_on = models.DateField(_("登记日期"))
    guard = _user(_("值班门岗"))
    carrier = models.CharField(_("携带人身份"), max_length=10, choices=CARRIER_CHOICES)
    carrier_name = models.CharField(_("携带人"), max_length=50, blank=True)
    house = models.ForeignKey(
        "sites.House",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("房号"),
    )
    house_number = models.CharField(_("房号"), max_length=40, blank=True)
    items = models.JSONField(_("物品"), default=list)
    insists = models.BooleanField(_("住户执意带入"), null=True, blank=True)
    permit = models.ForeignKey(
        "visitors.Pass",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("装修出入证"),
    )
    permit_number = models.CharField(_("装修出入证号"), max_length=20, blank=True)
    permit_confirmed = models.BooleanField(_("装修手续已核实"), null=True, blank=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=OUTCOME_CHOICES)
    pending = models.CharField(_("待确认事项"), max_length=20, blank=True, choices=PENDING_CHOICES)
    reason = models.CharField(_("原因代码"), max_length=60)
    rule = models.CharField(_("规则"), max_length=10, blank=True)
    message = models.CharField(_("提示"), max_length=300)
    obligations = models.JSONField(_("后续事项"), default=list, blank=True)

    class Meta:
        verbose_name = _("物品进入登记")
        verbose_name_plural = _("物品进入登记")
        indexes = [models.Index(fields=["site", "-at"], name="goods_entry_site_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.outcome}"


class AnomalyKind(models.TextChoices):
    MISMATCH = "mismatch", _("物品与放行条不符")
    PLATE_MISMATCH = "plate_mismatch", _("车辆与放行条不符")
    HAZARD = "hazard", _("住户执意带入危险物品")


class GoodsAnomaly(models.Model):
    """An anomaly about goods (G-01 held goods, G-03 dangerous goods let in): recorded, reported
    to the monitoring centre and the security managers, closed with the office's decision."""

    site = _site()
    kind = models.CharField(_("类别"), max_length=20, choices=AnomalyKind.choices)
    release = models.ForeignKey(
        GoodsRelease,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="anomalies",
        verbose_name=_("物品放行登记"),
    )
    entry = models.ForeignKey(
        GoodsEntry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="anomalies",
        verbose_name=_("物品进入登记"),
    )
    message = models.CharField(_("情况"), max_length=300)
    reported_at = models.DateTimeField(_("报告时间"))
    reported_by = _user(_("报告人"))
    escalated_to = models.CharField(_("上报对象"), max_length=200, blank=True)
    closed_at = models.DateTimeField(_("处理完毕"), null=True, blank=True)
    closed_by = _user(_("处理人"))
    resolution = models.CharField(_("处理结果"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("物品异常情况")
        verbose_name_plural = _("物品异常情况")
        indexes = [
            models.Index(
                fields=["site", "-reported_at"],
                condition=Q(closed_at__isnull=True),
                name="goods_anomaly_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reported_at:%Y-%m-%d %H:%M}"


class DecorationFollowUp(models.Model):
    """G-04: security windows, AC units, security doors brought in; the decoration inspectors
    check the installation and close the follow-up."""

    site = _site()
    entry = models.ForeignKey(
        GoodsEntry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("物品进入登记"),
    )
    house = models.ForeignKey(
        "sites.House",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("房号"),
    )
    house_number = models.CharField(_("房号"), max_length=40)
    items = models.CharField(_("物品"), max_length=200)
    opened_at = models.DateTimeField(_("通知时间"))
    closed_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    closed_by = _user(_("核实人"))
    result = models.CharField(_("核实结果"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("装修巡查跟进")
        verbose_name_plural = _("装修巡查跟进")
        indexes = [
            models.Index(
                fields=["site", "opened_at"],
                condition=Q(closed_at__isnull=True),
                name="goods_follow_up_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.house_number} {self.items}"


HANDOFF_CHOICES = [
    (HandoffStage.TO_SQUAD_LEADER.value, _("交中队长")),
    (HandoffStage.TO_SERVICE.value, _("交客服")),
]


class SlipHandoff(models.Model):
    """G-05: a used slip handed from the guard to the squad leader, or from the squad leader to
    customer service."""

    slip = models.ForeignKey(
        ReleaseSlip, on_delete=models.CASCADE, related_name="handoffs", verbose_name=_("放行条")
    )
    stage = models.CharField(_("环节"), max_length=20, choices=HANDOFF_CHOICES)
    at = models.DateTimeField(_("交接时间"))
    handed_by = models.CharField(_("交出人"), max_length=50)
    received_by = models.CharField(_("接收人"), max_length=50)
    recorded_by = _user(_("登记人"))

    class Meta:
        verbose_name = _("放行条交接")
        verbose_name_plural = _("放行条交接")
        constraints = [models.UniqueConstraint(fields=["slip", "stage"], name="goods_handoff_once")]

    def __str__(self) -> str:
        return f"{self.slip} {self.get_stage_display()}"
