"""Forms of guard keys (SPEC S-08: who holds which key, handed over with the shift)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class KeyForm(forms.Form):
    label = forms.CharField(label=_("钥匙"), max_length=60)
    door = forms.CharField(label=_("对应的门"), max_length=100)
    holder = forms.CharField(label=_("现由谁保管"), max_length=60, required=False)


class KeyHandForm(forms.Form):
    to_holder = forms.CharField(label=_("交给"), max_length=60, required=False)
    lost = forms.BooleanField(label=_("钥匙遗失"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("lost") and not (data.get("to_holder") or "").strip():
            self.add_error("to_holder", _("请填写接收人或存放处"))
        return data
