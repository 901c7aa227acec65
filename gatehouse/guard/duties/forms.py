"""Forms of guard duties (SPEC S-07 the gatehouse cleaning rota, S-10 weekly spot checks and the
ledger of notices and fines, S-11 hazard inspections, S-12 the 24-hour hotline).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from gatehouse.core import guard as core
from gatehouse.core.errors import InvalidInput
from gatehouse.guard.fields import Sited, day
from gatehouse.guard.models import KEY_PLACE_CHOICES, CallerType
from gatehouse.registers.forms import DateRangeForm


class RotaForm(Sited):
    guards = forms.MultipleChoiceField(
        label=_("轮值门卫（按顺序）"), widget=forms.CheckboxSelectMultiple
    )
    first_day = day(_("起始日期"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["guards"].choices = self.fields["guards"].choices[1:]


class CleaningRangeForm(DateRangeForm):
    """S-07: the days of the rota listed, printed or exported (none: a week back, two weeks
    ahead); at most :data:`gatehouse.core.guard.CLEANING_MAX_DAYS` days. ``span`` (the first day
    and the number of days) once valid."""

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        try:
            data["span"] = core.cleaning_span(
                today=self.today, date_from=data.get("date_from"), date_to=data.get("date_to")
            )
        except InvalidInput:
            self.add_error(
                "date_to",
                _t("卫生轮流表一次最多列出 %(n)d 天，请缩小日期范围。")
                % {"n": core.CLEANING_MAX_DAYS},
            )
        return data


class HazardForm(Sited):
    place = forms.ChoiceField(label=_("部位类型"), choices=KEY_PLACE_CHOICES)
    key_location = forms.ChoiceField(label=_("重点部位"), required=False)
    description = forms.CharField(label=_("隐患"), max_length=300)
    owner = forms.CharField(label=_("整改责任人"), max_length=50)
    found_on = day(_("发现日期"))
    deadline = day(_("整改期限"))


class HazardFixForm(forms.Form):
    fixed_on = day(_("整改完成日期"))
    note = forms.CharField(label=_("整改情况"), max_length=300, required=False)


class TicketForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"), choices=[("call", _("来电")), ("complaint", _("投诉"))]
    )
    caller_type = forms.ChoiceField(
        label=_("来电人类别"),
        required=False,  # left open: the one the site's kind hears most
        choices=[("", _("按场所默认")), *CallerType.choices],
    )
    caller = forms.CharField(label=_("来电人"), max_length=50)
    phone = forms.CharField(label=_("电话"), max_length=20, required=False)
    subject = forms.CharField(label=_("事项"), max_length=300)


class TicketStepForm(forms.Form):
    step = forms.ChoiceField(
        choices=[
            ("answer", _("答复")),
            ("follow_up", _("跟进处理")),
            ("close", _("办结")),
            ("visit_back", _("回访")),
        ]
    )
    text = forms.CharField(label=_("内容"), max_length=300, required=False)


class TicketFilterForm(forms.Form):
    """T3·16: the ticket list by caller type and by escalation to the education bureau."""

    caller_type = forms.ChoiceField(
        label=_("来电人类别"), required=False, choices=[("", _("全部")), *CallerType.choices]
    )
    escalated = forms.ChoiceField(
        label=_("上报教育局"),
        required=False,
        choices=[("", _("全部")), ("yes", _("已上报")), ("no", _("未上报"))],
    )


class TicketEscalateForm(forms.Form):
    """T3·16: the ticket reported to the education bureau (教育局)."""

    who = forms.CharField(label=_("上报人"), max_length=50)
    reference = forms.CharField(label=_("上报文号/编号"), max_length=60, required=False)
    at = forms.DateTimeField(
        label=_("上报时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("留空为现在"),
    )


class TicketReplyForm(forms.Form):
    reply = forms.CharField(label=_("教育局答复"), max_length=300)


class DecideForm(forms.Form):
    """A spot-check finding confirmed as a violation (the default) or dismissed."""

    action = forms.ChoiceField(
        choices=[("confirm", _("确认违规")), ("dismiss", _("不予认定"))], required=False
    )
