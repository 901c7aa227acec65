"""Forms of guard operations: they clean the input and nothing more (the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gatehouse.guard.models import ANOMALY_KIND_CHOICES, KEY_PLACE_CHOICES, SEVERITY_CHOICES
from gatehouse.guard.services import PHOTO_ACCEPT

DATE_ERRORS = {"invalid": _("日期格式不正确，例如 2026-11-24")}
TIME_ERRORS = {"invalid": _("时间格式不正确，例如 2026-11-24 08:00")}
WEEKDAYS = [
    ("0", _("周一")),
    ("1", _("周二")),
    ("2", _("周三")),
    ("3", _("周四")),
    ("4", _("周五")),
    ("5", _("周六")),
    ("6", _("周日")),
]


def when(label: Any, *, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        error_messages=TIME_ERRORS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def day(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        error_messages=DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def lines(label: Any, *, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=2000,
        help_text=help_text or _("每行一项"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input (a phone's camera or gallery); checked by the service."""

    def __init__(self, **kwargs: Any) -> None:
        attrs = {"accept": PHOTO_ACCEPT, "capture": "environment"}
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _choices(objs: Any, label: Any = str) -> list[tuple[str, str]]:
    return [(str(o.pk), label(o)) for o in objs]


class _Sited(forms.Form):
    """A form whose choices are the current site's records."""

    def __init__(self, *args: Any, choices: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, options in (choices or {}).items():
            self.fields[name].choices = [("", "——"), *options]


class RequirementForm(_Sited):
    post = forms.ChoiceField(label=_("岗位"))
    headcount = forms.IntegerField(label=_("人数"), min_value=0, max_value=50)
    from_hour = forms.IntegerField(label=_("开始（时）"), min_value=0, max_value=23, initial=0)
    to_hour = forms.IntegerField(label=_("结束（时）"), min_value=1, max_value=24, initial=24)
    weekdays = forms.MultipleChoiceField(
        label=_("星期"),
        choices=WEEKDAYS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选表示每天"),
    )
    on = day(_("指定日期"), required=False)


class ShiftForm(_Sited):
    post = forms.ChoiceField(label=_("岗位"))
    guard = forms.ChoiceField(label=_("值班人员"))
    start = when(_("开始"))
    end = when(_("结束"))


class LeaderForm(forms.Form):
    leader_name = forms.CharField(label=_("带班领导"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    start = when(_("开始"))
    end = when(_("结束"))


class HandoverForm(_Sited):
    incoming = forms.ChoiceField(label=_("接班人"))
    post = forms.ChoiceField(label=_("岗位"), required=False)
    shift_start = when(_("接班时间"))
    arrived_at = when(_("接班人到岗时间"))
    resolved = forms.MultipleChoiceField(
        label=_("上一班交来的事项，本班已办结"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    open_matters = lines(_("未了事项（交给下一班）"))
    keys = forms.MultipleChoiceField(
        label=_("交接钥匙"), required=False, widget=forms.CheckboxSelectMultiple
    )
    equipment = lines(_("交接装备"), help_text=_("对讲机、手电、警棍等，每行一项"))
    notes = forms.CharField(label=_("备注"), max_length=300, required=False)
    incoming_password = forms.CharField(
        label=_("接班人密码（当场签字）"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("接班人输入自己的登录密码即为签字；也可稍后登录后签字"),
    )

    def __init__(
        self, *args: Any, matters: tuple[str, ...] = (), keys: Any = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resolved"].choices = [(m, m) for m in matters]
        self.fields["keys"].choices = list(keys)
        if not matters:
            del self.fields["resolved"]


class KeyForm(forms.Form):
    label = forms.CharField(label=_("钥匙"), max_length=60)
    door = forms.CharField(label=_("对应的门"), max_length=100)
    holder = forms.CharField(label=_("现由谁保管"), max_length=60, required=False)


class KeyHandForm(forms.Form):
    to_holder = forms.CharField(label=_("交给"), max_length=60, required=False)
    lost = forms.BooleanField(label=_("钥匙遗失"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("lost") and not (data.get("to_holder") or "").strip():
            self.add_error("to_holder", _("请填写接收人或存放处"))
        return data


class AbsenceForm(forms.Form):
    reason = forms.CharField(label=_("事由"), max_length=200)
    gate_closed = forms.BooleanField(label=_("已关上大门"), required=False)
    cover = forms.CharField(label=_("临时照看人"), max_length=50, required=False)


class ScanForm(_Sited):
    route = forms.ChoiceField(label=_("巡更路线"))
    code = forms.CharField(
        label=_("巡更点编码"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    note = forms.CharField(label=_("巡查情况"), max_length=300, required=False)
    photos = PhotosField(label=_("现场照片"))
    by_camera = forms.BooleanField(required=False, widget=forms.HiddenInput)


class AnomalyForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=[("", "——"), *ANOMALY_KIND_CHOICES])
    severity = forms.ChoiceField(
        label=_("级别"),
        required=False,
        choices=[("", _("按类别默认")), *SEVERITY_CHOICES],
    )
    place = forms.CharField(label=_("地点"), max_length=100)
    description = forms.CharField(
        label=_("情况"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    camera = forms.CharField(label=_("摄像头"), max_length=60, required=False)
    clip_from = when(_("录像开始"), required=False)
    clip_until = when(_("录像结束"), required=False)
    photos = PhotosField(label=_("现场照片"))


class ArchiveForm(forms.Form):
    camera = forms.CharField(label=_("摄像头"), max_length=60)
    clip_from = when(_("录像开始"))
    clip_until = when(_("录像结束"))
    label = forms.CharField(
        label=_("存档标记"), max_length=100, help_text=_("如：U盘A-20261124-01")
    )


class TextForm(forms.Form):
    text = forms.CharField(label=_("处理结果"), max_length=500)


class DispatchForm(_Sited):
    place = forms.CharField(label=_("地点"), max_length=100)
    task = forms.CharField(label=_("任务"), max_length=300)
    anomaly = forms.ChoiceField(label=_("关联异常"), required=False)


class ActivateForm(_Sited):
    plan = forms.ChoiceField(label=_("应急预案"))
    summary = forms.CharField(label=_("事由"), max_length=300)


class RotaForm(_Sited):
    guards = forms.MultipleChoiceField(
        label=_("轮值门卫（按顺序）"), widget=forms.CheckboxSelectMultiple
    )
    first_day = day(_("起始日期"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["guards"].choices = self.fields["guards"].choices[1:]


class HazardForm(_Sited):
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


class RegisterFilterForm(forms.Form):
    date_from = day(_("开始日期"), required=False)
    date_to = day(_("结束日期"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("结束日期不能早于开始日期"))
        return data
