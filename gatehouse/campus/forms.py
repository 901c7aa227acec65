"""Forms of the campus pages: they parse input; the services judge it (T3)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gatehouse.registers.forms import RegisterFilterForm


class _Window(forms.Form):
    date = forms.DateField(
        label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start_time = forms.TimeField(
        label=_("从"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("到"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day is not None and start is not None and end is not None:
            tz = timezone.get_current_timezone()
            data["window_start"] = timezone.make_aware(datetime.combine(day, start), tz)
            data["window_end"] = timezone.make_aware(datetime.combine(day, end), tz)
        return data


class PickupForm(_Window):
    """A parent's booking: which child, when, why (接孩子 by default)."""

    student = forms.TypedChoiceField(label=_("孩子"), coerce=int)
    purpose = forms.CharField(label=_("事由（可选）"), max_length=200, required=False)

    field_order = ["student", "date", "start_time", "end_time", "purpose"]

    def __init__(self, *args: Any, students: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["student"].choices = students  # type: ignore[attr-defined]


class LeavePassForm(_Window):
    """A class teacher's leave pass: which student, why, the window."""

    student = forms.TypedChoiceField(label=_("学生"), coerce=int)
    reason = forms.CharField(label=_("请假事由"), max_length=200)
    picked_up_by = forms.CharField(label=_("接送人（可选）"), max_length=50, required=False)

    field_order = ["student", "reason", "picked_up_by", "date", "start_time", "end_time"]

    def __init__(self, *args: Any, students: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["student"].choices = students  # type: ignore[attr-defined]


class SampleForm(forms.Form):
    """A row of the canteen's 留样记录 (T3-03)."""

    meal = forms.ChoiceField(label=_("餐次"), choices=[])
    dish = forms.CharField(label=_("菜品"), max_length=100)
    grams = forms.IntegerField(label=_("留样量（克）"), min_value=1, max_value=5000, initial=125)
    kept_at = forms.DateTimeField(
        label=_("留样时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    keeper = forms.CharField(label=_("留样人"), max_length=50)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from gatehouse.campus.models import Meal

        super().__init__(*args, **kwargs)
        self.fields["meal"].choices = Meal.choices  # type: ignore[attr-defined]


# -- 索证索票 (T3-04) ---------------------------------------------------------------------------


def _day(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("日期格式不正确，例如 2026-11-24")},
    )


class SupplierForm(forms.Form):
    name = forms.CharField(label=_("供应商名称"), max_length=100)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=30, required=False)
    contact = forms.CharField(label=_("联系人"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    goods = forms.CharField(label=_("供货品种"), max_length=200, required=False)


class CertificateForm(forms.Form):
    """A supplier's certificate with its copy (a scan or a photo)."""

    kind = forms.ChoiceField(label=_("证照类别"), choices=[])
    number = forms.CharField(label=_("证照编号"), max_length=60)
    holder = forms.CharField(
        label=_("持证人"), max_length=50, required=False, help_text=_("健康证填写送货人员姓名")
    )
    issuer = forms.CharField(label=_("发证机关"), max_length=100, required=False)
    valid_until = _day(_("有效期至"), required=False, help_text=_("营业执照长期有效可留空"))
    copy = forms.FileField(
        label=_("复印件"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,image/*"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from gatehouse.campus.models import CertKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = CertKind.choices  # type: ignore[attr-defined]


class DeliveryForm(forms.Form):
    """A delivery accepted by the canteen, with the certificates checked (T3-04)."""

    supplier = forms.TypedChoiceField(label=_("供应商"), coerce=int)
    delivered_on = _day(_("送货日期"))
    goods = forms.CharField(label=_("品名"), max_length=100)
    batch = forms.CharField(label=_("批号/生产日期"), max_length=60, required=False)
    quantity = forms.DecimalField(
        label=_("数量"), max_digits=10, decimal_places=2, min_value=Decimal("0.01")
    )
    unit = forms.CharField(label=_("单位"), max_length=10, initial="千克")
    receipt_no = forms.CharField(label=_("票据号"), max_length=60)
    certificates = forms.TypedMultipleChoiceField(
        label=_("查验证照"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    accepted_by = forms.CharField(label=_("验收人"), max_length=50)

    def __init__(
        self,
        *args: Any,
        suppliers: list[tuple[int, str]],
        certificates: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].choices = suppliers  # type: ignore[attr-defined]
        self.fields["certificates"].choices = certificates  # type: ignore[attr-defined]


class CertificateFilterForm(RegisterFilterForm):
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[
            ("", _("全部")),
            ("valid", _("有效")),
            ("expiring", _("30天内到期")),
            ("expired", _("已过期")),
        ],
    )


# -- guards living on campus (T3·9) --------------------------------------------------------------


class LodgingForm(forms.Form):
    guard = forms.CharField(label=_("保安员"), max_length=50)
    company = forms.CharField(label=_("保安公司"), max_length=100, required=False)
    room = forms.CharField(label=_("宿舍"), max_length=30)
    bed = forms.CharField(label=_("床位"), max_length=10)
    start = _day(_("入住日期"))
    end = _day(_("退宿日期"), required=False)


class LodgingEndForm(forms.Form):
    end = _day(_("退宿日期"))


class GuardMealForm(forms.Form):
    day = _day(_("日期"))
    meal = forms.ChoiceField(label=_("餐次"), choices=[])
    diners = forms.IntegerField(label=_("就餐人数"), min_value=1, max_value=500)
    guards = forms.CharField(label=_("就餐保安"), max_length=200, required=False)
    served_by = forms.CharField(label=_("供餐人"), max_length=50)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from gatehouse.campus.models import Meal

        super().__init__(*args, **kwargs)
        self.fields["meal"].choices = Meal.choices  # type: ignore[attr-defined]


class GuardCheckForm(forms.Form):
    checked_on = _day(_("检查日期"))
    area = forms.ChoiceField(label=_("检查内容"), choices=[])
    inspector = forms.CharField(label=_("检查人"), max_length=50)
    findings = forms.CharField(
        label=_("发现问题"), max_length=300, required=False, help_text=_("未发现问题可留空")
    )
    deadline = _day(_("整改期限"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from gatehouse.campus.models import CheckArea

        super().__init__(*args, **kwargs)
        self.fields["area"].choices = CheckArea.choices  # type: ignore[attr-defined]


class CheckCloseForm(forms.Form):
    closed_on = _day(_("整改完成日期"))
    note = forms.CharField(label=_("整改情况"), max_length=300)


class CheckFilterForm(RegisterFilterForm):
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("open", _("整改中")), ("closed", _("已销号"))],
    )
