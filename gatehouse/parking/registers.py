"""The register of vehicle passes (《车辆出入证》, V-10, PK-06), as the register engine serves
it under /parking/passes/: one row per pass issued at the site, its number leading to its page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gatehouse.console.templatetags.console_tags import plate_display
from gatehouse.parking import selectors
from gatehouse.parking.forms import PassFilterForm
from gatehouse.parking.models import PassStatus, VehiclePass
from gatehouse.parking.views import DESK_ROLES
from gatehouse.registers.cells import display
from gatehouse.registers.engine import Column, Register, declare

STATUS_CSS = {PassStatus.REVOKED: "row-refused", PassStatus.LOST: "row-refused"}


def _valid_until(row: VehiclePass) -> str:
    return f"{row.valid_until:%Y-%m-%d}" if row.valid_until else gettext("长期")


declare(
    Register(
        "parking:passes",
        _("车辆出入证"),
        (
            Column(
                _("证号"),
                lambda row: row.number,
                link=lambda row: reverse("parking:pass_detail", args=[row.pk]),
            ),
            Column(_("车牌号"), lambda row: plate_display(row.plate)),
            Column(_("持证人"), lambda row: row.holder.name),
            Column(_("车位"), lambda row: row.space.number if row.space else "—"),
            Column(_("类型"), lambda row: display(row, "kind")),
            Column(_("有效期至"), _valid_until),
            Column(_("状态"), lambda row: display(row, "status")),
        ),
        PassFilterForm,
        selectors.search_vehicle_passes,
        _("没有符合条件的车辆出入证。"),
        css=lambda row: STATUS_CSS.get(row.status, ""),
        roles=DESK_ROLES,
        actions=(("parking:pass_issue", _("办理车辆出入证")),),
        per_page=20,
    ),
)
