"""Forms of the parking pages. They clean input; the rules (and their Chinese errors) are the
core's: a tariff section is checked by ``Tariff.from_dict``, an amount by ``parse_amount``, and a
service error is put next to the field it names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gatehouse.console.http import form_error, renamed
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.ledger import format_fen, parse_amount
from gatehouse.core.tariff import CapMode, FreeMode, Tariff, VehicleClass, delivery_tariff
from gatehouse.core.text import clean_text
from gatehouse.parking.models import (
    LeaseStatus,
    PassDocumentKind,
    PassKind,
    PassStatus,
    PaymentMethod,
)

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
DATE_INVALID = _("日期格式不正确，例如 2026-11-24")
DATETIME_INVALID = _("时间格式不正确，例如 2026-11-24 09:30")

VEHICLE_CLASS_CHOICES = [
    (VehicleClass.TEMPORARY.value, _("临时车")),
    (VehicleClass.VISITOR.value, _("访客车辆")),
    (VehicleClass.DELIVERY.value, _("装修/搬家/送货车辆")),
    (VehicleClass.STAFF.value, _("员工车辆")),
]
FREE_MODE_CHOICES = [
    (FreeMode.ONLY_WITHIN.value, _("免费时长内离场免费，超时自入场起全程计费")),
    (FreeMode.DEDUCTED.value, _("扣除免费时长，只对超出部分计费")),
]
CAP_MODE_CHOICES = [
    (CapMode.CALENDAR_DAY.value, _("每自然日（0:00-24:00）")),
    (CapMode.ROLLING_24H.value, _("自入场起每24小时")),
]


class _LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _datetime(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_FORMATS,
        widget=_LocalDateTimeInput(),
        help_text=help_text,
        error_messages={"invalid": DATETIME_INVALID},
    )


def _date(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=_DateInput(),
        help_text=help_text,
        error_messages={"invalid": DATE_INVALID},
    )


def _amount(label: Any, *, required: bool = True, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=20,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "0.00"}),
    )


def clean_fen(form: forms.Form, name: str) -> int | None:
    """The field ``name`` in yuan as fen (core ``parse_amount``); blank is None."""
    raw = (form.cleaned_data.get(name) or "").strip()
    if not raw:
        return None
    try:
        return parse_amount(raw)
    except DomainError as exc:
        raise forms.ValidationError(exc.message, code=exc.code) from exc


def yuan(fen: int | None) -> str:
    return "" if fen is None else format_fen(fen)


# =============================================================================================
# Daily income report
# =============================================================================================


class IncomeDayForm(forms.Form):
    day = _date(_("日期"))


# =============================================================================================
# Tariffs
# =============================================================================================

# core field -> form field of a tariff section
_TARIFF_FIELDS = {
    "price": "price",
    "period_minutes": "period_minutes",
    "free_minutes": "free_minutes",
    "free_mode": "free_mode",
    "cap": "cap",
    "cap_mode": "cap_mode",
    "night": "night",
    "night.start": "night_start",
    "night.end": "night_end",
    "night.price": "night_price",
    "night.period_minutes": "night_period_minutes",
}

SAME = "same"  # a vehicle class pays the default tariff
OWN = "own"  # a vehicle class has a tariff of its own
DELIVERY_HOUR = "delivery"  # PK-02: the default tariff with the first hour free


class TariffSectionForm(forms.Form):
    """One tariff of the table: the default, or one vehicle class's (with ``mode``)."""

    mode = forms.ChoiceField(label=_("收费方式"), required=False)
    price = _amount(_("每个计费时段单价（元）"), required=False)
    period_minutes = forms.IntegerField(label=_("计费时段（分钟）"), required=False)
    free_minutes = forms.IntegerField(label=_("免费时长（分钟）"), required=False)
    free_mode = forms.ChoiceField(label=_("免费时长规则"), choices=FREE_MODE_CHOICES)
    cap = _amount(_("封顶金额（元）"), required=False, help_text=_("留空表示不封顶"))
    cap_mode = forms.ChoiceField(label=_("封顶方式"), choices=CAP_MODE_CHOICES)
    night = forms.BooleanField(label=_("夜间另行计费"), required=False)
    night_start = forms.CharField(
        label=_("夜间开始"), required=False, max_length=5, widget=forms.TimeInput(format="%H:%M")
    )
    night_end = forms.CharField(
        label=_("夜间结束"), required=False, max_length=5, widget=forms.TimeInput(format="%H:%M")
    )
    night_price = _amount(_("夜间单价（元）"), required=False)
    night_period_minutes = forms.IntegerField(
        label=_("夜间计费时段（分钟）"), required=False, help_text=_("留空表示按夜一次性收费")
    )

    def __init__(self, *args: Any, vehicle_class: VehicleClass | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.vehicle_class = vehicle_class
        for name in ("night_start", "night_end"):
            self.fields[name].widget.input_type = "time"
        if vehicle_class is None:
            del self.fields["mode"]
        else:
            modes = [(SAME, _("与默认收费标准相同")), (OWN, _("单独的收费标准"))]
            if vehicle_class is VehicleClass.DELIVERY:
                modes.insert(1, (DELIVERY_HOUR, _("默认收费标准，前60分钟免费（超1小时收费）")))
            self.fields["mode"].choices = modes
        self.tariff: Tariff | None = None

    @property
    def title(self) -> Any:
        if self.vehicle_class is None:
            return _("默认收费标准")
        return dict(VEHICLE_CLASS_CHOICES)[self.vehicle_class.value]

    @property
    def own(self) -> bool:
        return self.vehicle_class is None or self.cleaned_data.get("mode") == OWN

    def clean_price(self) -> int | None:
        return clean_fen(self, "price")

    def clean_cap(self) -> int | None:
        return clean_fen(self, "cap")

    def clean_night_price(self) -> int | None:
        return clean_fen(self, "night_price")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.vehicle_class is not None and not data.get("mode"):
            self.add_error("mode", _("请选择收费方式"))
        if self.errors or not self.own:
            return data
        if data.get("price") is None:
            self.add_error("price", _("请填写计费单价"))
            return data
        period, free = data.get("period_minutes"), data.get("free_minutes")
        raw: dict[str, object] = {
            "price": data["price"],
            "period_minutes": 60 if period is None else period,
            "free_minutes": 0 if free is None else free,
            "free_mode": data["free_mode"],
            "cap": data.get("cap"),
            "cap_mode": data["cap_mode"],
            "night": None,
        }
        if data.get("night"):
            raw["night"] = {
                "start": data.get("night_start") or "",
                "end": data.get("night_end") or "",
                "price": data.get("night_price"),
                "period_minutes": data.get("night_period_minutes"),
            }
        try:
            self.tariff = Tariff.from_dict(raw)
        except InvalidInput as exc:
            form_error(self, exc, renamed(_TARIFF_FIELDS)(exc))
        return data

    def table_entry(self, default: Tariff) -> Tariff | None:
        """This section's tariff for the table (None: the class pays the default)."""
        if self.vehicle_class is None or self.cleaned_data.get("mode") == OWN:
            return self.tariff
        if self.cleaned_data.get("mode") == DELIVERY_HOUR:
            return delivery_tariff(default)
        return None


def section_initial(tariff: Tariff | None, *, mode: str = OWN) -> dict[str, Any]:
    """A section's initial values from a stored tariff (amounts in yuan)."""
    if tariff is None:
        return {"mode": mode, "free_mode": FreeMode.ONLY_WITHIN.value, "period_minutes": 60}
    night = tariff.night
    return {
        "mode": mode,
        "price": yuan(tariff.price),
        "period_minutes": tariff.period_minutes,
        "free_minutes": tariff.free_minutes,
        "free_mode": tariff.free_mode.value,
        "cap": yuan(tariff.cap),
        "cap_mode": tariff.cap_mode.value,
        "night": night is not None,
        "night_start": f"{night.start:%H:%M}" if night else "19:00",
        "night_end": f"{night.end:%H:%M}" if night else "07:00",
        "night_price": yuan(night.price) if night else "",
        "night_period_minutes": night.period_minutes if night else 60,
    }


class TariffPlanForm(forms.Form):
    """The plan around the sections: when it starts, a note and (site-wide) the pass prices."""

    effective_from = _datetime(
        _("生效时间"), required=False, help_text=_("留空表示立即生效；不能早于当前时间")
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
    pass_deposit = _amount(_("车辆出入证押金（元）"), required=False)
    pass_card_fee = _amount(_("车辆出入证工本费（元）"), required=False)
    pass_reissue_fee = _amount(
        _("补办/换车重办工本费（元）"), required=False, help_text=_("留空表示与工本费相同")
    )

    def __init__(self, *args: Any, site_wide: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.site_wide = site_wide
        if not site_wide:
            for name in ("pass_deposit", "pass_card_fee", "pass_reissue_fee"):
                del self.fields[name]
        else:
            self.fields["pass_deposit"].required = True
            self.fields["pass_card_fee"].required = True

    def clean_pass_deposit(self) -> int | None:
        return clean_fen(self, "pass_deposit")

    def clean_pass_card_fee(self) -> int | None:
        return clean_fen(self, "pass_card_fee")

    def clean_pass_reissue_fee(self) -> int | None:
        return clean_fen(self, "pass_reissue_fee")


class FeeCalculatorForm(forms.Form):
    """PK-01/PK-02: what a stay costs under the posted tariff (the front desk's answer)."""

    entered_at = _datetime(_("入场时间"))
    left_at = _datetime(_("出场时间"))
    vehicle_class = forms.ChoiceField(label=_("车辆类别"), choices=VEHICLE_CLASS_CHOICES)
    garage = forms.ChoiceField(label=_("停放位置"), required=False)

    def __init__(self, *args: Any, garages: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["garage"].choices = [("", _("地面/全场")), *garages]


# =============================================================================================
# Vehicle passes
# =============================================================================================

METHOD_CHOICES = list(PaymentMethod.choices)


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("查找持证人"), max_length=50, required=False)

    def clean_q(self) -> str:
        return clean_text(self.cleaned_data["q"])


def _copy(label: Any) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,image/*"}),
    )


class PassIssueForm(forms.Form):
    holder = forms.IntegerField(widget=forms.HiddenInput)
    plate = forms.CharField(label=_("车牌号"), max_length=12)
    kind = forms.ChoiceField(label=_("类型"), choices=PassKind.choices, widget=forms.RadioSelect)
    space = forms.ChoiceField(label=_("车位"), required=False)
    id_checked = forms.BooleanField(label=_("已查验身份证"), required=False)
    vehicle_licence_checked = forms.BooleanField(label=_("已查验机动车行驶证"), required=False)
    driving_licence_checked = forms.BooleanField(label=_("已查验驾驶证"), required=False)
    insurance_checked = forms.BooleanField(label=_("已查验车辆保险"), required=False)
    insurance_valid_until = _date(_("保险有效期至"), required=False)
    environmental_label = forms.BooleanField(label=_("有环保标志"), required=False)
    valid_until = _datetime(_("失效时间"), required=False, help_text=_("留空表示长期有效"))
    method = forms.ChoiceField(
        label=_("付款方式"), choices=METHOD_CHOICES, widget=forms.RadioSelect
    )
    # V-10 (T7 第一条): the copies filed with the application; the service says which are due
    copy_driving_licence = _copy(_("驾驶证复印件"))
    copy_vehicle_licence = _copy(_("机动车行驶证复印件"))
    copy_insurance = _copy(_("车辆保险单复印件"))
    copy_id_card = _copy(_("身份证复印件（可选）"))
    copy_other = _copy(_("其他材料（租赁合同、工作证明等，可选）"))

    def __init__(self, *args: Any, spaces: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["space"].choices = [("", _("不指定车位")), *spaces]

    def documents(self) -> dict[str, Any]:
        """The uploaded copies by kind (``driving_licence`` …)."""
        return {
            name.removeprefix("copy_"): self.cleaned_data.get(name)
            for name in COPY_FIELDS
            if self.cleaned_data.get(name)
        }


COPY_FIELDS = (
    "copy_driving_licence",
    "copy_vehicle_licence",
    "copy_insurance",
    "copy_id_card",
    "copy_other",
)


class PassDocumentForm(forms.Form):
    """One more copy filed with a pass."""

    kind = forms.ChoiceField(label=_("证件"), choices=PassDocumentKind.choices)
    file = _copy(_("复印件"))


class PassFilterForm(forms.Form):
    q = forms.CharField(label=_("证号、车牌、姓名或车位号"), max_length=50, required=False)
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部状态")), *PassStatus.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("类型"), choices=[("", _("全部类型")), *PassKind.choices], required=False
    )

    def clean_q(self) -> str:
        return clean_text(self.cleaned_data["q"])


class PassRevokeForm(forms.Form):
    reason = forms.CharField(label=_("收回原因"), max_length=200)


class PassReissueForm(forms.Form):
    cause = forms.ChoiceField(
        label=_("补办原因"),
        choices=[("lost", _("遗失补办")), ("car_changed", _("换车重办"))],
        widget=forms.RadioSelect,
    )
    plate = forms.CharField(label=_("新车牌号"), max_length=12, required=False)
    vehicle_licence_checked = forms.BooleanField(label=_("已查验新车行驶证"), required=False)
    insurance_checked = forms.BooleanField(label=_("已查验新车保险"), required=False)
    insurance_valid_until = _date(_("新车保险有效期至"), required=False)
    environmental_label = forms.BooleanField(label=_("新车有环保标志"), required=False)
    method = forms.ChoiceField(
        label=_("付款方式"), choices=METHOD_CHOICES, widget=forms.RadioSelect
    )


class PassReturnForm(forms.Form):
    method = forms.ChoiceField(
        label=_("押金退还方式"), choices=METHOD_CHOICES, widget=forms.RadioSelect
    )


# =============================================================================================
# Space leases
# =============================================================================================


class LeaseCreateForm(forms.Form):
    holder = forms.IntegerField(widget=forms.HiddenInput)
    space = forms.ChoiceField(label=_("车位"))
    house_ref = forms.CharField(
        label=_("房屋/租赁合同"), max_length=100, help_text=_("如：3-2-1201，租赁合同号")
    )
    start = _date(_("起租日期"))
    end = _date(_("到期日期"), help_text=_("房屋租赁合同结束日期"))
    monthly_fee = _amount(_("月租金（元）"))
    renewal_due = _date(_("续租缴费截止日"), required=False, help_text=_("留空表示到期日当天"))
    method = forms.ChoiceField(
        label=_("付款方式"), choices=METHOD_CHOICES, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, spaces: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["space"].choices = [("", _("请选择车位")), *spaces]

    def clean_monthly_fee(self) -> int | None:
        return clean_fen(self, "monthly_fee")


class LeaseFilterForm(forms.Form):
    q = forms.CharField(label=_("姓名、车位号或房屋"), max_length=50, required=False)
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部状态")), *LeaseStatus.choices], required=False
    )

    def clean_q(self) -> str:
        return clean_text(self.cleaned_data["q"])


class LeaseTerminateForm(forms.Form):
    on = _date(_("终止日期"))
    method = forms.ChoiceField(
        label=_("退款方式"), choices=METHOD_CHOICES, widget=forms.RadioSelect
    )


class LeaseRenewForm(forms.Form):
    until = _date(_("新租期到期日"), help_text=_("新的房屋租赁合同结束日期"))
    monthly_fee = _amount(_("月租金（元）"), required=False, help_text=_("留空表示不变"))
    method = forms.ChoiceField(
        label=_("付款方式"), choices=METHOD_CHOICES, widget=forms.RadioSelect
    )

    def clean_monthly_fee(self) -> int | None:
        return clean_fen(self, "monthly_fee")
