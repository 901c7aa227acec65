"""Forms of the campaign plans, the referrals and the red flag: they parse input; the services
and the core judge it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gatehouse.admission.forms import date_field
from gatehouse.governance.models import (
    ProblemCategory,
    ProblemSeverity,
    ReferralAgency,
    ReferralKind,
)


class PlanForm(forms.Form):
    campaign = forms.ChoiceField(label=_("专项整治"))
    project = forms.ChoiceField(label=_("物业服务项目"))
    deadline = date_field(_("整治完成期限（空：整治结束日期）"), required=False)

    def __init__(self, *args: Any, campaigns: Any = (), projects: Any = (), **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["campaign"].choices = [(str(c.pk), c.title) for c in campaigns]
        self.fields["project"].choices = [(str(p.pk), p.name) for p in projects]


class SelfInspectionForm(forms.Form):
    on = date_field(_("自查日期"))
    summary = forms.CharField(
        label=_("自查情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProblemForm(forms.Form):
    category = forms.ChoiceField(label=_("问题类别"), choices=ProblemCategory.choices)
    severity = forms.ChoiceField(label=_("程度"), choices=ProblemSeverity.choices)
    description = forms.CharField(label=_("问题描述"), max_length=1000)


class TaskForm(forms.Form):
    phase = forms.IntegerField(label=_("阶段（1为最先）"), min_value=0, max_value=1000)
    title = forms.CharField(label=_("整治任务"), max_length=1000)
    days = forms.IntegerField(label=_("工期（天）"), min_value=0, max_value=10_000)
    owner = forms.CharField(label=_("责任人"), max_length=200)


class ProgressForm(forms.Form):
    started_on = date_field(_("开始日期"), required=False)
    finished_on = date_field(_("完成日期"), required=False)


class ReportForm(forms.Form):
    """The report to the housing bureau takes no input: the button is the form."""


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


REFERRAL_STAGES = (
    ("", _("全部")),
    ("referred", _("已移交，待受理")),
    ("received", _("已受理，待处理")),
    ("handled", _("已处理")),
    ("overdue", _("逾期")),
)
REFERRAL_STAGE_LABELS = dict(REFERRAL_STAGES)


class ReferralFilterForm(forms.Form):
    q = forms.CharField(label=_("地点或情况"), max_length=50, required=False)
    kind = forms.ChoiceField(
        label=_("违法行为"), choices=[("", _("全部")), *ReferralKind.choices], required=False
    )
    stage = forms.ChoiceField(label=_("状态"), choices=REFERRAL_STAGES, required=False)
    date_from = date_field(_("移交日期自"), required=False)
    date_to = date_field(_("至"), required=False)


class ReferralForm(forms.Form):
    kind = forms.ChoiceField(label=_("违法行为"), choices=ReferralKind.choices)
    agency = forms.ChoiceField(
        label=_("移交部门（空：按类别默认）"),
        choices=[("", "—"), *ReferralAgency.choices],
        required=False,
    )
    place = forms.CharField(label=_("地点"), max_length=400)
    description = forms.CharField(
        label=_("情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    attempts = forms.CharField(
        label=_("物业已采取的措施"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    referred_on = date_field(_("移交日期"))


class ReceivedForm(forms.Form):
    on = date_field(_("受理日期"))
    name = forms.CharField(label=_("受理人"), max_length=200)


class HandledForm(forms.Form):
    on = date_field(_("处理日期"))
    result = forms.CharField(
        label=_("处理结果"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AwardForm(forms.Form):
    period_start = date_field(_("评比开始"))
    period_end = date_field(_("评比结束"))
