"""Forms of the rectification notices: they parse input; ``governance.notices`` and the core
(``core.rectification``) judge it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gatehouse.admission.forms import date_field
from gatehouse.governance.models import DeliveryMethod, NoticeRecipient, NoticeResult

STAGE_CHOICES = [
    ("", _("全部")),
    ("issued", _("已下达，待送达")),
    ("delivered", _("已送达，整改中")),
    ("overdue", _("逾期未复查")),
    ("rectified", _("整改到位")),
    ("not_rectified", _("整改不到位")),
]
STAGE_LABELS = dict(STAGE_CHOICES)


class NoticeFilterForm(forms.Form):
    q = forms.CharField(label=_("编号、受文对象或问题"), max_length=50, required=False)
    stage = forms.ChoiceField(label=_("状态"), choices=STAGE_CHOICES, required=False)
    date_from = date_field(_("下达日期自"), required=False)
    date_to = date_field(_("至"), required=False)


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label=_("受文对象类型"), choices=NoticeRecipient.choices)
    company = forms.ChoiceField(label=_("物业服务企业"), required=False)
    house_number = forms.CharField(label=_("房号"), max_length=40, required=False)
    enterprise = forms.ChoiceField(label=_("入园企业"), required=False)
    # Generous caps against hostile input only; the core's limits give the page their codes.
    finding = forms.CharField(
        label=_("存在问题"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    items = forms.CharField(
        label=_("整改要求（每行一项）"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    basis = forms.CharField(
        label=_("整改依据（法规、制度条款）"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    deadline = date_field(_("整改期限"))
    issuer = forms.CharField(label=_("发出单位"), max_length=200)

    def __init__(
        self, *args: Any, companies: Any = (), enterprises: Any = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].choices = [("", "—")] + [(str(c.pk), c.name) for c in companies]
        self.fields["enterprise"].choices = [("", "—")] + [(str(e.pk), e.name) for e in enterprises]

    @staticmethod
    def _id(value: str) -> int | None:
        return int(value) if value and value.isdigit() else None

    def service_args(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "kind": d["kind"],
            "company_id": self._id(d["company"]),
            "house_number": d["house_number"],
            "enterprise_id": self._id(d["enterprise"]),
            "finding": d["finding"],
            "items": d["items"],
            "basis": d["basis"],
            "deadline": d["deadline"],
            "issuer": d["issuer"],
        }


class DeliverForm(forms.Form):
    delivered_at = forms.DateTimeField(
        label=_("送达时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": _("时间格式不正确")},
    )
    receiver = forms.CharField(label=_("签收人"), max_length=200)
    method = forms.ChoiceField(label=_("送达方式"), choices=DeliveryMethod.choices)


class CloseForm(forms.Form):
    checked_on = date_field(_("复查日期"))
    result = forms.ChoiceField(
        label=_("复查结果"), choices=NoticeResult.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("复查情况"), max_length=2000, required=False)
