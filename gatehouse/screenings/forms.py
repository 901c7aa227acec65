"""Forms of the screenings pages: they parse input; the services judge it (T3-05, T3-06)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gatehouse.guard.models import KEY_PLACE_CHOICES
from gatehouse.screenings.models import CampaignKind, Kind, Measure, Post, Risk

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("排查类型"), choices=Kind.choices)
    subject = forms.TypedChoiceField(label=_("排查对象"), coerce=int)
    risk = forms.ChoiceField(label=_("风险等级"), choices=Risk.choices)
    findings = forms.CharField(label=_("排查情况"), widget=forms.Textarea(attrs={"rows": 3}))
    parties = forms.CharField(label=_("当事人（纠纷）"), max_length=200, required=False)
    cause = forms.CharField(label=_("纠纷起因"), required=False)
    mediation = forms.CharField(label=_("调解情况"), required=False)
    post = forms.ChoiceField(label=_("岗位（重点人员）"), choices=Post.choices, required=False)
    health_cert_until = forms.DateField(label=_("健康证有效期至"), widget=_DATE, required=False)
    isolated = forms.BooleanField(label=_("孤立学生需关爱"), required=False)

    def __init__(self, *args: object, subjects: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["subject"].choices = subjects  # type: ignore[attr-defined]


class FollowUpForm(forms.Form):
    action = forms.CharField(label=_("跟进措施"), max_length=300)
    due_on = forms.DateField(label=_("完成期限"), widget=_DATE)
    care = forms.BooleanField(label=_("关爱帮扶/心理辅导"), required=False)


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("结案理由"), max_length=300)


class CampaignForm(forms.Form):
    kind = forms.ChoiceField(label=_("行动类型"), choices=CampaignKind.choices)
    title = forms.CharField(label=_("行动名称"), max_length=100)
    partner = forms.CharField(label=_("协同单位"), max_length=100)
    starts_on = forms.DateField(label=_("开始日期"), widget=_DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=_DATE)
    places = forms.CharField(
        label=_("检查部位/班级（每行一个，可写“人防/物防/技防：部位”）"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    MEASURES = {str(label): value for value, label in Measure.choices if value}

    def place_list(self) -> list[tuple[str, str]]:
        out = []
        for line in self.cleaned_data["places"].splitlines():
            head, sep, tail = line.replace(":", "：").partition("：")
            if sep and head.strip() in self.MEASURES:
                out.append((tail.strip(), self.MEASURES[head.strip()]))
            else:
                out.append((line.strip(), ""))
        return out


class FindingForm(forms.Form):
    place = forms.ChoiceField(label=_("部位类型"), choices=KEY_PLACE_CHOICES)
    description = forms.CharField(label=_("隐患"), max_length=300)
    owner = forms.CharField(label=_("整改责任人"), max_length=50)
    deadline = forms.DateField(label=_("整改期限"), widget=_DATE)
