"""The periodic jobs' runs, and the queue of Django tasks behind them (no broker: the database)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TaskRecord(models.Model):
    """One enqueued ``django.tasks`` task, as :class:`gatehouse.jobs.backend.DatabaseBackend`
    stores it; ``run_tasks`` claims it (READY → RUNNING) and writes the outcome."""

    task_path = models.CharField(max_length=200)
    queue_name = models.CharField(max_length=32, default="default")
    backend_name = models.CharField(max_length=32, default="default")
    priority = models.SmallIntegerField(default=0)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    status = models.CharField(max_length=12, default="READY", db_index=True)
    enqueued_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    return_value = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    exception_path = models.CharField(max_length=200, blank=True, default="")
    worker_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("任务队列")
        verbose_name_plural = _("任务队列")
        indexes = [models.Index(fields=["status", "priority", "id"], name="task_ready")]

    def __str__(self) -> str:
        return f"{self.task_path} #{self.pk}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("成功")
    FAILED = "failed", _("失败")


class JobRun(models.Model):
    """One run of a periodic job for one due time. The scheduler creates the row when the time
    is due; the uniqueness of (job, due_at) keeps two schedulers from enqueueing it twice."""

    job = models.CharField(_("任务"), max_length=40)
    due_at = models.DateTimeField(_("计划时间"))
    status = models.CharField(
        _("状态"), max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    enqueued_at = models.DateTimeField(_("入队时间"))
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"), null=True, blank=True)
    summary = models.CharField(_("结果"), max_length=200, blank=True, default="")
    error = models.TextField(_("错误"), blank=True, default="")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("手动执行人"),
    )

    class Meta:
        verbose_name = _("定时任务运行")
        verbose_name_plural = _("定时任务运行")
        constraints = [
            models.UniqueConstraint(fields=["job", "due_at"], name="job_due_once"),
        ]
        indexes = [
            models.Index(fields=["job", "-due_at"], name="job_latest"),
            # the scheduler looks for abandoned runs on every pass (every 5 s): the few running
            # rows, not the history
            models.Index(fields=["started_at"], condition=Q(status="running"), name="job_running"),
        ]

    def __str__(self) -> str:
        return f"{self.job} @ {self.due_at:%Y-%m-%d %H:%M}"
