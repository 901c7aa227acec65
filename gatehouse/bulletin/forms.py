"""The notice form: it parses the input (dates in Asia/Shanghai, the site's buildings); the
core judges the lengths and the dates, so its machine codes reach the page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gatehouse.bulletin.models import NoticeCategory
from gatehouse.core.bulletin import Status

TIME_ERRORS = {"invalid": _("时间格式不正确，例如 2026-11-24 08:00")}
STATUS_CHOICES = [
    (Status.CURRENT.value, _("公示中")),
    (Status.SCHEDULED.value, _("待发布")),
    (Status.EXPIRED.value, _("已过期")),
    (Status.WITHDRAWN.value, _("已撤回")),
]
STATUS_LABELS = dict(STATUS_CHOICES)


def _when(label: Any, *, required: bool) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        error_messages=TIME_ERRORS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class NoticeForm(forms.Form):
    category = forms.ChoiceField(label=_("类别"), choices=NoticeCategory.choices)
    # Generous caps against hostile input only; the core's limits give the page their codes.
    title = forms.CharField(label=_("标题"), max_length=500, required=False, strip=False)
    body = forms.CharField(
        label=_("正文"),
        max_length=50_000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("纯文本，空一行分段；不超过 5000 字"),
    )
    buildings = forms.MultipleChoiceField(
        label=_("楼栋"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选则面向全体住户"),
    )
    publish_from = _when(_("发布时间"), required=True)
    until = _when(_("截止时间"), required=False)
    pinned = forms.BooleanField(label=_("置顶"), required=False)

    def __init__(self, *args: Any, buildings: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["buildings"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(pk), name) for pk, name in buildings]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "category": data["category"],
            "title": data["title"],
            "body": data["body"],
            "publish_from": data["publish_from"],
            "until": data["until"],
            "buildings": [int(pk) for pk in data["buildings"]],
            "pinned": data["pinned"],
        }
