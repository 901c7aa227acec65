"""Driving and parking inside the site (issue 17 §5; seed T7 第七–十一条, 第十四条): the
parking-violation register — each violation a guard records, with the steps that handled it
(劝阻警告, 通报所在单位, 报警 and the police's outcome) and the photos taken on the spot.

The rules live in :mod:`gatehouse.core.traffic`; these are the records the services write.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gatehouse.admission.uploads import document_path
from gatehouse.core.traffic import Kind, Policy, Step

_DEFAULT = Policy()

KIND_CHOICES = [
    (Kind.FIRE_LANE.value, _("占用消防通道")),
    (Kind.OTHERS_BAY.value, _("占用他人专用车位")),
    (Kind.DISABLED_BAY.value, _("占用残疾人专用车位")),
    (Kind.OFF_BAY.value, _("跨车位或在车位外停放")),
    (Kind.SPEEDING.value, _("超速行驶")),
    (Kind.HORN.value, _("鸣喇叭")),
    (Kind.REPAIR.value, _("在园内修车、练车")),
    (Kind.DAMAGE.value, _("碾压绿化、损坏公共设施")),
]
STEP_CHOICES = [
    (Step.WARNING.value, _("劝阻警告")),
    (Step.EMPLOYER.value, _("通报所在单位/车主")),
    (Step.POLICE.value, _("报警")),
]


def _user(verbose: object) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose,
    )


class TrafficSettings(models.Model):
    """A site's repeat thresholds (T7 第十四条 leaves them to the property)."""

    site = models.OneToOneField(
        "sites.Site",
        on_delete=models.CASCADE,
        related_name="traffic_settings",
        verbose_name=_("场所"),
    )
    window_days = models.PositiveSmallIntegerField(
        _("累计违规统计天数"), default=_DEFAULT.window_days
    )
    employer_at = models.PositiveSmallIntegerField(
        _("第几次违规通报所在单位"), default=_DEFAULT.employer_at
    )
    police_at = models.PositiveSmallIntegerField(_("第几次违规报警"), default=_DEFAULT.police_at)

    class Meta:
        verbose_name = _("违规升级设置")
        verbose_name_plural = _("违规升级设置")

    def __str__(self) -> str:
        return str(self.site)


class Violation(models.Model):
    """A row of 车辆违规登记表: what a guard saw, and the step it calls for (T7 第十四条)."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    plate = models.CharField(_("车牌号"), max_length=10)
    kind = models.CharField(_("违规类别"), max_length=20, choices=KIND_CHOICES)
    place = models.CharField(_("地点"), max_length=100)
    note = models.CharField(_("情况说明"), max_length=300, blank=True)
    party = models.CharField(_("车主/所在单位"), max_length=120, blank=True)
    reported_at = models.DateTimeField(_("登记时间"))
    reported_by = _user(_("登记人"))
    count = models.PositiveSmallIntegerField(_("统计期内第几次"))
    required_step = models.PositiveSmallIntegerField(_("应采取措施"), choices=STEP_CHOICES)
    reason = models.CharField(_("原因代码"), max_length=60)
    rule = models.CharField(_("规则"), max_length=10)
    message = models.CharField(_("处理意见"), max_length=200)
    handled_at = models.DateTimeField(_("处理完毕"), null=True, blank=True)

    class Meta:
        verbose_name = _("车辆违规登记")
        verbose_name_plural = _("车辆违规登记表")
        indexes = [
            models.Index(fields=["site", "-reported_at"], name="violation_site_at"),
            models.Index(fields=["site", "plate", "reported_at"], name="violation_plate_at"),
            models.Index(
                fields=["site", "reported_at"],
                condition=Q(handled_at__isnull=True),
                name="violation_open",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(required_step__in=[1, 2, 3]), name="violation_step_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plate} {self.get_kind_display()} {self.reported_at:%Y-%m-%d %H:%M}"


class ViolationStep(models.Model):
    """One way the violation was handled, with who and when (T7 第十四条); the police step
    carries the police's outcome, recorded when it is known."""

    violation = models.ForeignKey(
        Violation, on_delete=models.CASCADE, related_name="steps", verbose_name=_("违规登记")
    )
    step = models.PositiveSmallIntegerField(_("措施"), choices=STEP_CHOICES)
    at = models.DateTimeField(_("时间"))
    by = _user(_("经办人"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    outcome = models.CharField(_("出警结果"), max_length=300, blank=True)
    outcome_at = models.DateTimeField(_("结果登记时间"), null=True, blank=True)
    outcome_by = _user(_("结果登记人"))

    class Meta:
        verbose_name = _("违规处理措施")
        verbose_name_plural = _("违规处理措施")
        constraints = [
            models.UniqueConstraint(fields=["violation", "step"], name="violation_step_once")
        ]

    def __str__(self) -> str:
        return f"{self.violation_id} {self.get_step_display()}"


class ViolationPhoto(models.Model):
    """A photo of the violation taken on the spot; served only through a view that checks the
    reader's role at the site, never from a public media URL."""

    violation = models.ForeignKey(
        Violation, on_delete=models.CASCADE, related_name="photos", verbose_name=_("违规登记")
    )
    file = models.FileField(_("照片"), upload_to=document_path, max_length=200)
    name = models.CharField(_("原文件名"), max_length=200)
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("违规照片")
        verbose_name_plural = _("违规照片")

    def __str__(self) -> str:
        return self.name
