"""车辆违规登记表 (issue 17 §5; T7 第十一条, 第十四条), as the register engine serves it under
/traffic/violations/: one row per violation, with the steps that handled it."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gatehouse.core.ids import parse_plate
from gatehouse.registers.cells import display, stamp, user_name
from gatehouse.registers.engine import Column, Register, declare
from gatehouse.traffic import selectors
from gatehouse.traffic.forms import ViolationFilterForm
from gatehouse.traffic.models import Violation

STEP_SHORT = {1: _("劝阻"), 2: _("通报"), 3: _("报警")}


def _plate(row: Violation) -> str:
    return parse_plate(row.plate).display


def _steps(row: Violation) -> str:
    """Each step done, with when and who; the police's outcome after its step."""
    parts = []
    for s in row.steps.all():
        text = f"{STEP_SHORT.get(s.step, s.step)} {stamp(s.at, '%m-%d %H:%M')} {user_name(s.by)}"
        if s.step == 3:
            text += f"（{s.outcome or _('待出警结果')}）"
        parts.append(text)
    return "；".join(parts) or "—"


def _status(row: Violation) -> str:
    return str(_("已处理")) if row.handled_at else str(_("待处理"))


declare(
    Register(
        "traffic:violations",
        _("车辆违规登记表"),
        (
            Column(_("登记时间"), lambda row: stamp(row.reported_at)),
            Column(
                _("车牌号"),
                _plate,
                link=lambda row: reverse("traffic:violation", args=[row.pk]),
            ),
            Column(_("违规类别"), lambda row: display(row, "kind")),
            Column(_("地点"), lambda row: row.place),
            Column(_("车主/所在单位"), lambda row: row.party or "—"),
            Column(_("第几次"), lambda row: str(row.count)),
            Column(_("应采取措施"), lambda row: display(row, "required_step")),
            Column(_("已采取措施"), _steps),
            Column(_("状态"), _status),
            Column(_("登记人"), lambda row: user_name(row.reported_by)),
        ),
        ViolationFilterForm,
        selectors.violation_register,
        _("没有符合条件的违规登记。"),
        css=lambda row: "" if row.handled_at else "row-waiting",
        actions=(("traffic:violation_new", _("登记违规")),),
    ),
)
