"""Forms of the pass pages: they clean input; ``passes.pass_issue`` validates the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gatehouse.core.text import clean_text
from gatehouse.visitors.models import PassKindChoice

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]

STATUS_CHOICES = [
    ("", _("全部状态")),
    ("active", _("有效")),
    ("expired", _("已过期")),
    ("revoked", _("已撤销")),
]


class _LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class PassIssueForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"), choices=PassKindChoice.choices, widget=forms.RadioSelect
    )
    holder_name = forms.CharField(label=_("持证人姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=30, required=False)
    company = forms.CharField(label=_("单位"), max_length=100, required=False)
    house_number = forms.CharField(
        label=_("施工房号"),
        max_length=40,
        required=False,
        help_text=_("装修出入证必填，例如 3-2-1201"),
    )
    host_text = forms.CharField(
        label=_("接待部门/联系人"), max_length=100, required=False, help_text=_("介绍信必填")
    )
    purpose = forms.CharField(label=_("事由"), max_length=200, required=False)
    valid_from = forms.DateTimeField(
        label=_("生效时间"), input_formats=DATETIME_FORMATS, widget=_LocalDateTimeInput()
    )
    valid_until = forms.DateTimeField(
        label=_("失效时间"), input_formats=DATETIME_FORMATS, widget=_LocalDateTimeInput()
    )


class PassFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"), choices=[("", _("全部类型")), *PassKindChoice.choices], required=False
    )
    status = forms.ChoiceField(label=_("状态"), choices=STATUS_CHOICES, required=False)
    q = forms.CharField(label=_("证号或姓名"), max_length=50, required=False)

    def clean_q(self) -> str:
        return clean_text(self.cleaned_data["q"])


class PassRevokeForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=200)
