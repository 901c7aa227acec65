"""Parking's registers, as the register engine serves them: the vehicle passes (《车辆出入证》,
V-10, PK-06) under /parking/passes/ and the space leases (车位租赁, PK-03 … PK-05) under
/parking/leases/ with the renewals coming due above them; each row leads to its own page.

The daily income report (PK-07) is a statement of one day — totals by kind and by payment method
above the day's entries — not a register of rows, and keeps its own page (``views.income``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gatehouse.console.templatetags.console_tags import plate_display
from gatehouse.parking import selectors
from gatehouse.parking.forms import LeaseFilterForm, PassFilterForm, yuan
from gatehouse.parking.models import PassStatus, SpaceLease, VehiclePass
from gatehouse.parking.views import DESK_ROLES
from gatehouse.registers.cells import display
from gatehouse.registers.engine import Column, Register, declare
from gatehouse.sites.models import Site

STATUS_CSS = {PassStatus.REVOKED: "row-refused", PassStatus.LOST: "row-refused"}
#: How far ahead the lease register shows the renewals coming due (a display horizon, not a rule).
RENEWAL_NOTICE_DAYS = 30


def _valid_until(row: VehiclePass) -> str:
    return f"{row.valid_until:%Y-%m-%d}" if row.valid_until else gettext("长期")


def _space(lease: SpaceLease) -> str:
    return f"{lease.space.garage.name} {lease.space.number}"


def _term(lease: SpaceLease) -> str:
    return f"{lease.start:%Y-%m-%d} – {lease.end:%Y-%m-%d}"


def renewals_due(site: Site, now: datetime) -> dict[str, Any]:
    """The panel above the lease register: active leases whose renewal is due within
    ``RENEWAL_NOTICE_DAYS`` days (or overdue), each with the core's view of its renewal."""
    today = timezone.localdate(now)
    due = selectors.renewals_due(site, today=today, within_days=RENEWAL_NOTICE_DAYS)
    rows = [{"lease": lease, "renewal": selectors.renewal_of(lease, today=today)} for lease in due]
    return {"due": rows, "notice_days": RENEWAL_NOTICE_DAYS}


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
    Register(
        "parking:leases",
        _("车位租赁"),
        (
            Column(
                _("车位"),
                _space,
                link=lambda lease: reverse("parking:lease_detail", args=[lease.pk]),
            ),
            Column(_("承租人"), lambda lease: lease.holder.name),
            Column(_("房屋/租赁合同"), lambda lease: lease.house_ref),
            Column(_("租期"), _term),
            Column(_("月租金（元）"), lambda lease: yuan(int(lease.monthly_fee_fen))),
            Column(_("状态"), lambda lease: display(lease, "status")),
        ),
        LeaseFilterForm,
        selectors.search_leases,
        _("没有符合条件的车位租赁。"),
        roles=DESK_ROLES,
        actions=(("parking:lease_create", _("签订车位租赁")),),
        aside=("parking/_leases_due.html", renewals_due),
        per_page=20,
    ),
)
