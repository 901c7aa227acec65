"""The repair forms: plain forms parsed here, the rules decided by the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gatehouse.guard.fields import PhotosField
from gatehouse.registers.forms import ALL, RegisterFilterForm
from gatehouse.repairs.models import CATEGORY_CHOICES, SATISFACTION_CHOICES, STATE_CHOICES


class FileForm(forms.Form):
    """The resident's phone form: which house, what kind, where, what is wrong, photos."""

    house = forms.ChoiceField(label=_("房屋"))
    category = forms.ChoiceField(label=_("报修类别"), choices=[("", "——"), *CATEGORY_CHOICES])
    place = forms.CharField(
        label=_("具体位置"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("如 厨房水槽下、3栋2单元楼道")}),
    )
    description = forms.CharField(
        label=_("问题描述"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("如 水龙头关不紧一直滴水")}),
        help_text=_("水、电小修当天修好（18:00后报修的次日中午前）"),
    )
    photos = PhotosField(label=_("照片"))

    def __init__(self, *args: Any, houses: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["house"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = houses


class DispatchForm(forms.Form):
    assignee = forms.ChoiceField(label=_("维修人员"))

    def __init__(self, *args: Any, workers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "——"), *workers]


class FinishForm(forms.Form):
    note = forms.CharField(
        label=_("维修说明"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("如 更换水龙头阀芯，已试水")}),
    )
    photos = PhotosField(label=_("完工照片"))


class EmptyForm(forms.Form):
    pass


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("仍需维修的原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class VisitForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("满意度"), choices=[("", "——"), *SATISFACTION_CHOICES], coerce=int
    )
    note = forms.CharField(label=_("回访意见"), max_length=300, required=False)


class RepairFilterForm(RegisterFilterForm):
    category = forms.ChoiceField(
        label=_("报修类别"), required=False, choices=ALL + CATEGORY_CHOICES
    )
    state = forms.ChoiceField(label=_("状态"), required=False, choices=ALL + STATE_CHOICES)
    worker = forms.CharField(label=_("维修人员"), max_length=30, required=False)
    overdue = forms.ChoiceField(
        label=_("时限"), required=False, choices=[*ALL, ("1", _("超时（含超时完工）"))]
    )
