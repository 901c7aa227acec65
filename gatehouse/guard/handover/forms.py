"""Forms of guard shift handover (SPEC S-03: the 交接班记录表; the keys pass with it, S-08)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gatehouse.guard.fields import Sited, lines, when


class HandoverForm(Sited):
    incoming = forms.ChoiceField(label=_("接班人"))
    post = forms.ChoiceField(label=_("岗位"), required=False)
    shift_start = when(_("接班时间"))
    arrived_at = when(_("接班人到岗时间"))
    resolved = forms.MultipleChoiceField(
        label=_("上一班交来的事项，本班已办结"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    open_matters = lines(_("未了事项（交给下一班）"))
    keys = forms.MultipleChoiceField(
        label=_("交接钥匙"), required=False, widget=forms.CheckboxSelectMultiple
    )
    equipment = lines(_("交接装备"), help_text=_("对讲机、手电、警棍等，每行一项"))
    notes = forms.CharField(label=_("备注"), max_length=300, required=False)
    incoming_password = forms.CharField(
        label=_("接班人密码（当场签字）"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("接班人输入自己的登录密码即为签字；也可稍后登录后签字"),
    )

    def __init__(
        self, *args: Any, matters: tuple[str, ...] = (), keys: Any = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resolved"].choices = [(m, m) for m in matters]
        self.fields["keys"].choices = list(keys)
        if not matters:
            del self.fields["resolved"]
