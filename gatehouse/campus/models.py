"""Campus closed management (seed template T3): the class teacher's leave passes (请假条/出门条)
that let a student out during school hours (rule T3-01). Parents' pick-ups and visits are
invitations (:class:`gatehouse.visitors.models.Invitation`) the teacher confirms (T3-02)."""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LeavePass(models.Model):
    """One leave pass: which student, issued by which teacher, why, for which window; used once
    at the gate on the way out (the access event that used it is kept)."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    student = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="leave_passes",
        verbose_name=_("学生"),
    )
    teacher = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="leave_passes_issued",
        verbose_name=_("开具老师"),
    )
    reason = models.CharField(_("请假事由"), max_length=200)
    picked_up_by = models.CharField(_("接送人"), max_length=50, blank=True)
    window_start = models.DateTimeField(_("离校时间"))
    window_end = models.DateTimeField(_("截止时间"))
    issued_at = models.DateTimeField(_("开具时间"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("开具账号"),
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    used_at = models.DateTimeField(_("出校时间"), null=True, blank=True)
    used_event = models.ForeignKey(
        "access.AccessEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("出校记录"),
        db_constraint=False,  # the log is partitioned and purged (gate/partitions.py)
    )

    class Meta:
        verbose_name = _("请假条")
        verbose_name_plural = _("学生请假条")
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gt=F("window_start")), name="leave_pass_window_ordered"
            )
        ]
        indexes = [models.Index(fields=["student", "-window_start"], name="leave_pass_student_idx")]

    def __str__(self) -> str:
        return f"{self.student} {self.window_start:%m-%d %H:%M}"


class Meal(models.TextChoices):
    BREAKFAST = "breakfast", _("早餐")
    LUNCH = "lunch", _("午餐")
    DINNER = "dinner", _("晚餐")


class FoodSample(models.Model):
    """One row of the canteen's 留样记录 (T3-03): the dish, when and how much was kept, by whom,
    and its disposal after 48 hours."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    meal = models.CharField(_("餐次"), max_length=10, choices=Meal.choices)
    dish = models.CharField(_("菜品"), max_length=100)
    grams = models.PositiveIntegerField(_("留样量（克）"))
    kept_at = models.DateTimeField(_("留样时间"))
    keeper = models.CharField(_("留样人"), max_length=50)
    dispose_due = models.DateTimeField(_("应处理时间"))
    disposed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    disposed_by = models.CharField(_("处理人"), max_length=50, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记账号"),
    )

    class Meta:
        verbose_name = _("食品留样")
        verbose_name_plural = _("食品留样记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(dispose_due__gt=F("kept_at")), name="food_sample_due_after_kept"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dish} {self.kept_at:%m-%d %H:%M}"


def copy_path(instance: Any, filename: str) -> str:
    """``campus/<yyyy>/<mm>/<random>.<ext>``: no supplier's or person's name in a stored file
    name (the gate imports these models, so the admission app's helper is not imported)."""
    now = timezone.localtime()
    return f"campus/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


def _recorded_by(label: object = None) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=label or _("登记账号"),
    )


def _site() -> models.ForeignKey:
    return models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )


# -- 索证索票 (T3-04): the canteen's suppliers, their certificates, the deliveries accepted ------


class CertKind(models.TextChoices):
    BUSINESS_LICENCE = "business_licence", _("营业执照")
    FOOD_LICENCE = "food_licence", _("食品经营/生产许可证")
    INSPECTION = "inspection", _("检验检疫合格证明")
    HEALTH = "health", _("送货人员健康证")
    OTHER = "other", _("其他证明")


class Supplier(models.Model):
    """A supplier of the canteen: who it is and what it supplies (its certificates below)."""

    site = _site()
    name = models.CharField(_("供应商名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    goods = models.CharField(_("供货品种"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"))
    created_by = _recorded_by()

    class Meta:
        verbose_name = _("食材供应商")
        verbose_name_plural = _("食材供应商")
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="campus_supplier_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class SupplierCertificate(models.Model):
    """A certificate of a supplier (or of its delivery staff) with its uploaded copy, stored
    under a random name and served only to the site's staff."""

    supplier = models.ForeignKey(
        Supplier, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("供应商")
    )
    kind = models.CharField(_("证照类别"), max_length=20, choices=CertKind.choices)
    number = models.CharField(_("证照编号"), max_length=60)
    holder = models.CharField(_("持证人"), max_length=50, blank=True)
    issuer = models.CharField(_("发证机关"), max_length=100, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    file = models.FileField(_("复印件"), upload_to=copy_path, max_length=200, blank=True)
    file_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("登记时间"))
    uploaded_by = _recorded_by()

    class Meta:
        verbose_name = _("供应商证照")
        verbose_name_plural = _("供应商证照")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Delivery(models.Model):
    """A row of the 索证索票 register: a delivery accepted by the canteen, with the receipt and
    the certificates checked on the day (T3-04)."""

    site = _site()
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("供应商")
    )
    delivered_on = models.DateField(_("送货日期"))
    goods = models.CharField(_("品名"), max_length=100)
    batch = models.CharField(_("批号/生产日期"), max_length=60, blank=True)
    quantity = models.DecimalField(_("数量"), max_digits=10, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=10)
    receipt_no = models.CharField(_("票据号"), max_length=60)
    certificates = models.ManyToManyField(
        SupplierCertificate, related_name="deliveries", verbose_name=_("查验证照")
    )
    accepted_by = models.CharField(_("验收人"), max_length=50)
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = _recorded_by()

    class Meta:
        verbose_name = _("进货查验记录")
        verbose_name_plural = _("索证索票登记")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="campus_delivery_quantity")
        ]

    def __str__(self) -> str:
        return f"{self.delivered_on} {self.goods}"


# -- guards living on campus (T3·9): lodging, meals, the school's supervision --------------------


class GuardLodging(models.Model):
    """A security-company guard's bed on campus, from one day to another (open: still there)."""

    site = _site()
    guard = models.CharField(_("保安员"), max_length=50)
    company = models.CharField(_("保安公司"), max_length=100, blank=True)
    room = models.CharField(_("宿舍"), max_length=30)
    bed = models.CharField(_("床位"), max_length=10)
    start = models.DateField(_("入住日期"))
    end = models.DateField(_("退宿日期"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = _recorded_by()

    class Meta:
        verbose_name = _("保安住宿")
        verbose_name_plural = _("驻校保安住宿登记")

    def __str__(self) -> str:
        return f"{self.guard} {self.room}-{self.bed}"


class GuardMeal(models.Model):
    """A meal served to the guards on campus: which day and meal, who ate, who served."""

    site = _site()
    day = models.DateField(_("日期"))
    meal = models.CharField(_("餐次"), max_length=10, choices=Meal.choices)
    diners = models.PositiveIntegerField(_("就餐人数"))
    guards = models.CharField(_("就餐保安"), max_length=200, blank=True)
    served_by = models.CharField(_("供餐人"), max_length=50)
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = _recorded_by()

    class Meta:
        verbose_name = _("保安就餐")
        verbose_name_plural = _("驻校保安就餐记录")
        constraints = [
            models.UniqueConstraint(fields=["site", "day", "meal"], name="campus_guard_meal_once")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_meal_display()}"


class CheckArea(models.TextChoices):
    LODGING = "lodging", _("住宿")
    MEALS = "meals", _("就餐")
    POST = "post", _("在岗表现")


class GuardCheck(models.Model):
    """The school's supervision check of the guards' lodging, meals or conduct at the post:
    findings, a rectification deadline, closed once rectified."""

    site = _site()
    checked_on = models.DateField(_("检查日期"))
    area = models.CharField(_("检查内容"), max_length=10, choices=CheckArea.choices)
    inspector = models.CharField(_("检查人"), max_length=50)
    findings = models.CharField(_("发现问题"), max_length=300, blank=True)
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    closed_on = models.DateField(_("整改完成"), null=True, blank=True)
    closed_note = models.CharField(_("整改情况"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = _recorded_by()

    class Meta:
        verbose_name = _("保安监督检查")
        verbose_name_plural = _("驻校保安监督检查")

    def __str__(self) -> str:
        return f"{self.checked_on} {self.get_area_display()}"
