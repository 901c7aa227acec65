"""Filter forms of the registers and the event log: they clean the query string, nothing more.
:class:`RegisterFilterForm` is the base of every app's register filters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gatehouse.access.models import ENTRANT_CHOICES, OUTCOME_CHOICES
from gatehouse.core.text import clean_text
from gatehouse.visitors.models import VisitStatus

ALL = [("", _("全部"))]


class DateRangeForm(forms.Form):
    """A range of days, the first filter of every register."""

    date_from = forms.DateField(
        label=_("开始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("日期格式不正确，例如 2026-11-24")},
    )
    date_to = forms.DateField(
        label=_("结束日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("日期格式不正确，例如 2026-11-24")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("结束日期不能早于开始日期"))
        return data


class RegisterFilterForm(DateRangeForm):
    """The filters every register starts from: a range of days and a keyword."""

    q = forms.CharField(label=_("关键字"), max_length=50, required=False)

    def clean_q(self) -> str:
        return clean_text(self.cleaned_data["q"])

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(
            (self.data.get(name) or "").strip() for name in self.fields if name != "before"
        )


class VisitFilterForm(RegisterFilterForm):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=ALL + list(VisitStatus.choices)
    )
    kind = forms.ChoiceField(label=_("来访类别"), required=False, choices=ALL + ENTRANT_CHOICES)


class StaffExitFilterForm(RegisterFilterForm):
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[*ALL, ("out", _("外出未归")), ("back", _("已返回"))],
    )


class MailFilterForm(RegisterFilterForm):
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[*ALL, ("waiting", _("待领取")), ("handed", _("已领取"))],
    )


class EventFilterForm(RegisterFilterForm):
    outcome = forms.ChoiceField(label=_("结果"), required=False, choices=ALL + OUTCOME_CHOICES)
    gate = forms.ChoiceField(label=_("出入口"), required=False, choices=ALL)
    before = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, gates: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gate"].choices = ALL + list(gates)

    def clean_before(self) -> tuple[datetime, int] | None:
        """The keyset cursor ``<ISO time>|<id>`` of the last row of the previous page."""
        raw = (self.cleaned_data.get("before") or "").strip()
        if not raw:
            return None
        try:
            at_text, pk_text = raw.rsplit("|", 1)
            at = datetime.fromisoformat(at_text)
            pk = int(pk_text)
        except ValueError as exc:
            raise forms.ValidationError(_("翻页参数不正确，请从第一页重新查看")) from exc
        if at.tzinfo is None:
            raise forms.ValidationError(_("翻页参数不正确，请从第一页重新查看"))
        return at, pk
