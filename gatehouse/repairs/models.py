"""Repair work orders (issue 17 §4; SPEC GV-05 小修不过夜): what a resident files from the phone,
who it was dispatched to, when it was started and finished, the resident's confirmation and the
service centre's return visit (回访), with the photos taken on the way.

The rules live in :mod:`gatehouse.core.repairs`; these are the records the services write.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gatehouse.admission.uploads import document_path
from gatehouse.core.repairs import Category, Satisfaction, State

CATEGORY_CHOICES = [
    (Category.WATER.value, _("水（漏水、堵塞、龙头）")),
    (Category.ELECTRIC.value, _("电（跳闸、插座、照明）")),
    (Category.DOOR.value, _("门窗门锁")),
    (Category.PUBLIC.value, _("公共区域")),
    (Category.OTHER.value, _("其他")),
]
STATE_CHOICES = [
    (State.FILED.value, _("待派单")),
    (State.DISPATCHED.value, _("已派单")),
    (State.STARTED.value, _("维修中")),
    (State.DONE.value, _("待住户确认")),
    (State.CONFIRMED.value, _("待回访")),
    (State.VISITED.value, _("已办结")),
]
SATISFACTION_CHOICES = [
    (Satisfaction.SATISFIED.value, _("满意")),
    (Satisfaction.FAIR.value, _("基本满意")),
    (Satisfaction.UNSATISFIED.value, _("不满意")),
]
OPEN_STATES = (State.FILED.value, State.DISPATCHED.value, State.STARTED.value)


def _user(verbose: object) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose,
    )


class RepairOrder(models.Model):
    """A row of 报修登记表: one repair a resident asked for, from filing to the return visit."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    house = models.ForeignKey(
        "sites.House", on_delete=models.PROTECT, related_name="+", verbose_name=_("房屋")
    )
    resident = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("报修人"),
    )
    category = models.CharField(_("报修类别"), max_length=20, choices=CATEGORY_CHOICES)
    place = models.CharField(_("具体位置"), max_length=100, blank=True)
    description = models.CharField(_("问题描述"), max_length=500)
    state = models.CharField(
        _("状态"), max_length=20, choices=STATE_CHOICES, default=State.FILED.value
    )
    filed_at = models.DateTimeField(_("报修时间"))
    filed_by = _user(_("报修账号"))
    due_at = models.DateTimeField(_("应完成时间"))
    due_reason = models.CharField(_("时限依据"), max_length=40)
    rule = models.CharField(_("规则"), max_length=10)
    assignee = _user(_("维修人员"))
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    dispatched_by = _user(_("派单人"))
    started_at = models.DateTimeField(_("开始维修"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完工时间"), null=True, blank=True)
    finish_note = models.CharField(_("维修说明"), max_length=300, blank=True)
    confirmed_at = models.DateTimeField(_("住户确认时间"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重新报修次数"), default=0)
    reopen_reason = models.CharField(_("重新报修原因"), max_length=300, blank=True)
    visited_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    visited_by = _user(_("回访人"))
    satisfaction = models.PositiveSmallIntegerField(
        _("满意度"), choices=SATISFACTION_CHOICES, null=True, blank=True
    )
    visit_note = models.CharField(_("回访意见"), max_length=300, blank=True)
    overdue_alerted_at = models.DateTimeField(_("超时提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("报修工单")
        verbose_name_plural = _("报修登记表")
        indexes = [
            models.Index(fields=["site", "-filed_at"], name="repair_site_filed"),
            models.Index(fields=["assignee", "state"], name="repair_assignee_state"),
            models.Index(
                fields=["site", "due_at"],
                condition=Q(finished_at__isnull=True),
                name="repair_open_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.house} {self.get_category_display()}"

    @property
    def number(self) -> str:
        """The order's number as the resident quotes it: BX + the filing day + the id."""
        return f"BX{timezone.localtime(self.filed_at):%Y%m%d}-{self.pk:04d}"


class PhotoStage(models.TextChoices):
    FILED = "filed", _("报修照片")
    FINISHED = "finished", _("完工照片")


class RepairPhoto(models.Model):
    """A photo of the fault (filed) or of the repair (finished); served only to the resident,
    the service centre and the worker, never from a public media URL."""

    order = models.ForeignKey(
        RepairOrder, on_delete=models.CASCADE, related_name="photos", verbose_name=_("工单")
    )
    stage = models.CharField(_("阶段"), max_length=10, choices=PhotoStage.choices)
    file = models.FileField(_("照片"), upload_to=document_path, max_length=200)
    name = models.CharField(_("原文件名"), max_length=200)
    uploaded_at = models.DateTimeField(_("上传时间"))
    uploaded_by = _user(_("上传人"))

    class Meta:
        verbose_name = _("报修照片")
        verbose_name_plural = _("报修照片")

    def __str__(self) -> str:
        return self.name
