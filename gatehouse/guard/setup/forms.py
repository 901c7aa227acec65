"""The security manager's set-up forms (issue 17 §6): they parse; the core checks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gatehouse.core.guard_setup import SETTING_BOUNDS

NUMBER = {"invalid": _("请输入整数")}


class RouteForm(forms.Form):
    """A route's rounds, and one "place on the route" box per checkpoint of the site."""

    name = forms.CharField(label=_("路线"), max_length=200)
    first_round = forms.TimeField(
        label=_("第一轮开始"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("时间格式不正确，例如 22:00")},
    )
    rounds = forms.IntegerField(label=_("轮数"), error_messages=NUMBER)
    every_minutes = forms.IntegerField(label=_("间隔（分钟）"), error_messages=NUMBER)
    window_minutes = forms.IntegerField(
        label=_("每轮时限（分钟）"),
        required=False,
        help_text=_("留空等于间隔"),
        error_messages=NUMBER,
    )
    grace_minutes = forms.IntegerField(label=_("宽限（分钟）"), error_messages=NUMBER)
    is_active = forms.BooleanField(label=_("启用"), required=False)

    def __init__(self, *args: Any, checkpoints: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checkpoints = checkpoints
        for cp in checkpoints:
            self.fields[f"cp_{cp.pk}"] = forms.IntegerField(
                label=cp.name,
                required=False,
                min_value=1,
                max_value=99,
                help_text=cp.location,
                widget=forms.NumberInput(attrs={"class": "order-box"}),
                error_messages={**NUMBER, "min_value": _("顺序从1开始")},
            )

    @property
    def stop_fields(self) -> list[Any]:
        return [self[f"cp_{cp.pk}"] for cp in self.checkpoints]

    @property
    def route_fields(self) -> list[Any]:
        return [f for f in self.visible_fields() if not f.name.startswith("cp_")]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs = {k: v for k, v in data.items() if not k.startswith("cp_")}
        kwargs["orders"] = {cp.pk: data.get(f"cp_{cp.pk}") for cp in self.checkpoints}
        return kwargs


class PlanForm(forms.Form):
    name = forms.CharField(label=_("预案名称"), max_length=300)
    chain = forms.CharField(
        label=_("报告链"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("每行一级，按报告顺序：报告对象，确认时限（分钟），电话（可省）"),
    )
    is_active = forms.BooleanField(label=_("启用"), required=False)


SETTING_LABELS = {
    "early_minutes": _("接班提前到岗（分钟）"),
    "ack_critical_minutes": _("特急异常确认时限（分钟）"),
    "ack_high_minutes": _("紧急异常确认时限（分钟）"),
    "ack_medium_minutes": _("一般异常确认时限（分钟）"),
    "ack_low_minutes": _("轻微异常确认时限（分钟）"),
    "answer_within_minutes": _("热线答复时限（分钟）"),
    "follow_up_within_hours": _("跟进处理时限（小时）"),
    "visit_back_within_days": _("回访时限（天）"),
    "fine_fen": _("重复违规罚款（分）"),
    "repeat_within_days": _("重复违规认定期（天）"),
}


class SettingsForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field, (low, high) in SETTING_BOUNDS.items():
            self.fields[field] = forms.IntegerField(
                label=SETTING_LABELS[field],
                required=field != "repeat_within_days",
                help_text=_("%(low)s–%(high)s") % {"low": low, "high": high}
                if field != "repeat_within_days"
                else _("留空表示不限期"),
                error_messages=NUMBER,
            )
