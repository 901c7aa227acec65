"""The parking-violation forms: plain forms parsed here, the rules decided by the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gatehouse.guard.fields import PhotosField
from gatehouse.registers.forms import ALL, RegisterFilterForm
from gatehouse.traffic.models import KIND_CHOICES, STEP_CHOICES


class ViolationForm(forms.Form):
    """The guard's phone form: the plate, what, where, photos, a note."""

    plate = forms.CharField(
        label=_("车牌号"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("如 苏E12345")}),
    )
    kind = forms.ChoiceField(label=_("违规类别"), choices=[("", "——"), *KIND_CHOICES])
    place = forms.CharField(
        label=_("地点"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("如 3号楼东侧消防通道")}),
    )
    photos = PhotosField(label=_("现场照片"))
    note = forms.CharField(
        label=_("情况说明"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StepForm(forms.Form):
    step = forms.TypedChoiceField(label=_("处理措施"), choices=STEP_CHOICES, coerce=int)
    note = forms.CharField(
        label=_("说明"),
        max_length=300,
        required=False,
        help_text=_("通报所在单位时写明单位或车主、通报方式；报警时写明报警电话和时间"),
    )


class OutcomeForm(forms.Form):
    outcome = forms.CharField(label=_("出警结果"), max_length=300)


class ViolationFilterForm(RegisterFilterForm):
    plate = forms.CharField(label=_("车牌号"), max_length=10, required=False)
    kind = forms.ChoiceField(label=_("违规类别"), required=False, choices=ALL + KIND_CHOICES)
    step = forms.ChoiceField(
        label=_("应采取措施"),
        required=False,
        choices=ALL + [(str(v), label) for v, label in STEP_CHOICES],
    )
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[*ALL, ("open", _("待处理")), ("handled", _("已处理"))],
    )

    def clean_plate(self) -> str:
        return self.cleaned_data["plate"].strip().upper()
