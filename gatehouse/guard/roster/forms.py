"""Forms of guard roster and duty (SPEC S-01 posts and staffing, S-02 the leader on duty)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gatehouse.guard.fields import WEEKDAYS, Sited, day, when


class RequirementForm(Sited):
    post = forms.ChoiceField(label=_("岗位"))
    headcount = forms.IntegerField(label=_("人数"), min_value=0, max_value=50)
    from_hour = forms.IntegerField(label=_("开始（时）"), min_value=0, max_value=23, initial=0)
    to_hour = forms.IntegerField(label=_("结束（时）"), min_value=1, max_value=24, initial=24)
    weekdays = forms.MultipleChoiceField(
        label=_("星期"),
        choices=WEEKDAYS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选表示每天"),
    )
    on = day(_("指定日期"), required=False)


class ShiftForm(Sited):
    post = forms.ChoiceField(label=_("岗位"))
    guard = forms.ChoiceField(label=_("值班人员"))
    start = when(_("开始"))
    end = when(_("结束"))


class LeaderForm(forms.Form):
    leader_name = forms.CharField(label=_("带班领导"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    start = when(_("开始"))
    end = when(_("结束"))
