"""The epidemic pages' forms: they parse the input (dates, choices, the site's buildings and
officers); the core judges the rules, so its machine codes reach the page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gatehouse.epidemic.models import (
    CloseReasonChoice,
    DisinfectionTarget,
    FollowUpChoice,
    GridLevelChoice,
    MetChoice,
    OriginChoice,
    TestResultChoice,
)

DATE_ERRORS = {"invalid": _("日期格式不正确，例如 2026-11-24")}
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, error_messages=DATE_ERRORS, widget=_DATE)


def _pk(value: str) -> int | None:
    return int(value) if value else None


class GridForm(forms.Form):
    level = forms.ChoiceField(label=_("网格级别"), choices=GridLevelChoice.choices)
    name = forms.CharField(label=_("网格名称"), max_length=200)
    parent = forms.ChoiceField(label=_("上级网格"), required=False)
    officer = forms.ChoiceField(label=_("网格员"), required=False)
    volunteers = forms.CharField(
        label=_("志愿者"),
        max_length=1000,
        required=False,
        help_text=_("姓名，用顿号分隔"),
    )

    def __init__(
        self,
        *args: Any,
        parents: list[tuple[int, str]],
        officers: list[tuple[int, str]],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", "—")] + [(str(pk), n) for pk, n in parents]  # type: ignore[attr-defined]
        self.fields["officer"].choices = [("", _("（暂未指定）"))] + [  # type: ignore[attr-defined]
            (str(pk), n) for pk, n in officers
        ]
        if editing:
            del self.fields["level"]
            del self.fields["parent"]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        out = {
            "name": data["name"],
            "officer_id": _pk(data["officer"]),
            "volunteers": data["volunteers"],
        }
        if "level" in data:
            out["level"] = data["level"]
            out["parent_id"] = _pk(data["parent"])
        return out


class AssignForm(forms.Form):
    buildings = forms.MultipleChoiceField(
        label=_("楼栋"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, buildings: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["buildings"].choices = [(str(pk), n) for pk, n in buildings]  # type: ignore[attr-defined]


class CheckForm(forms.Form):
    item = forms.CharField(max_length=20)
    done = forms.BooleanField(required=False)
    note = forms.CharField(max_length=1000, required=False)


class CaseForm(forms.Form):
    house_number = forms.CharField(label=_("房号"), max_length=40)
    name = forms.CharField(label=_("姓名"), max_length=50)
    origin = forms.ChoiceField(
        label=_("类别"), choices=OriginChoice.choices, widget=forms.RadioSelect
    )
    came_from = forms.CharField(label=_("出发地"), max_length=200)
    arrived_on = _date(_("到达日期"))
    test_on = _date(_("返乡前核酸检测日期"), required=False)
    test_result = forms.ChoiceField(
        label=_("检测结果"),
        choices=[("", "—"), *TestResultChoice.choices],
        required=False,
    )
    temperature = forms.CharField(label=_("到达体温（℃）"), max_length=10, required=False)


class TestForm(forms.Form):
    taken_on = _date(_("检测日期"))
    result = forms.ChoiceField(
        label=_("结果"), choices=TestResultChoice.choices, widget=forms.RadioSelect
    )


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("结案原因"), choices=CloseReasonChoice.choices)
    note = forms.CharField(label=_("说明"), max_length=1000, required=False)


class ReportForm(forms.Form):
    temperature = forms.CharField(
        label=_("体温（℃）"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    fever = forms.BooleanField(label=_("发热"), required=False)
    cough = forms.BooleanField(label=_("咳嗽"), required=False)
    other = forms.CharField(label=_("其他症状"), max_length=1000, required=False)
    travel = forms.BooleanField(label=_("14天内去过外地或中高风险地区"), required=False)
    travel_place = forms.CharField(label=_("去过的地方"), max_length=1000, required=False)


# -- residents' outings (M-02), door-to-door screening, ledgers ------------------------------------

_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class OutingForm(forms.Form):
    """The site's outing limit; the core checks the numbers (their codes reach the page)."""

    persons = forms.CharField(
        label=_("每户外出人次"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    days = forms.CharField(
        label=_("每几天"), max_length=10, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )


class ScreeningForm(forms.Form):
    house_number = forms.CharField(label=_("房号"), max_length=40)
    met = forms.ChoiceField(
        label=_("入户情况"), choices=MetChoice.choices, widget=forms.RadioSelect
    )
    persons_met = forms.IntegerField(
        label=_("见到人数"), min_value=0, max_value=50, required=False, initial=0
    )
    met_names = forms.CharField(label=_("见到的人员"), max_length=1000, required=False)
    temperature = forms.CharField(
        label=_("体温（℃）"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    travel = forms.BooleanField(label=_("14天内去过外地或中高风险地区"), required=False)
    travel_place = forms.CharField(label=_("去过的地方"), max_length=1000, required=False)
    symptoms = forms.CharField(label=_("其他异常（咳嗽等）"), max_length=1000, required=False)

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["persons_met"] = data.get("persons_met") or 0
        return data


class FollowUpForm(forms.Form):
    result = forms.CharField(
        label=_("跟进情况"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DisinfectionForm(forms.Form):
    target = forms.ChoiceField(
        label=_("消毒对象"), choices=DisinfectionTarget.choices, widget=forms.RadioSelect
    )
    place = forms.CharField(label=_("场所/车辆"), max_length=1000)
    agent = forms.CharField(label=_("消毒剂及浓度"), max_length=1000)
    done_at = forms.DateTimeField(
        label=_("消毒时间"),
        widget=_DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"invalid": _("时间格式不正确，例如 2026-11-24 09:30")},
    )
    done_by = forms.CharField(label=_("消毒人员"), max_length=1000)


class SupplyForm(forms.Form):
    item = forms.CharField(label=_("物资名称"), max_length=1000)
    quantity = forms.IntegerField(label=_("数量"), min_value=-(10**9), max_value=10**9)
    issued_to = forms.CharField(label=_("领用人"), max_length=1000)
    issued_on = _date(_("发放日期"))


class WasteForm(forms.Form):
    collected_on = _date(_("收集日期"))
    weight = forms.DecimalField(label=_("重量（千克）"), max_digits=12, decimal_places=2)
    bags = forms.IntegerField(label=_("袋数"), min_value=-(10**9), max_value=10**9)
    collector = forms.CharField(label=_("收集人"), max_length=1000)
    transporter = forms.CharField(label=_("运输单位/人"), max_length=1000)
    signed_by = forms.CharField(label=_("交接签字"), max_length=1000)


class LedgerFilterForm(forms.Form):
    q = forms.CharField(label=_("关键字"), max_length=50, required=False)
    date_from = _date(_("日期自"), required=False)
    date_to = _date(_("至"), required=False)


class ScreeningFilterForm(LedgerFilterForm):
    follow_up = forms.ChoiceField(
        label=_("跟进"), choices=[("", _("全部")), *FollowUpChoice.choices], required=False
    )


# -- unified entrances (M-05) and the property company's commitment (T8·11) ---------------------

_DATETIME_ERRORS = {"invalid": _("时间格式不正确，例如 2026-11-24 08:00")}


class MergerForm(forms.Form):
    """A merger of compounds behind unified entrances: the sites the manager manages, their
    gates, the window and why (the service checks the rest, its codes reach the page)."""

    name = forms.CharField(label=_("名称"), max_length=200, help_text=_("例如：东片区合并出入口"))
    members = forms.MultipleChoiceField(
        label=_("合并的小区"), widget=forms.CheckboxSelectMultiple, required=False
    )
    gates = forms.MultipleChoiceField(
        label=_("统一出入口"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("合并期间只有这些出入口可以进入，其他出入口只出不进"),
    )
    valid_from = forms.DateTimeField(
        label=_("开始时间"), widget=_DATETIME, error_messages=_DATETIME_ERRORS
    )
    valid_until = forms.DateTimeField(
        label=_("结束时间"),
        widget=_DATETIME,
        required=False,
        error_messages=_DATETIME_ERRORS,
        help_text=_("留空表示直到解除"),
    )
    reason = forms.CharField(label=_("原因"), max_length=1000)

    def __init__(
        self,
        *args: Any,
        sites: list[tuple[int, str]],
        gates: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(str(pk), n) for pk, n in sites]  # type: ignore[attr-defined]
        self.fields["gates"].choices = [(str(pk), n) for pk, n in gates]  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "member_ids": [int(v) for v in data["members"]],
            "gate_ids": [int(v) for v in data["gates"]],
            "valid_from": data["valid_from"],
            "valid_until": data["valid_until"],
            "reason": data["reason"],
        }


class MergerEndForm(forms.Form):
    end_reason = forms.CharField(label=_("解除原因"), max_length=1000)


#: The commitments a property company usually signs for an epidemic period (editable).
DEFAULT_COMMITMENTS = (
    "落实小区封闭管理，只开放指定出入口，24小时值守",
    "对进入人员逐一测温、查验健康码和行程卡，外来人员实名登记",
    "每日对公共区域、电梯、垃圾收集点等消毒并登记台账",
    "配合街道、社区开展入户排查，发现异常立即报告",
    "为员工配备防护物资，做好员工健康监测",
    "废弃口罩等医废垃圾专桶收集、专人运输并登记",
)


class CommitmentForm(forms.Form):
    company = forms.CharField(label=_("物业服务企业"), max_length=200)
    items = forms.CharField(
        label=_("承诺事项"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("每行一项"),
        initial="\n".join(DEFAULT_COMMITMENTS),
    )
    signatory = forms.CharField(label=_("签字人"), max_length=100)
    signed_on = _date(_("签署日期"))
    valid_from = _date(_("有效期自"))
    valid_until = _date(_("有效期至"))
    scan = forms.FileField(label=_("签字盖章扫描件"), required=False)
