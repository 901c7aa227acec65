"""Screenings with follow-up (T3 rows 5, 6, 10, 12) and campaigns with the police (rows 11, 13).

A case's narrative fields (findings, parties, cause, mediation, and the follow-ups' actions) are
restricted: the services show them to the role handling the kind only, and audit each reading
(rule T3-05, :mod:`gatehouse.core.screening`). A campaign's findings are the guard's hazard
findings (S-11), linked to it (T3-06)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    MENTAL_HEALTH = "mental_health", _("心理健康")
    DISPUTE = "dispute", _("矛盾纠纷")
    KEY_PERSONNEL = "key_personnel", _("重点人员")


class Risk(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")


class Post(models.TextChoices):
    NONE = "", _("—")
    CLEANER = "cleaner", _("保洁")
    GUARD = "guard", _("保安")
    CANTEEN = "canteen", _("食堂")


def _user(label: str) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=label,
    )


class ScreeningCase(models.Model):
    """One screened person, what was found (restricted), the follow-ups, and the closing."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    subject = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="screening_cases",
        verbose_name=_("排查对象"),
    )
    kind = models.CharField(_("排查类型"), max_length=20, choices=Kind.choices)
    risk = models.CharField(_("风险等级"), max_length=10, choices=Risk.choices)
    findings = models.TextField(_("排查情况"), blank=True)
    parties = models.CharField(_("当事人"), max_length=200, blank=True)
    cause = models.TextField(_("纠纷起因"), blank=True)
    mediation = models.TextField(_("调解情况"), blank=True)
    post = models.CharField(_("岗位"), max_length=10, choices=Post.choices, blank=True)
    health_cert_until = models.DateField(_("健康证有效期至"), null=True, blank=True)
    isolated = models.BooleanField(_("孤立学生需关爱"), default=False)
    opened_on = models.DateField(_("排查日期"))
    opened_by = _user(_("登记人"))
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closed_by = _user(_("结案人"))
    close_reason = models.CharField(_("结案理由"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("排查案例")
        verbose_name_plural = _("排查案例")
        indexes = [models.Index(fields=["site", "kind", "-opened_on"], name="screening_site_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class FollowUp(models.Model):
    """A follow-up action with its due date; ``care``: care or counselling (T3·12)."""

    case = models.ForeignKey(
        ScreeningCase, on_delete=models.CASCADE, related_name="followups", verbose_name=_("案例")
    )
    action = models.CharField(_("跟进措施"), max_length=300)
    care = models.BooleanField(_("关爱帮扶/心理辅导"), default=False)
    due_on = models.DateField(_("完成期限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    created_on = models.DateField(_("登记日期"))
    created_by = _user(_("登记人"))

    class Meta:
        verbose_name = _("跟进措施")
        verbose_name_plural = _("跟进措施")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"#{self.case_id} {self.due_on}"


class CampaignKind(models.TextChoices):
    KNIVES = "knives", _("收缴管制刀具")
    FALLS = "falls", _("防坠楼")


class Measure(models.TextChoices):
    NONE = "", _("—")
    PEOPLE = "people", _("人防")
    PHYSICAL = "physical", _("物防")
    TECHNICAL = "technical", _("技防")


class Campaign(models.Model):
    """A campaign run with the police station: the places or classes to inspect (T3-06)."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("场所")
    )
    kind = models.CharField(_("行动类型"), max_length=10, choices=CampaignKind.choices)
    title = models.CharField(_("行动名称"), max_length=100)
    partner = models.CharField(_("协同单位"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    created_by = _user(_("登记人"))

    class Meta:
        verbose_name = _("专项行动")
        verbose_name_plural = _("专项行动")

    def __str__(self) -> str:
        return self.title


class CampaignPlace(models.Model):
    """A place or class the campaign inspects; done once inspected."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="places", verbose_name=_("专项行动")
    )
    name = models.CharField(_("检查部位/班级"), max_length=100)
    measure = models.CharField(_("防范类别"), max_length=10, choices=Measure.choices, blank=True)
    inspected_on = models.DateField(_("检查日期"), null=True, blank=True)
    note = models.CharField(_("检查情况"), max_length=300, blank=True)
    inspected_by = _user(_("检查人"))

    class Meta:
        verbose_name = _("检查部位")
        verbose_name_plural = _("检查部位")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name
