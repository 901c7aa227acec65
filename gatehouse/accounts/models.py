"""Roles (SPEC §0) held per site, and personal API tokens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    GUARD = "guard", _("门岗")
    FRONT_DESK = "front_desk", _("客服前台")
    MONITORING = "monitoring", _("监控中心")
    PATROL = "patrol", _("巡逻")
    SECURITY_MANAGER = "security_manager", _("安保主管")
    RESIDENT = "resident", _("业主/住户")
    PARK_COMMITTEE = "park_committee", _("园区管委会")
    INDUSTRY_ASSOCIATION = "industry_association", _("物业行业协会")
    GRID_OFFICER = "grid_officer", _("网格员")
    MAINTENANCE = "maintenance", _("维修工")
    TEACHER = "teacher", _("教师")
    PARENT = "parent", _("家长")
    RESIDENTS_COMMITTEE = "residents_committee", _("社区居委会")
    OWNERS_COMMITTEE = "owners_committee", _("业主委员会")
    COUNSELLOR = "counsellor", _("心理老师")
    SCHOOL_SAFETY = "school_safety", _("德育安保主任")


class Membership(models.Model):
    """A user holds a role at a site. A user sees only the sites of their memberships."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("用户"),
    )
    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="memberships", verbose_name=_("场所")
    )
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("岗位授权")
        verbose_name_plural = _("岗位授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "site", "role"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.site} ({self.get_role_display()})"


class ApiToken(models.Model):
    """A personal bearer token for the API. Only its SHA-256 is stored; shown once at issue."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("用户"),
    )
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=12, db_index=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
