"""Forms of the park committee's pages: they parse input (yuan to fen, dates, areas) and nothing
more; the services and the core judge it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gatehouse.admission.models import (
    ChangeChoice,
    CriterionChoice,
    DocumentKind,
    ReportPeriodChoice,
    StepChoice,
    UseChoice,
)
from gatehouse.admission.uploads import ACCEPT
from gatehouse.core.errors import DomainError
from gatehouse.core.ledger import parse_amount

DATE_ERRORS = {"invalid": _("日期格式不正确，例如 2026-11-24")}
NUMBER_ERRORS = {
    "invalid": _("请输入数字"),
    "max_digits": _("数字位数过多"),
    "max_decimal_places": _("小数位数过多"),
    "max_whole_digits": _("数字过大"),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        error_messages=DATE_ERRORS,
        help_text=help_text,
    )


class YuanField(forms.Field):
    """An amount typed in yuan (``12,500.50``), cleaned to integer fen by the core's parser."""

    widget = forms.TextInput

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "decimal", "maxlength": "24"}

    def to_python(self, value: Any) -> int | None:
        text = str(value or "").replace(",", "").replace("，", "").strip()
        if not text:
            return None
        try:
            return parse_amount(text)
        except DomainError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc


def decimal_field(
    label: Any, *, places: int = 2, digits: int = 12, required: bool = True, help_text: Any = ""
) -> forms.DecimalField:
    field = forms.DecimalField(
        label=label,
        required=required,
        max_digits=digits,
        decimal_places=places,
        error_messages=NUMBER_ERRORS,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    return field


def file_field(label: Any, *, required: bool = False, help_text: Any = "") -> forms.FileField:
    return forms.FileField(
        label=label,
        required=required,
        help_text=help_text or _("PDF、图片、OFD、Word 或 Excel，单个不超过20MB"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )


class ApplicationForm(forms.Form):
    enterprise = forms.ChoiceField(label=_("申请企业"))
    zone = forms.ChoiceField(label=_("拟入分园"))
    name = forms.CharField(label=_("项目名称"), max_length=200)
    sector = forms.CharField(
        label=_("项目行业"),
        max_length=100,
        help_text=_("如：汽车零配件加工、电子加工"),
        widget=forms.TextInput(attrs={"list": "sectors"}),
    )
    registered_capital = YuanField(label=_("注册资本（元）"))
    paid_in_capital = YuanField(label=_("实收资本（元）"))
    fixed_investment = YuanField(label=_("固定资产投资（元）"), help_text=_("不包括征地费用"))
    land_mu = decimal_field(_("申请用地（亩）"), places=4)
    requests_own_land = forms.BooleanField(label=_("申请单独供地"), required=False, initial=True)
    special_sector = forms.BooleanField(label=_("特殊行业"), required=False)
    high_tech = forms.BooleanField(label=_("省级以上高新技术项目"), required=False)
    high_pollution = forms.BooleanField(label=_("高污染"), required=False)
    high_energy = forms.BooleanField(label=_("高耗能"), required=False)
    low_output = forms.BooleanField(label=_("低产出"), required=False)
    banned_process = forms.BooleanField(label=_("采用国家明令禁止或淘汰的工艺设备"), required=False)
    unmet_criteria = forms.MultipleChoiceField(
        label=_("经审查不符合的入园条件"),
        choices=CriterionChoice.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    profile_note = forms.CharField(
        label=_("污染与能耗说明"), required=False, max_length=2000, widget=forms.Textarea
    )
    applied_on = date_field(_("申请日期"))
    doc_application = file_field(DocumentKind.APPLICATION.label)
    doc_feasibility = file_field(DocumentKind.FEASIBILITY.label)
    doc_licence_and_id = file_field(DocumentKind.LICENCE_AND_ID.label)
    doc_credit_proof = file_field(DocumentKind.CREDIT_PROOF.label)
    doc_prior_approval = file_field(DocumentKind.PRIOR_APPROVAL.label)

    FLAGS = (
        "requests_own_land",
        "special_sector",
        "high_tech",
        "high_pollution",
        "high_energy",
        "low_output",
        "banned_process",
    )

    def __init__(self, *args: Any, enterprises: Any = (), zones: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = [("", "—")] + [(str(e.pk), e.name) for e in enterprises]
        self.fields["zone"].choices = [("", "—")] + [
            (str(z.pk), f"{z.name}（{z.industry_focus}）" if z.industry_focus else z.name)
            for z in zones
        ]

    def documents(self) -> dict[str, Any]:
        return {
            kind: self.cleaned_data.get(f"doc_{kind}")
            for kind in DocumentKind.values
            if self.cleaned_data.get(f"doc_{kind}") is not None
        }


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("材料"), choices=DocumentKind.choices)
    file = file_field(_("文件"), required=True)


class DecisionForm(forms.Form):
    finding_code = forms.CharField(widget=forms.HiddenInput, max_length=60)
    approved = forms.TypedChoiceField(
        label=_("决定"),
        choices=[("1", _("同意")), ("0", _("不同意"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    decided_on = date_field(_("决定日期"))
    attendees = forms.CharField(label=_("参会人员"), max_length=300)
    minutes = forms.CharField(label=_("会议纪要/理由"), max_length=2000, widget=forms.Textarea)
    minutes_file = file_field(_("纪要文件"))


class StepForm(forms.Form):
    step = forms.ChoiceField(choices=StepChoice.choices, widget=forms.HiddenInput)
    done_on = date_field(_("完成日期"))
    note = forms.CharField(label=_("说明"), max_length=2000, required=False, widget=forms.Textarea)
    document = file_field(_("文件"))


class ContractForm(forms.Form):
    signed_on = date_field(_("签订日期"))
    land_mu = decimal_field(_("合同用地（亩）"), places=4)
    land_price = YuanField(label=_("土地出让价（元/亩）"))
    contracted_start = date_field(_("约定开工日"))
    planned_floor_area_m2 = decimal_field(_("建设总面积（㎡）"))
    total_investment = YuanField(label=_("总投资额（元）"))
    contracted_production = date_field(
        _("约定投产日"), required=False, help_text=_("留空表示以竣工日为应投产日")
    )
    completed_on = date_field(_("竣工日期"), required=False)
    land_price_relief = forms.BooleanField(label=_("减免土地出让金"), required=False)
    appraised_year1 = YuanField(label=_("未按期投产第一年评估价（元）"), required=False)
    appraised_year2 = YuanField(label=_("未按期投产第二年评估价（元）"), required=False)
    std_investment = YuanField(label=_("投资额度标准（元）"), required=False)
    std_intensity = YuanField(label=_("投资强度标准（元/亩）"), required=False)
    std_speed_pct = decimal_field(_("建设速度标准（%）"), digits=6, required=False)
    std_output = YuanField(label=_("产出密度标准（元/亩·年）"), required=False)

    def terms(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "signed_on": d["signed_on"],
            "land_mu": d["land_mu"],
            "land_price_fen_per_mu": d["land_price"],
            "contracted_start": d["contracted_start"],
            "planned_floor_area_m2": d["planned_floor_area_m2"],
            "total_investment_fen": d["total_investment"],
            "contracted_production": d["contracted_production"],
            "completed_on": d["completed_on"],
            "land_price_relief": d["land_price_relief"],
            "appraised_year1_fen": d["appraised_year1"],
            "appraised_year2_fen": d["appraised_year2"],
            "std_investment_fen": d["std_investment"],
            "std_intensity_fen_per_mu": d["std_intensity"],
            "std_speed_pct": d["std_speed_pct"],
            "std_output_fen_per_mu": d["std_output"],
        }


class ProgressForm(forms.Form):
    reported_on = date_field(_("填报日期"))
    built_floor_area_m2 = decimal_field(_("已建面积（㎡）"))
    invested = YuanField(label=_("累计投资（元）"))
    investment = YuanField(label=_("投资额度（元）"), required=False)
    intensity = YuanField(label=_("投资强度（元/亩）"), required=False)
    speed_pct = decimal_field(_("建设速度（%）"), digits=6, required=False)
    output = YuanField(label=_("产出密度（元/亩·年）"), required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class SuspensionForm(forms.Form):
    start = date_field(_("中止日期"))
    end = date_field(_("复工日期"), required=False)
    approved = forms.BooleanField(label=_("经园区管委会批准中止"), required=False)
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class SuspensionUpdateForm(forms.Form):
    end = date_field(_("复工日期"), required=False)
    notice_served_on = date_field(_("闲置通知送达日"), required=False)
    pay_by = date_field(_("缴费期限"), required=False)
    resume_by = date_field(_("复工期限"), required=False)
    paid_on = date_field(_("缴费日期"), required=False)


class StoppageForm(forms.Form):
    start = date_field(_("停产日期"))
    end = date_field(_("恢复生产日期"), required=False)
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class StoppageEndForm(forms.Form):
    end = date_field(_("恢复生产日期"))


class CorrectionForm(forms.Form):
    ref = forms.CharField(label=_("通知文号"), max_length=60)
    finding = forms.CharField(label=_("违规事项"), max_length=300)
    issued_on = date_field(_("下达日期"))
    deadline = date_field(_("改正期限"))


class CorrectionDoneForm(forms.Form):
    corrected_on = date_field(_("改正日期"))


class SitePlanForm(forms.Form):
    sector_code = forms.CharField(
        label=_("行业代码（两位）"), max_length=2, help_text=_("GB/T 4754 大类，如 36")
    )
    land_area_m2 = decimal_field(_("总用地面积（㎡）"))
    floor_area_m2 = decimal_field(_("计容建筑面积（㎡）"), help_text=_("层高超过8米的按两倍计算"))
    footprint_m2 = decimal_field(_("建筑物、构筑物及堆场占地（㎡）"))
    green_area_m2 = decimal_field(_("绿地面积（㎡）"))
    admin_living_area_m2 = decimal_field(_("行政办公及生活服务设施用地（㎡）"))
    uses = forms.MultipleChoiceField(
        label=_("规划中的非生产性用途"),
        choices=UseChoice.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class PolicyForm(forms.Form):
    idle_fee_rate = decimal_field(
        _("土地闲置费费率"),
        places=4,
        digits=5,
        required=False,
        help_text=_("占土地出让价的比例，如 0.2 表示20%；留空表示未配置"),
    )
    min_building_coverage = decimal_field(
        _("建筑系数下限"), places=4, digits=5, required=False, help_text=_("留空采用国家标准")
    )
    max_admin_share = decimal_field(
        _("行政办公及生活服务设施用地比例上限"),
        places=4,
        digits=5,
        required=False,
        help_text=_("留空采用国家标准"),
    )
    max_green_ratio = decimal_field(
        _("绿地率上限"), places=4, digits=5, required=False, help_text=_("留空采用国家标准")
    )
    plot_ratio_min = forms.CharField(
        label=_("容积率下限（与国家标准不同的行业）"),
        required=False,
        max_length=500,
        help_text=_("每行一项，写作“行业代码=下限”，如 36=0.8"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_plot_ratio_min(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for line in self.cleaned_data.get("plot_ratio_min", "").splitlines():
            line = line.strip()
            if not line:
                continue
            code, sep, value = line.replace("＝", "=").partition("=")
            try:
                if not sep:
                    raise ValueError(line)
                out[code.strip()] = Decimal(value.strip())
            except (ValueError, ArithmeticError) as exc:
                raise forms.ValidationError(
                    _("格式应为“行业代码=下限”，如 36=0.8"), code="format"
                ) from exc
        return out


class AlertHandleForm(forms.Form):
    note = forms.CharField(label=_("处理意见"), max_length=300)
    settled = forms.BooleanField(
        label=_("已了结（从时间线中移除）"),
        required=False,
        help_text=_("费用已缴清、已作出处理决定等"),
    )


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("企业名称"), max_length=200)
    zone = forms.ChoiceField(label=_("所在分园"), required=False)
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=30, required=False)
    industry = forms.CharField(label=_("行业"), max_length=100, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(
        label=_("联系电话"), max_length=20, required=False, help_text=_("修改时留空表示不修改")
    )
    is_active = forms.BooleanField(label=_("在园"), required=False, initial=True)

    def __init__(self, *args: Any, zones: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = [("", "—")] + [(str(z.pk), z.name) for z in zones]


class ReportDutyForm(forms.Form):
    since = date_field(_("起报日期"))
    period = forms.ChoiceField(label=_("报表周期"), choices=ReportPeriodChoice.choices)
    due_day = forms.IntegerField(label=_("报送日"), min_value=1, max_value=31)
    months_after = forms.IntegerField(
        label=_("期后第几个月报送"), min_value=1, max_value=12, initial=1
    )


class FilingForm(forms.Form):
    period_start = forms.DateField(widget=forms.HiddenInput, error_messages=DATE_ERRORS)
    filed_on = date_field(_("报送日期"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class ChangeNoticeForm(forms.Form):
    change = forms.ChoiceField(label=_("事项"), choices=ChangeChoice.choices)
    decided_on = date_field(_("作出决定日期"))
    notified_on = date_field(_("书面告知日期"), required=False, help_text=_("未告知的留空"))
    written = forms.BooleanField(label=_("书面形式"), required=False, initial=True)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
    document = file_field(_("告知书"))
