"""外来车辆进出登记表 (V-03, V-05, V-08, V-09, V-11), as the register engine serves it under
/vehicles/register/: one row per outside vehicle the booth registered, cell by cell."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gatehouse.registers.cells import display, local, stamp, user_name
from gatehouse.registers.engine import Column, Register, declare
from gatehouse.vehicles import selectors
from gatehouse.vehicles.forms import ERRAND_CHOICES, SERVICE_CHOICES, VehicleRegisterFilterForm
from gatehouse.vehicles.models import VehicleVisit, VehicleVisitStatus

ERRANDS = {value: str(label) for value, label in ERRAND_CHOICES if value}
SERVICES = {value: str(label) for value, label in SERVICE_CHOICES if value}
STATUS_CSS = {
    VehicleVisitStatus.INSIDE: "row-inside",
    VehicleVisitStatus.REFUSED: "row-refused",
    VehicleVisitStatus.WAITING: "row-waiting",
}


def _plate(row: VehicleVisit) -> str:
    return f"{row.plate}（{row.description}）" if row.description else row.plate


def _errand(row: VehicleVisit) -> str:
    if row.purpose:
        return row.purpose
    if row.errand:
        return ERRANDS.get(row.errand, row.errand)
    return SERVICES.get(row.service, row.service) or "—"


def _until(row: VehicleVisit) -> str:
    until = local(row.time_limit_at)
    return f"{until:%H:%M}" if until is not None else "—"


declare(
    Register(
        "vehicles:register",
        _("外来车辆进出登记表"),
        (
            Column(_("车牌号"), _plate),
            Column(_("类别"), lambda row: display(row, "kind")),
            Column(_("事由"), _errand),
            Column(_("驾驶人"), lambda row: row.driver or "—"),
            Column(_("前往"), lambda row: row.destination or "—"),
            Column(_("进入时间"), lambda row: stamp(row.time_in)),
            Column(_("离开时间"), lambda row: stamp(row.time_out)),
            Column(_("限停至"), _until),
            Column(_("状态"), lambda row: display(row, "status")),
            Column(_("登记人"), lambda row: user_name(row.registered_by)),
        ),
        VehicleRegisterFilterForm,
        selectors.vehicle_register,
        _("没有符合条件的登记。"),
        css=lambda row: STATUS_CSS.get(row.status, ""),
        parent=("vehicles:index", _("车辆岗")),
    ),
)
