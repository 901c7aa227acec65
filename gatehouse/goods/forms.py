"""Forms of the goods pages: they parse input into the core's values (``Item``, ``CarriedItem``);
the services judge the rules. Item lines come as repeated fields (``item_name``, ``item_qty``,
``item_unit`` …), one per row, so a page can offer as many rows as it likes without a script.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from gatehouse.access.models import OUTCOME_CHOICES
from gatehouse.core.errors import InvalidInput
from gatehouse.core.goods import CarriedItem, Hazard, Item
from gatehouse.goods.models import (
    APPLICANT_CHOICES,
    CARRIER_CHOICES,
    HAZARD_CHOICES,
    EntryKind,
    HoldState,
    SlipForm,
)
from gatehouse.registers.forms import ALL, RegisterFilterForm

MAX_QUANTITY = Decimal("99999999")
ITEM_ROWS = 5


@dataclass
class ItemRow:
    name: str = ""
    qty: str = ""
    unit: str = ""
    hazard: str = ""


def parse_quantity(text: str) -> Decimal | None:
    """A quantity as typed: ``3``, ``2.5``, ``１２`` (full-width); None if it is not one."""
    raw = "".join((text or "").split())
    raw = raw.translate({ord(c): ord("0") + i for i, c in enumerate("０１２３４５６７８９")})
    raw = raw.replace("．", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    exponent = value.as_tuple().exponent
    if (
        not value.is_finite()
        or value > MAX_QUANTITY
        or (isinstance(exponent, int) and exponent < -2)
    ):
        return None
    return value


def _rows(data: Any, prefix: str, hazard: bool = False) -> list[ItemRow]:
    if data is None:
        return []
    names = data.getlist(f"{prefix}_name")
    qtys = data.getlist(f"{prefix}_qty")
    units = data.getlist(f"{prefix}_unit")
    hazards = data.getlist(f"{prefix}_hazard") if hazard else []
    size = max(len(names), len(qtys), len(units), len(hazards))

    def at(values: list[str], i: int) -> str:
        return values[i].strip() if i < len(values) else ""

    return [ItemRow(at(names, i), at(qtys, i), at(units, i), at(hazards, i)) for i in range(size)]


class _ItemsMixin:
    """Reads the item rows of a bound form into ``cleaned_data["items"]``."""

    item_prefix = "item"
    items_required = True
    data: Any
    is_bound: bool

    def item_rows(self, minimum: int = ITEM_ROWS) -> list[ItemRow]:
        rows = _rows(self.data if self.is_bound else None, self.item_prefix)
        filled = [r for r in rows if r.name or r.qty or r.unit]
        return filled + [ItemRow() for _ in range(max(1, minimum - len(filled)))]

    def clean_items(self) -> tuple[list[Item], list[str]]:
        items: list[Item] = []
        errors: list[str] = []
        rows = _rows(self.data, self.item_prefix)
        for number, row in enumerate(rows, start=1):
            if not (row.name or row.qty or row.unit):
                continue
            quantity = parse_quantity(row.qty)
            if quantity is None:
                errors.append(
                    _t("第%(n)d行：数量不正确，请填写数字（例如 3 或 2.5）") % {"n": number}
                )
                continue
            try:
                items.append(Item(row.name, quantity, row.unit))
            except InvalidInput as exc:
                errors.append(_t("第%(n)d行：%(message)s") % {"n": number, "message": exc.message})
        if not items and not errors and self.items_required:
            errors.append(_t("请至少填写一项物品（名称、数量、单位）"))
        return items, errors


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("日期格式不正确，例如 2026-11-24")},
    )


class _SlipFields(_ItemsMixin, forms.Form):
    valid_on = _date_field(_("出区日期"))
    plate = forms.CharField(
        label=_("车牌号（可选）"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "苏E12345", "autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=_("事由（可选）"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("如：搬家、旧家具处理")}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        items, errors = self.clean_items()
        for e in errors:
            self.add_error(None, e)
        data["items"] = items
        return data


class ResidentSlipForm(_SlipFields):
    """A resident applies on the phone: one of their own houses."""

    field_order = ("house", "valid_on", "plate", "reason")

    house = forms.ChoiceField(label=_("房号"))

    def __init__(self, *args: Any, houses: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["house"].choices = houses
        if len(houses) == 1:
            self.fields["house"].initial = houses[0][0]


class DeskSlipForm(_SlipFields):
    """The front desk fills a slip in for an enterprise, a tenant or an owner and issues it."""

    field_order = (
        "applicant_kind",
        "form",
        "applicant_name",
        "house_number",
        "enterprise",
        "valid_on",
        "plate",
        "reason",
    )

    applicant_kind = forms.ChoiceField(
        label=_("申请人类别"), choices=APPLICANT_CHOICES, widget=forms.RadioSelect
    )
    form = forms.ChoiceField(
        label=_("单据类型"),
        choices=SlipForm.choices,
        initial=SlipForm.SLIP,
        required=False,
        help_text=_("车辆运送大件物品出门开具《大件物品出入单》，须填写车牌号"),
    )
    applicant_name = forms.CharField(label=_("申请人姓名"), max_length=50)
    house_number = forms.CharField(
        label=_("房号（业主、租户必填）"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "3-2-1201"}),
    )
    enterprise = forms.TypedChoiceField(
        label=_("企业（企业必填）"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, enterprises: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = [("", _("—")), *enterprises]

    def clean_form(self) -> str:
        return self.cleaned_data["form"] or SlipForm.SLIP


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)


class ScanForm(forms.Form):
    code = forms.CharField(
        label=_("扫描放行条二维码或输入放行条号"),
        max_length=300,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "class": "scan-input",
                "placeholder": "FX-2026-0001",
            }
        ),
        error_messages={"required": _("请扫描放行条二维码或输入放行条号")},
    )


class SlipCheckForm(_ItemsMixin, forms.Form):
    """The guard checks the goods off against the slip, line by line: a ticked line was brought
    out as slipped, unless another quantity is typed; goods not on the slip are extra rows."""

    item_prefix = "extra"
    items_required = False
    plate = forms.CharField(label=_("实际车辆车牌（无车可不填）"), max_length=12, required=False)

    def __init__(self, *args: Any, lines: list[Item], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines

    def line_rows(self) -> list[dict[str, Any]]:
        data = self.data if self.is_bound else {}
        return [
            {
                "index": i,
                "item": line,
                "ok": bool(data.get(f"ok_{i}")),
                "qty": (data.get(f"qty_{i}") or "").strip(),
            }
            for i, line in enumerate(self.lines)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        goods: list[Item] = []
        for i, line in enumerate(self.lines):
            typed = (self.data.get(f"qty_{i}") or "").strip()
            if typed:
                quantity = parse_quantity(typed)
                if quantity is None:
                    self.add_error(
                        None,
                        _t("%(name)s：实际数量不正确，请填写数字") % {"name": line.name},
                    )
                    continue
                if quantity > 0:
                    goods.append(Item(line.name, quantity, line.unit))
            elif self.data.get(f"ok_{i}"):
                goods.append(line)
        extra, errors = self.clean_items()
        for e in errors:
            self.add_error(None, e)
        goods += extra
        if not goods and not self.errors:
            self.add_error(None, _t("请勾选核对相符的物品，或填写实际携带的物品"))
        data["goods"] = goods
        return data


YES_NO = [("", _("—")), ("yes", _("是")), ("no", _("否"))]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class NoSlipForm(_ItemsMixin, forms.Form):
    """Goods going out without a slip (G-02, after the service centre's hours)."""

    bearer_kind = forms.ChoiceField(
        label=_("携物人类别"),
        choices=[("", _("不明")), *APPLICANT_CHOICES],
        required=False,
        widget=forms.RadioSelect,
    )
    bearer_name = forms.CharField(label=_("携物人姓名"), max_length=50, required=False)
    house_number = forms.CharField(label=_("房号"), max_length=40, required=False)
    show_id = forms.BooleanField(label=_("业主到场出示业主卡和有效证件"), required=False)
    id_number = forms.CharField(
        label=_("业主证件号"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    home_verified = forms.ChoiceField(label=_("已派人到业主家核实"), choices=YES_NO, required=False)
    verifier = forms.CharField(label=_("上门核实人"), max_length=50, required=False)
    plate = forms.CharField(label=_("车牌号（无车可不填）"), max_length=12, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        items, errors = self.clean_items()
        for e in errors:
            self.add_error(None, e)
        data["goods"] = items
        data["home_verified"] = _yes_no(data.get("home_verified", ""))
        return data


class ResolveForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("处置"),
        choices=[("release", _("核实无误，放行")), ("return", _("退回，不予放行"))],
        widget=forms.RadioSelect,
    )
    resolution = forms.CharField(label=_("处置意见"), max_length=200)


class CloseForm(forms.Form):
    resolution = forms.CharField(label=_("处理结果"), max_length=200)


SLIPS_REQUIRED = {"required": _("请选择要交接的放行条")}


class HandToLeaderForm(forms.Form):
    slips = forms.TypedMultipleChoiceField(
        label=_("放行条"), coerce=int, error_messages=SLIPS_REQUIRED
    )
    squad_leader = forms.CharField(label=_("接收中队长"), max_length=50, required=False)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slips"].choices = choices


class HandToServiceForm(forms.Form):
    slips = forms.TypedMultipleChoiceField(
        label=_("放行条"), coerce=int, error_messages=SLIPS_REQUIRED
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slips"].choices = choices


WEEKDAYS = [
    (0, _("周一")),
    (1, _("周二")),
    (2, _("周三")),
    (3, _("周四")),
    (4, _("周五")),
    (5, _("周六")),
    (6, _("周日")),
]


def _lines(text: str) -> list[str]:
    parts = (text or "").replace("，", ",").replace("、", ",").replace("\n", ",").split(",")
    return [p.strip() for p in parts if p.strip()]


class SettingsForm(forms.Form):
    service_opens = forms.TimeField(
        label=_("服务中心上班时间"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    service_closes = forms.TimeField(
        label=_("服务中心下班时间"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    service_weekdays = forms.TypedMultipleChoiceField(
        label=_("服务中心工作日"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个工作日")},
    )
    closed_dates = forms.CharField(
        label=_("休息日（每行一个日期，如 2027-01-01）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    shift_changes = forms.CharField(
        label=_("交班时间（用逗号分隔，如 08:00, 20:00）"), max_length=100
    )
    squad_leader = forms.CharField(label=_("中队长"), max_length=50, required=False)
    hand_on_hours = forms.IntegerField(
        label=_("中队长上交客服时限（小时）"), min_value=1, max_value=168
    )
    decoration_refused = forms.CharField(
        label=_("禁止进入的装修物品（用顿号或逗号分隔）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    decoration_follow_up = forms.CharField(
        label=_("须通知装修巡查组的物品（用顿号或逗号分隔）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_closed_dates(self) -> list[date]:
        out = []
        for text in _lines(self.cleaned_data["closed_dates"]):
            try:
                out.append(date.fromisoformat(text))
            except ValueError:
                raise forms.ValidationError(
                    _("日期格式不正确：%(text)s（例如 2027-01-01）"), params={"text": text}
                ) from None
        return out

    def clean_shift_changes(self) -> list[time]:
        out = []
        for text in _lines(self.cleaned_data["shift_changes"]):
            try:
                out.append(time.fromisoformat(text.replace("：", ":")))
            except ValueError:
                raise forms.ValidationError(
                    _("时间格式不正确：%(text)s（例如 08:00）"), params={"text": text}
                ) from None
        if not out:
            raise forms.ValidationError(_("请至少填写一个交班时间"))
        return out

    def clean_decoration_refused(self) -> list[str]:
        return _lines(self.cleaned_data["decoration_refused"])

    def clean_decoration_follow_up(self) -> list[str]:
        return _lines(self.cleaned_data["decoration_follow_up"])


# -- goods brought in (G-03, G-04) -------------------------------------------------------------


class _CarriedMixin:
    data: Any
    is_bound: bool
    item_prefix = "item"

    def item_rows(self, minimum: int = 3) -> list[ItemRow]:
        rows = _rows(self.data if self.is_bound else None, self.item_prefix, hazard=True)
        filled = [r for r in rows if r.name]
        return filled + [ItemRow() for _ in range(max(1, minimum - len(filled)))]

    def carried(self) -> tuple[list[CarriedItem], list[str]]:
        items: list[CarriedItem] = []
        errors: list[str] = []
        for number, row in enumerate(_rows(self.data, self.item_prefix, hazard=True), start=1):
            if not row.name:
                if row.hazard:
                    errors.append(_t("第%(n)d行：请填写物品名称") % {"n": number})
                continue
            try:
                hazard = Hazard(row.hazard) if row.hazard else None
            except ValueError:
                errors.append(_t("第%(n)d行：危险类别不正确") % {"n": number})
                continue
            items.append(CarriedItem(row.name, hazard))
        if not items and not errors:
            errors.append(_t("请至少填写一项物品"))
        return items, errors


class HazardForm(_CarriedMixin, forms.Form):
    carrier = forms.ChoiceField(
        label=_("携带人身份"), choices=CARRIER_CHOICES, widget=forms.RadioSelect
    )
    carrier_name = forms.CharField(label=_("携带人姓名"), max_length=50, required=False)
    house_number = forms.CharField(label=_("房号（住户填写）"), max_length=40, required=False)
    insists = forms.ChoiceField(
        label=_("提醒后住户是否执意带入"),
        choices=[("", _("尚未提醒")), ("yes", _("执意带入")), ("no", _("接受提醒，不带入"))],
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        items, errors = self.carried()
        for e in errors:
            self.add_error(None, e)
        data["items"] = items
        data["insists"] = _yes_no(data.get("insists", ""))
        return data


class DecorationForm(_CarriedMixin, forms.Form):
    house_number = forms.CharField(label=_("装修房号"), max_length=40)
    carrier = forms.ChoiceField(
        label=_("携带人身份"),
        choices=CARRIER_CHOICES,
        initial="worker",
        widget=forms.RadioSelect,
    )
    carrier_name = forms.CharField(label=_("携带人姓名"), max_length=50, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        items, errors = self.carried()
        for e in errors:
            self.add_error(None, e)
        data["items"] = items
        return data


HAZARD_OPTIONS = [("", _("普通物品")), *HAZARD_CHOICES]


# -- the registers' filters ----------------------------------------------------------------------


class ReleaseFilterForm(RegisterFilterForm):
    outcome = forms.ChoiceField(label=_("结果"), required=False, choices=ALL + OUTCOME_CHOICES)
    held = forms.ChoiceField(
        label=_("暂扣处置"), required=False, choices=ALL + list(HoldState.choices)[1:]
    )


class EntryFilterForm(RegisterFilterForm):
    kind = forms.ChoiceField(label=_("类别"), required=False, choices=ALL + list(EntryKind.choices))
    outcome = forms.ChoiceField(label=_("结果"), required=False, choices=ALL + OUTCOME_CHOICES)
