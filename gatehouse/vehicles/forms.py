"""The vehicle booth's forms: plain forms parsed here, the rules decided by the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gatehouse.core.vehicle import Body, Errand, PublicService, VehicleKind
from gatehouse.registers.forms import ALL, RegisterFilterForm
from gatehouse.vehicles.models import VehicleVisitStatus

KIND_CHOICES = [
    ("", _("按车牌/卡自动判断")),
    (VehicleKind.DELIVERY.value, _("送货/装修/搬家车辆")),
    (VehicleKind.EMERGENCY.value, _("执行任务/公务车辆")),
    (VehicleKind.VISITOR.value, _("来访车辆")),
    (VehicleKind.TAXI.value, _("出租车")),
    (VehicleKind.STAFF.value, _("员工车辆")),
    (VehicleKind.OTHER.value, _("其他车辆")),
]
ERRAND_CHOICES = [
    ("", "—"),
    (Errand.DECORATION.value, _("装修材料")),
    (Errand.MOVING.value, _("搬家")),
    (Errand.FURNITURE.value, _("家具")),
    (Errand.WATER.value, _("送水")),
    (Errand.GOODS.value, _("来货（送货到部门）")),
]
SERVICE_CHOICES = [
    ("", "—"),
    (PublicService.FIRE.value, _("消防车")),
    (PublicService.AMBULANCE.value, _("救护车")),
    (PublicService.CASH_VAN.value, _("运钞车")),
    (PublicService.POST.value, _("邮政车")),
    (PublicService.ENGINEERING_RESCUE.value, _("工程抢险车")),
    (PublicService.REFUSE.value, _("垃圾清运车")),
    (PublicService.SEWAGE.value, _("清污车")),
    (PublicService.GOVERNMENT.value, _("政府公务车")),
    (PublicService.POLICE_COURT.value, _("公检法车辆")),
]
BODY_CHOICES = [
    (Body.CAR.value, _("小型客车")),
    (Body.VAN.value, _("面包车/小型货车")),
    (Body.TRUCK.value, _("卡车")),
    (Body.BOX_VAN.value, _("厢式货车")),
    (Body.MEDIUM_BUS.value, _("中型以上客车")),
    (Body.TANKER.value, _("油罐车")),
]
TRISTATE = [("", _("未确认")), ("yes", _("是")), ("no", _("否"))]


def tristate(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class VehicleForm(forms.Form):
    lane = forms.IntegerField(widget=forms.HiddenInput)
    plate = forms.CharField(label=_("车牌号"), max_length=20, required=False)
    card = forms.CharField(label=_("停车卡/业主卡"), max_length=40, required=False)
    no_plate = forms.BooleanField(label=_("无牌车（或车牌无法识别）"), required=False)
    description = forms.CharField(
        label=_("车辆特征（颜色、车型、驾驶人）"), max_length=200, required=False
    )
    kind = forms.ChoiceField(label=_("车辆类别"), choices=KIND_CHOICES, required=False)
    errand = forms.ChoiceField(label=_("事由"), choices=ERRAND_CHOICES, required=False)
    service = forms.ChoiceField(label=_("公务类别"), choices=SERVICE_CHOICES, required=False)
    body = forms.ChoiceField(label=_("车型"), choices=BODY_CHOICES, required=False)
    verified = forms.ChoiceField(label=_("已核实"), choices=TRISTATE, required=False)
    host_consent = forms.ChoiceField(label=_("被访人同意"), choices=TRISTATE, required=False)
    approval = forms.ChoiceField(label=_("物业核准"), choices=TRISTATE, required=False)
    card_forgotten = forms.BooleanField(label=_("业主忘带停车卡"), required=False)
    hazardous_cargo = forms.BooleanField(label=_("装载易燃易爆剧毒物品"), required=False)
    faulty = forms.BooleanField(label=_("明显故障"), required=False)
    leaking = forms.BooleanField(label=_("漏油"), required=False)
    large_items = forms.BooleanField(label=_("携带大件物品出门"), required=False)
    large_item_form = forms.CharField(
        label=_("大件物品出入单号（扫码或输入）"), max_length=400, required=False
    )
    exit_slip = forms.ChoiceField(
        label=_("物品与出入单核对"),
        choices=[("", _("未核对")), ("yes", _("物品相符")), ("no", _("物品不符"))],
        required=False,
    )
    driver = forms.CharField(label=_("驾驶人"), max_length=50, required=False)
    company = forms.CharField(label=_("单位"), max_length=100, required=False)
    purpose = forms.CharField(label=_("事由说明"), max_length=200, required=False)
    destination = forms.CharField(label=_("前往（房号/部门）"), max_length=100, required=False)
    occupants = forms.CharField(label=_("车内人员"), max_length=200, required=False)
    temp_pass = forms.CharField(label=_("临时出入证号"), max_length=20, required=False)
    #: A guided case's button (``delivery:water``, ``emergency:ambulance``, ``visitor``, ``taxi``):
    #: fills the vehicle kind and its errand or service in one touch.
    case = forms.CharField(max_length=40, required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        case = (data.get("case") or "").strip()
        if case:
            kind, _sep, detail = case.partition(":")
            fields = {VehicleKind.DELIVERY.value: "errand", VehicleKind.EMERGENCY.value: "service"}
            choices = {"errand": ERRAND_CHOICES, "service": SERVICE_CHOICES}
            known = kind in {VehicleKind.VISITOR.value, VehicleKind.TAXI.value} and not detail
            field = fields.get(kind)
            if field is not None and detail in {v for v, _label in choices[field] if v}:
                data[field] = detail
                known = True
            if not known:
                self.add_error(None, _("无法识别的情况按钮"))
            else:
                data["kind"] = kind
        if data.get("no_plate") and not (data.get("description") or "").strip():
            # rule V-09: a car without a plate is registered by what it looks like
            self.add_error("description", _("无牌车请填写车辆特征（颜色、车型、驾驶人）"))
        return data


class PayForm(forms.Form):
    session = forms.IntegerField(widget=forms.HiddenInput)
    lane = forms.IntegerField(widget=forms.HiddenInput)
    method = forms.ChoiceField(
        choices=[("cash", _("现金")), ("qr", _("扫码")), ("card", _("刷卡"))]
    )


class VehicleRegisterFilterForm(RegisterFilterForm):
    """The filters of 外来车辆进出登记表: the days, a keyword, part of a plate, the status."""

    plate = forms.CharField(label=_("车牌号"), max_length=10, required=False)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=ALL + list(VehicleVisitStatus.choices)
    )

    def clean_plate(self) -> str:
        return self.cleaned_data["plate"].strip().upper()
