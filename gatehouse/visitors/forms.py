"""Forms of the front desk and resident pages: they parse input; the services judge it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

USES_CHOICES = [("single", _("单次（进一次即失效）")), ("multi", _("多次（时段内可多次进入）"))]


class InviteForm(forms.Form):
    """An invitation's visitor and window: a date with from/to times (optionally an end date)."""

    visitor_name = forms.CharField(label=_("访客姓名"), max_length=50)
    visitor_phone = forms.CharField(
        label=_("访客手机（可选）"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    purpose = forms.CharField(label=_("来访事由（可选）"), max_length=200, required=False)
    date = forms.DateField(
        label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start_time = forms.TimeField(
        label=_("从"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("到"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_date = forms.DateField(
        label=_("结束日期（跨天时填写）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    uses = forms.ChoiceField(
        label=_("使用次数"), choices=USES_CHOICES, initial="single", widget=forms.RadioSelect
    )
    max_uses = forms.IntegerField(label=_("最多进入次数（多次时可选，留空为不限）"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day is not None and start is not None and end is not None:
            tz = timezone.get_current_timezone()
            data["window_start"] = timezone.make_aware(datetime.combine(day, start), tz)
            data["window_end"] = timezone.make_aware(
                datetime.combine(data.get("end_date") or day, end), tz
            )
        data["max_uses_value"] = 1 if data.get("uses") == "single" else data.get("max_uses")
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "visitor_name": data["visitor_name"],
            "visitor_phone": data["visitor_phone"],
            "purpose": data["purpose"],
            "window_start": data["window_start"],
            "window_end": data["window_end"],
            "max_uses": data["max_uses_value"],
        }


class DeskInviteForm(InviteForm):
    """The desk books for a house; its owner (else a tenant) becomes the host."""

    house = forms.CharField(
        label=_("房号"),
        max_length=40,
        widget=forms.TextInput(attrs={"autofocus": True, "placeholder": "3-2-1201"}),
    )
    field_order = ["house"]


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("grant", _("同意")), ("refuse", _("拒绝"))])
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
    host_away = forms.BooleanField(label=_("被访人不在家"), required=False)

    @property
    def granted(self) -> bool:
        return self.cleaned_data["answer"] == "grant"

    @property
    def host_home(self) -> bool | None:
        return False if self.cleaned_data.get("host_away") else None
