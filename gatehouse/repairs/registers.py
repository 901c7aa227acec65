"""报修登记表 (issue 17 §4; GV-05), as the register engine serves it under /repairs/: one row
per repair order, late ones (past due, or finished after it) in red."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gatehouse.registers.cells import display, stamp, user_name
from gatehouse.registers.engine import Column, Register, declare
from gatehouse.repairs import selectors
from gatehouse.repairs.forms import RepairFilterForm
from gatehouse.repairs.models import RepairOrder
from gatehouse.repairs.roles import DESK_ROLES


def _late(row: RepairOrder) -> bool:
    """Late at the time the register was read (the selector's annotation, core.late's rule)."""
    return bool(getattr(row, "late", False))


def _visit(row: RepairOrder) -> str:
    if row.satisfaction is None:
        return "—"
    text = display(row, "satisfaction")
    return f"{text}（{row.visit_note}）" if row.visit_note else text


declare(
    Register(
        "repairs:orders",
        _("报修登记表"),
        (
            Column(_("报修时间"), lambda row: stamp(row.filed_at)),
            Column(
                _("单号"),
                lambda row: row.number,
                link=lambda row: reverse("repairs:order", args=[row.pk]),
            ),
            Column(_("房屋"), lambda row: row.house.number),
            Column(_("报修类别"), lambda row: display(row, "category")),
            Column(_("问题描述"), lambda row: row.description),
            Column(_("应完成时间"), lambda row: stamp(row.due_at)),
            Column(_("维修人员"), lambda row: user_name(row.assignee)),
            Column(_("完工时间"), lambda row: stamp(row.finished_at)),
            Column(_("状态"), lambda row: display(row, "state")),
            Column(_("超时"), lambda row: str(_("超时")) if _late(row) else ""),
            Column(_("回访"), _visit),
        ),
        RepairFilterForm,
        selectors.register,
        _("没有符合条件的报修。"),
        css=lambda row: "row-overdue" if _late(row) else "",
        roles=DESK_ROLES,
        takes_now=True,
    ),
)
