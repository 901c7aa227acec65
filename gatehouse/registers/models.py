"""Exports made in the background (issue 16 §1): a register's spreadsheet or PDF too long to make
while the page waits is an :class:`ExportJob`, run by ``manage.py export_worker``
(:func:`gatehouse.registers.jobs.run_due_jobs`); its page shows the progress and, when it is done,
the download. The file is kept under ``MEDIA_ROOT/exports/`` and deleted with the job after
:data:`gatehouse.registers.jobs.KEEP`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel 表格")
    PDF = "pdf", _("PDF 打印件")


class ExportState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ExportJob(models.Model):
    """One register exported in the background: who asked, at which site, which register with
    which filters (the query string as the page had it), and how far it has got."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("申请人"),
    )
    key = models.CharField(_("登记表"), max_length=60)
    title = models.CharField(_("标题"), max_length=100)
    query = models.JSONField(_("筛选条件"), default=dict, blank=True)
    period = models.CharField(_("期间"), max_length=60, blank=True)
    format = models.CharField(_("格式"), max_length=8, choices=ExportFormat.choices)
    state = models.CharField(
        _("状态"), max_length=10, choices=ExportState.choices, default=ExportState.QUEUED
    )
    language = models.CharField(_("语言"), max_length=10, blank=True)
    rows_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    error = models.CharField(_("错误信息"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("申请时间"))
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    file = models.FileField(_("文件"), upload_to="exports/", blank=True)
    filename = models.CharField(_("文件名"), max_length=160, blank=True)
    size = models.PositiveBigIntegerField(_("文件大小"), default=0)

    class Meta:
        verbose_name = _("后台导出")
        verbose_name_plural = _("后台导出")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "created_at"], name="registers_export_due"),
            models.Index(
                fields=["site", "requested_by", "-created_at"], name="registers_export_mine"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_format_display()}，{self.get_state_display()}）"

    @property
    def percent(self) -> int:
        """How far it has got, 0–100 (a finished job: 100)."""
        if self.state == ExportState.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, 100 * self.rows_done // self.rows_total)

    @property
    def finished(self) -> bool:
        return self.state in (ExportState.DONE, ExportState.FAILED)
