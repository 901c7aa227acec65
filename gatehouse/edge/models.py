"""What the server has handed its sites' edge agents: one row per record of a site's snapshot,
numbered by the site's change sequence, so an edge asks for "everything after cursor N" and a
deleted or revoked record reaches it as a tombstone (``gatehouse.edge.services``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gatehouse.core.edge import EdgeTrouble


class EdgeSequence(models.Model):
    """A site's change sequence: the last number given to a changed record. Locked while the
    site's records are compared, so two edges asking at once number each change once."""

    site = models.OneToOneField(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    last_seq = models.BigIntegerField(_("最新序号"), default=0)
    compared_at = models.DateTimeField(_("最近比对时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("边缘名单序号")
        verbose_name_plural = _("边缘名单序号")

    def __str__(self) -> str:
        return f"{self.site_id}: {self.last_seq}"


class EdgeRecord(models.Model):
    """One record of a site's snapshot as last handed out: its data and digest, the sequence
    number of its last change, and whether it has gone (a tombstone keeps its number)."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    kind = models.CharField(_("类型"), max_length=20)
    key = models.CharField(_("键"), max_length=64)
    seq = models.BigIntegerField(_("序号"))
    digest = models.CharField(max_length=64)
    data = models.JSONField(_("内容"), null=True, blank=True)
    deleted = models.BooleanField(_("已删除"), default=False)

    class Meta:
        verbose_name = _("边缘名单记录")
        verbose_name_plural = _("边缘名单记录")
        constraints = [
            models.UniqueConstraint(fields=["site", "kind", "key"], name="edge_record_once")
        ]
        indexes = [models.Index(fields=["site", "seq"], name="edge_record_seq")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}@{self.seq}"


class EdgeStatus(models.Model):
    """An edge agent's health as the server sees it (issue 15 §Health): when it last got a
    snapshot or a delta and the cursor it was handed, and what the edge itself reported with
    that request (``X-Edge-*`` headers: its journal backlog, its rejected entries, the issue time
    of the snapshot it holds, whether it is in fire mode). A reported value the server could not
    read is left as it was."""

    device = models.OneToOneField(
        "devices.Device",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="edge_status",
        verbose_name=_("边缘网关"),
    )
    served_at = models.DateTimeField(_("最近获取名单"), null=True, blank=True)
    served_kind = models.CharField(_("名单类型"), max_length=10, blank=True)
    cursor = models.BigIntegerField(_("游标"), null=True, blank=True)
    reported_at = models.DateTimeField(_("最近上报"), null=True, blank=True)
    pending = models.IntegerField(_("待上传"), null=True, blank=True)
    rejected = models.IntegerField(_("被拒记录"), null=True, blank=True)
    snapshot_issued_at = models.DateTimeField(_("快照时间"), null=True, blank=True)
    fire = models.BooleanField(_("消防模式"), null=True, blank=True)

    class Meta:
        verbose_name = _("边缘网关状态")
        verbose_name_plural = _("边缘网关状态")

    def __str__(self) -> str:
        return f"{self.device_id}: {self.cursor}"


class Handled(models.Model):
    """A row the monitoring centre marks handled, with who, when and a short note (issue 15):
    handled rows fold away on the edge's page and are no longer counted on the devices page and
    the board; they stay listed."""

    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    handled_note = models.CharField(_("处理说明"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def handled(self) -> bool:
        return self.handled_at is not None


class EdgeAlarm(Handled):
    """An alarm an edge raised (``POST /api/v1/edge/alarms``), once per (edge, seq); the
    monitoring centre's notice names it."""

    edge = models.ForeignKey(
        "devices.Device", on_delete=models.CASCADE, related_name="+", verbose_name=_("边缘网关")
    )
    seq = models.BigIntegerField(_("网关序号"))
    code = models.CharField(_("告警代码"), max_length=60)
    message = models.CharField(_("内容"), max_length=300)
    at = models.DateTimeField(_("发生时间"))
    recorded_at = models.DateTimeField(_("记录时间"))
    notice = models.ForeignKey(
        "access.Notice", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("边缘网关告警")
        verbose_name_plural = _("边缘网关告警")
        constraints = [models.UniqueConstraint(fields=["edge", "seq"], name="edge_alarm_once")]

    def __str__(self) -> str:
        return f"{self.edge_id}#{self.seq} {self.code}"


class EdgeRejection(Handled):
    """A journal entry an edge uploaded that the server could not record (``entry.invalid``,
    ``device.unknown`` …): kept as uploaded, once per (edge, seq), and raised to the monitoring
    centre, so a decision a gate took is never silently lost."""

    edge = models.ForeignKey(
        "devices.Device", on_delete=models.CASCADE, related_name="+", verbose_name=_("边缘网关")
    )
    seq = models.BigIntegerField(_("网关序号"))
    code = models.CharField(_("拒收代码"), max_length=60)
    message = models.CharField(_("原因"), max_length=300)
    entry = models.JSONField(_("原始记录"))
    recorded_at = models.DateTimeField(_("记录时间"))
    notice = models.ForeignKey(
        "access.Notice", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("边缘网关被拒记录")
        verbose_name_plural = _("边缘网关被拒记录")
        constraints = [models.UniqueConstraint(fields=["edge", "seq"], name="edge_rejection_once")]

    def __str__(self) -> str:
        return f"{self.edge_id}#{self.seq} {self.code}"


class TroubleKind(models.TextChoices):
    SILENT = EdgeTrouble.SILENT.value, _("边缘网关无通信")
    SNAPSHOT_STALE = EdgeTrouble.SNAPSHOT_STALE.value, _("边缘网关名单过旧")
    BACKLOG = EdgeTrouble.BACKLOG.value, _("边缘网关积压未上传")


class EdgeEpisode(models.Model):
    """One episode of an edge's trouble as the server's periodic check judges it
    (:func:`gatehouse.core.edge.edge_troubles`): silent, holding a stale snapshot or none, or a
    journal that does not drain. Opened when the check first sees it, alerted once (``notice``,
    ``raised_at``) when it has lasted long enough, closed (``ended_at``) when the check no
    longer sees it. At most one open episode per edge and kind."""

    edge = models.ForeignKey(
        "devices.Device", on_delete=models.CASCADE, related_name="+", verbose_name=_("边缘网关")
    )
    kind = models.CharField(_("异常类型"), max_length=30, choices=TroubleKind.choices)
    started_at = models.DateTimeField(_("开始时间"))
    raised_at = models.DateTimeField(_("告警时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    message = models.CharField(_("内容"), max_length=300, blank=True)
    notice = models.ForeignKey(
        "access.Notice", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("边缘网关异常")
        verbose_name_plural = _("边缘网关异常")
        constraints = [
            models.UniqueConstraint(
                fields=["edge", "kind"],
                condition=Q(ended_at__isnull=True),
                name="edge_episode_open_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.edge_id} {self.kind} {self.started_at:%Y-%m-%d %H:%M}"
