"""Forms of the campus pages: they parse input; the services judge it (T3)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class _Window(forms.Form):
    date = forms.DateField(
        label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start_time = forms.TimeField(
        label=_("从"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("到"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day is not None and start is not None and end is not None:
            tz = timezone.get_current_timezone()
            data["window_start"] = timezone.make_aware(datetime.combine(day, start), tz)
            data["window_end"] = timezone.make_aware(datetime.combine(day, end), tz)
        return data


class PickupForm(_Window):
    """A parent's booking: which child, when, why (接孩子 by default)."""

    student = forms.TypedChoiceField(label=_("孩子"), coerce=int)
    purpose = forms.CharField(label=_("事由（可选）"), max_length=200, required=False)

    field_order = ["student", "date", "start_time", "end_time", "purpose"]

    def __init__(self, *args: Any, students: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["student"].choices = students  # type: ignore[attr-defined]


class LeavePassForm(_Window):
    """A class teacher's leave pass: which student, why, the window."""

    student = forms.TypedChoiceField(label=_("学生"), coerce=int)
    reason = forms.CharField(label=_("请假事由"), max_length=200)
    picked_up_by = forms.CharField(label=_("接送人（可选）"), max_length=50, required=False)

    field_order = ["student", "reason", "picked_up_by", "date", "start_time", "end_time"]

    def __init__(self, *args: Any, students: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["student"].choices = students  # type: ignore[attr-defined]


class SampleForm(forms.Form):
    """A row of the canteen's 留样记录 (T3-03)."""

    meal = forms.ChoiceField(label=_("餐次"), choices=[])
    dish = forms.CharField(label=_("菜品"), max_length=100)
    grams = forms.IntegerField(label=_("留样量（克）"), min_value=1, max_value=5000, initial=125)
    kept_at = forms.DateTimeField(
        label=_("留样时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    keeper = forms.CharField(label=_("留样人"), max_length=50)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from gatehouse.campus.models import Meal

        super().__init__(*args, **kwargs)
        self.fields["meal"].choices = Meal.choices  # type: ignore[attr-defined]
