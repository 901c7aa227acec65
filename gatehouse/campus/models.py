"""Campus closed management (seed template T3): the class teacher's leave passes (请假条/出门条)
that let a student out during school hours (rule T3-01). Parents' pick-ups and visits are
invitations (:class:`gatehouse.visitors.models.Invitation`) the teacher confirms (T3-02)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
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
