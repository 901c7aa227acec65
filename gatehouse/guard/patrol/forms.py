"""Forms of guard night patrols (SPEC S-04: routes of checkpoints, each scan timed, a missed or
late checkpoint flagged; the 夜间安保巡查记录表).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gatehouse.guard.fields import PhotosField, Sited


class ScanForm(Sited):
    route = forms.ChoiceField(label=_("巡更路线"))
    code = forms.CharField(
        label=_("巡更点编码"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    note = forms.CharField(label=_("巡查情况"), max_length=300, required=False)
    photos = PhotosField(label=_("现场照片"))
    by_camera = forms.BooleanField(required=False, widget=forms.HiddenInput)
