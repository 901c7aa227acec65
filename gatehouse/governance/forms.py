"""Forms of the industry association's pages: they parse input; the services and the core judge
it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gatehouse.admission.forms import YuanField, date_field
from gatehouse.governance.models import Confirmation, Method, Party, Stage

SCORE_ERRORS = {
    "invalid": _("请输入数字"),
    "max_digits": _("数字位数过多"),
    "max_decimal_places": _("最多两位小数"),
    "max_whole_digits": _("数字过大"),
}


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("项目名称"), max_length=200)
    company = forms.ChoiceField(label=_("物业服务企业"), required=False)
    company_name = forms.CharField(
        label=_("或登记新的物业服务企业"), max_length=200, required=False
    )
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=30, required=False)
    qualification = forms.CharField(label=_("资质"), max_length=100, required=False)
    since = date_field(_("服务起始日期"))

    def __init__(self, *args: Any, companies: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].choices = [("", "—")] + [(str(c.pk), c.name) for c in companies]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("company") and not (data.get("company_name") or "").strip():
            self.add_error("company", _("请选择物业服务企业，或填写新企业名称"))
        return data


class AssessmentForm(forms.Form):
    """One points field per checklist item (``score_<key>``), with an optional note."""

    year = forms.IntegerField(label=_("考核年度"), min_value=2000, max_value=2100)
    assessed_on = date_field(_("考核日期"))

    def __init__(self, *args: Any, items: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"score_{item.key}"] = forms.DecimalField(
                label=f"{item.title}（{item.weight.normalize():f}分）",
                min_value=Decimal(0),
                max_value=item.weight,
                max_digits=5,
                decimal_places=2,
                error_messages={**SCORE_ERRORS, "max_value": _("不能超过该项分值")},
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
            self.fields[f"note_{item.key}"] = forms.CharField(
                label=_("扣分说明"), max_length=200, required=False
            )

    def rows(self) -> list[tuple[Any, Any, Any]]:
        return [(i, self[f"score_{i.key}"], self[f"note_{i.key}"]) for i in self.items]

    def points(self) -> dict[str, Decimal]:
        return {i.key: self.cleaned_data[f"score_{i.key}"] for i in self.items}

    def notes(self) -> dict[str, str]:
        return {i.key: self.cleaned_data.get(f"note_{i.key}", "") for i in self.items}


class SignOffForm(forms.Form):
    party = forms.ChoiceField(choices=Party.choices, widget=forms.HiddenInput)
    signer = forms.CharField(label=_("签署人"), max_length=50)
    opinion = forms.CharField(label=_("意见"), max_length=500)
    signed_on = date_field(_("签署日期"))


class FinaliseForm(forms.Form):
    rectify_deadline = date_field(_("整改期限"), required=False, help_text=_("得分低于60分时必填"))


class DayForm(forms.Form):
    day = date_field(_("日期"))


class CreditForm(forms.Form):
    company = forms.ChoiceField(label=_("物业服务企业"))
    recorded_on = date_field(_("列入日期"))
    reason = forms.CharField(label=_("失信事实"), max_length=300)
    source = forms.CharField(label=_("依据"), max_length=200, required=False)

    def __init__(self, *args: Any, companies: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].choices = [("", "—")] + [(str(c.pk), c.name) for c in companies]


class ArrearsForm(forms.Form):
    owner_name = forms.CharField(label=_("业主姓名"), max_length=50)
    house_number = forms.CharField(label=_("房号"), max_length=40, required=False)
    arrears = YuanField(label=_("欠费金额（元）"))
    confirmed_by = forms.ChoiceField(
        label=_("确认方式"),
        choices=[("", _("尚未仲裁或判决")), *Confirmation.choices],
        required=False,
    )
    confirmed_on = date_field(_("确认日期"), required=False)
    case_ref = forms.CharField(label=_("案号"), max_length=100, required=False)


class ArrearsUpdateForm(forms.Form):
    arrears = YuanField(label=_("仍欠金额（元）"))


class TenderForm(forms.Form):
    stage = forms.ChoiceField(label=_("阶段"), choices=Stage.choices)
    method = forms.ChoiceField(label=_("选聘方式"), choices=Method.choices)
    bidders = forms.MultipleChoiceField(
        label=_("参与企业"), required=False, widget=forms.CheckboxSelectMultiple
    )
    winner = forms.ChoiceField(label=_("选定企业"))
    decided_on = date_field(_("选聘日期"))
    small_estate = forms.BooleanField(label=_("住宅规模较小"), required=False)
    bureau_approved = forms.BooleanField(label=_("经区房管局批准"), required=False)
    approval_ref = forms.CharField(label=_("批准文号"), max_length=100, required=False)
    incumbent_bids = forms.BooleanField(label=_("前期物业服务企业参与投标"), required=False)
    incumbent_consulted = forms.BooleanField(
        label=_("已事先征求社区居委会、派出所、区市场监管局、区房管局意见"), required=False
    )
    note = forms.CharField(label=_("说明"), max_length=300, required=False)

    def __init__(self, *args: Any, companies: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(c.pk), c.name) for c in companies]
        self.fields["bidders"].choices = choices
        self.fields["winner"].choices = [("", "—"), *choices]


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200)
    starts_on = date_field(_("开始日期"))
    ends_on = date_field(_("结束日期"))
    leader = forms.CharField(label=_("领导小组"), max_length=200, required=False)


class InspectionForm(forms.Form):
    project = forms.ChoiceField(label=_("物业服务项目"))
    inspected_on = date_field(_("督查日期"))
    inspectors = forms.CharField(label=_("督查人员"), max_length=200)
    summary = forms.CharField(label=_("督查情况"), max_length=500, required=False)

    def __init__(self, *args: Any, projects: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [(str(p.pk), p.name) for p in projects]


class ItemForm(forms.Form):
    inspection = forms.ChoiceField(label=_("督查记录"))
    ref = forms.CharField(label=_("通知书编号"), max_length=60)
    finding = forms.CharField(label=_("存在问题"), max_length=300)
    standard = forms.ChoiceField(label=_("对应考核项目"), required=False)
    deadline = date_field(_("整改期限"))

    def __init__(
        self, *args: Any, inspections: Any = (), standards: Any = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inspection"].choices = [
            (str(i.pk), f"{i.inspected_on:%Y-%m-%d} {i.project.name}") for i in inspections
        ]
        self.fields["standard"].choices = [("", "—")] + [(s.key, s.title) for s in standards]


class FollowUpForm(forms.Form):
    on = date_field(_("督查日期"))
    note = forms.CharField(label=_("进展"), max_length=300)


class WarningForm(forms.Form):
    company = forms.ChoiceField(label=_("物业服务企业"))
    start = date_field(_("警示开始"))
    end = date_field(_("警示结束"))
    reason = forms.CharField(label=_("原因"), max_length=300, required=False)

    def __init__(self, *args: Any, companies: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].choices = [(str(c.pk), c.name) for c in companies]
