"""Forms of the guard's booth console. They only check shapes (a number is a number, a required
box is filled); the rules — a valid ID number, a known house, who may enter — are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gatehouse.visitors.models import HealthCodeColor, MailKind, TravelCodeColor

YES_NO = [("yes", _("是")), ("no", _("否"))]
DIRECTIONS = [("in", _("入")), ("out", _("出"))]

_BIG = {"autocomplete": "off"}


def yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class HealthMixin:
    """M-02: in epidemic mode every entry records temperature, health code and necessity."""

    def add_health(self, epidemic: bool, *, necessity: bool = True) -> None:
        if not epidemic:
            return
        fields: dict[str, Any] = self.fields  # type: ignore[attr-defined]
        fields["temperature"] = forms.CharField(
            label=_("体温（℃）"),
            max_length=6,
            widget=forms.TextInput(attrs={"inputmode": "decimal", **_BIG}),
        )
        fields["health_code"] = forms.ChoiceField(
            label=_("健康码"), choices=HealthCodeColor.choices, widget=forms.RadioSelect
        )
        fields["travel_code"] = forms.ChoiceField(
            label=_("行程卡"), choices=TravelCodeColor.choices, widget=forms.RadioSelect
        )
        if necessity:
            fields["necessary"] = forms.BooleanField(label=_("确属必要"), required=True)

    def health_kwargs(self) -> dict[str, Any] | None:
        data = self.cleaned_data  # type: ignore[attr-defined]
        if "temperature" not in data:
            return None
        return {
            "temperature": data.get("temperature", ""),
            "code": data.get("health_code", ""),
            "travel": data.get("travel_code", ""),
            "necessary": bool(data.get("necessary", False)),
        }


class GateForm(forms.Form):
    gate = forms.ChoiceField(label=_("出入口"))
    direction = forms.ChoiceField(label=_("方向"), choices=DIRECTIONS)

    def __init__(self, *args: Any, gates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gate"].choices = gates


class ScanForm(HealthMixin, forms.Form):
    value = forms.CharField(
        label=_("刷卡 / 扫码 / 身份证号"),
        max_length=300,
        widget=forms.TextInput(attrs={"autofocus": True, "class": "scan-input", **_BIG}),
    )

    def __init__(self, *args: Any, epidemic: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_health(epidemic, necessity=False)
        if epidemic:  # residents scan too: temperature and code, but never "necessary"
            self.fields["temperature"].required = False
            self.fields["health_code"].required = False
            self.fields["travel_code"].required = False


class ForgottenCardForm(forms.Form):
    house_number = forms.CharField(
        label=_("房号"), max_length=40, widget=forms.TextInput(attrs={"autofocus": True, **_BIG})
    )
    id_last4 = forms.CharField(
        label=_("身份证号后四位"), max_length=4, min_length=4, widget=forms.TextInput(attrs=_BIG)
    )


# Every field a visitor flow may ask for; each flow shows its own subset (see views.FLOWS).
class VisitForm(HealthMixin, forms.Form):
    name = forms.CharField(
        label=_("姓名"), max_length=50, widget=forms.TextInput(attrs={"autofocus": True, **_BIG})
    )
    id_number = forms.CharField(
        label=_("身份证号"), max_length=30, required=False, widget=forms.TextInput(attrs=_BIG)
    )
    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", **_BIG}),
    )
    company = forms.CharField(label=_("单位"), max_length=100, required=False)
    purpose = forms.CharField(label=_("来访事由"), max_length=200)
    house_number = forms.CharField(
        label=_("被访房号"), max_length=40, required=False, widget=forms.TextInput(attrs=_BIG)
    )
    host_text = forms.CharField(label=_("被访部门/人"), max_length=100, required=False)
    companions = forms.IntegerField(
        label=_("随行人数"), min_value=0, max_value=50, required=False, initial=0
    )
    companion_names = forms.CharField(label=_("随行人员姓名"), max_length=200, required=False)
    pass_number = forms.CharField(label=_("证号"), max_length=20, required=False)
    destination_verified = forms.ChoiceField(
        label=_("去向和业务联系人已核实？"), choices=YES_NO, widget=forms.RadioSelect
    )
    host_home = forms.ChoiceField(label=_("被访人在家？"), choices=YES_NO, widget=forms.RadioSelect)

    def __init__(
        self,
        *args: Any,
        fields: tuple[str, ...],
        epidemic: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]
        self.add_health(epidemic)


class PersonPickForm(HealthMixin, forms.Form):
    """A registered person picked from the search (staff without badge, a resident elder)."""

    person = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": _("请先搜索并选择人员")}
    )


class StaffExitForm(forms.Form):
    person = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": _("请先搜索并选择员工")}
    )
    reason = forms.CharField(label=_("外出事由"), max_length=200)
    approver = forms.CharField(label=_("批准人"), max_length=50)


class MailForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类别"), choices=MailKind.choices, widget=forms.RadioSelect, initial="letter"
    )
    recipient_name = forms.CharField(
        label=_("收件人"), max_length=50, widget=forms.TextInput(attrs={"autofocus": True})
    )
    recipient_unit = forms.CharField(label=_("房号/部门"), max_length=100, required=False)
    sender = forms.CharField(label=_("寄件单位/人"), max_length=100, required=False)
    count = forms.IntegerField(label=_("件数"), min_value=1, max_value=999, initial=1)


class HandOutForm(forms.Form):
    handed_to = forms.CharField(label=_("领取人"), max_length=50)
