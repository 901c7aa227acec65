"""Form pieces every guard area uses: date and time inputs with Chinese errors, a list typed one
item per line, the photos input, a form whose choices are the site's records, a text box, and the
date filter of a register page. Forms clean the input and nothing more (the services decide).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gatehouse.guard.shared import PHOTO_ACCEPT

DATE_ERRORS = {"invalid": _("日期格式不正确，例如 2026-11-24")}
TIME_ERRORS = {"invalid": _("时间格式不正确，例如 2026-11-24 08:00")}
WEEKDAYS = [
    ("0", _("周一")),
    ("1", _("周二")),
    ("2", _("周三")),
    ("3", _("周四")),
    ("4", _("周五")),
    ("5", _("周六")),
    ("6", _("周日")),
]


def when(label: Any, *, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        error_messages=TIME_ERRORS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def day(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        error_messages=DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def lines(label: Any, *, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=2000,
        help_text=help_text or _("每行一项"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input (a phone's camera or gallery); checked by the service."""

    def __init__(self, **kwargs: Any) -> None:
        attrs = {"accept": PHOTO_ACCEPT, "capture": "environment"}
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class Sited(forms.Form):
    """A form whose choices are the current site's records."""

    def __init__(self, *args: Any, choices: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, options in (choices or {}).items():
            self.fields[name].choices = [("", "——"), *options]


class TextForm(forms.Form):
    text = forms.CharField(label=_("处理结果"), max_length=500)
