"""What the server has handed its sites' edge agents: one row per record of a site's snapshot,
numbered by the site's change sequence, so an edge asks for "everything after cursor N" and a
deleted or revoked record reaches it as a tombstone (``gatehouse.edge.services``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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
