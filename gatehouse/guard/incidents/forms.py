"""Forms of guard incidents and monitoring (SPEC S-05 anomalies and their escalation, S-06 the
monitoring centre: dispatch and the live board, S-13 the emergency chain).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gatehouse.guard.fields import PhotosField, Sited, when
from gatehouse.guard.models import ANOMALY_KIND_CHOICES, SEVERITY_CHOICES


class AnomalyForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=[("", "——"), *ANOMALY_KIND_CHOICES])
    severity = forms.ChoiceField(
        label=_("级别"),
        required=False,
        choices=[("", _("按类别默认")), *SEVERITY_CHOICES],
    )
    place = forms.CharField(label=_("地点"), max_length=100)
    description = forms.CharField(
        label=_("情况"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    camera = forms.CharField(label=_("摄像头"), max_length=60, required=False)
    clip_from = when(_("录像开始"), required=False)
    clip_until = when(_("录像结束"), required=False)
    photos = PhotosField(label=_("现场照片"))


class ArchiveForm(forms.Form):
    camera = forms.CharField(label=_("摄像头"), max_length=60)
    clip_from = when(_("录像开始"))
    clip_until = when(_("录像结束"))
    label = forms.CharField(
        label=_("存档标记"), max_length=100, help_text=_("如：U盘A-20261124-01")
    )


class DispatchForm(Sited):
    place = forms.CharField(label=_("地点"), max_length=100)
    task = forms.CharField(label=_("任务"), max_length=300)
    anomaly = forms.ChoiceField(label=_("关联异常"), required=False)


class ActivateForm(Sited):
    plan = forms.ChoiceField(label=_("应急预案"))
    summary = forms.CharField(label=_("事由"), max_length=300)


class DispatchCloseForm(forms.Form):
    """What the patrol found and did (the service asks for it)."""

    text = forms.CharField(label=_("处理结果"), max_length=300, required=False)


class EmergencyAckForm(forms.Form):
    """Who of the chain acknowledged the call."""

    who = forms.CharField(label=_("报告对象"), max_length=50)
