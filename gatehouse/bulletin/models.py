"""The notice board of a site (issue 17 §4): the property's announcements, fee standards,
campaign and epidemic notices, for the whole site or some of its buildings. A notice is never
deleted: withdrawing it records who and when, and takes it off the board."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gatehouse.core.bulletin import BODY_MAX, TITLE_MAX, Category, NoticeFacts


class NoticeCategory(models.TextChoices):
    PROPERTY = Category.PROPERTY.value, _("物业公告")
    FEES = Category.FEES.value, _("收费标准")
    CAMPAIGN = Category.CAMPAIGN.value, _("活动与整治")
    EPIDEMIC = Category.EPIDEMIC.value, _("疫情防控")
    OTHER = Category.OTHER.value, _("其他")


class Notice(models.Model):
    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    category = models.CharField(
        _("类别"), max_length=20, choices=NoticeCategory.choices, default=NoticeCategory.PROPERTY
    )
    title = models.CharField(_("标题"), max_length=TITLE_MAX)
    body = models.TextField(_("正文"), max_length=BODY_MAX)
    buildings = models.ManyToManyField(
        "sites.Building",
        blank=True,
        related_name="+",
        verbose_name=_("楼栋"),
        help_text=_("不选则面向全体住户"),
    )
    publish_from = models.DateTimeField(_("发布时间"))
    until = models.DateTimeField(_("截止时间"), null=True, blank=True)
    pinned = models.BooleanField(_("置顶"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("发布人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("撤回人"),
    )

    class Meta:
        verbose_name = _("公告")
        verbose_name_plural = _("公告")
        indexes = [models.Index(fields=["site", "publish_from"], name="notice_site_from_idx")]

    def __str__(self) -> str:
        return self.title

    def facts(self, buildings: frozenset[int] | None = None) -> NoticeFacts:
        """The core's view of this notice; ``buildings`` when the caller already has them."""
        if buildings is None:
            buildings = frozenset(b.pk for b in self.buildings.all())
        return NoticeFacts(
            key=self.pk,
            publish_from=self.publish_from,
            until=self.until,
            withdrawn_at=self.withdrawn_at,
            pinned=self.pinned,
            buildings=buildings,
        )
