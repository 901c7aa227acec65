"""Forms of guard absence from the booth (SPEC S-09: the gate closed or a named cover)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AbsenceForm(forms.Form):
    reason = forms.CharField(label=_("事由"), max_length=200)
    gate_closed = forms.BooleanField(label=_("已关上大门"), required=False)
    cover = forms.CharField(label=_("临时照看人"), max_length=50, required=False)
