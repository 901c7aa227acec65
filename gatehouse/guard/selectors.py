"""Reads of guard operations: the roster with its gaps (S-01/S-02), key custody (S-08), the
registers (交接班记录表, 夜间安保巡查记录表, 异常情况记录表) as rows for the page and the xlsx
export, the monitoring board, and the register facts of a week for the spot check (S-10).

Every read is scoped to one site. The judgements (gaps, late, missed, overdue) are the core's.
"""

from __future__ import annotations

import importlib.util
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet, Sum

from gatehouse.access.models import StaffExit
from gatehouse.accounts.models import Role
from gatehouse.core import guard as core
from gatehouse.core.ledger import format_fen
from gatehouse.core.masking import mask_name
from gatehouse.guard.absence.selectors import core_absence
from gatehouse.guard.handover.selectors import core_handover
from gatehouse.guard.models import (
    BoothAbsence,
    Handover,
    Penalty,
)
from gatehouse.guard.patrol.selectors import active_routes, core_route, night_scans, patrol_guard
from gatehouse.guard.shared import guard_name, local, staff_of
from gatehouse.sites.models import Site
from gatehouse.visitors.models import Visit

# == S-01 / S-02: the roster =====================================================================


# == S-08: keys ==================================================================================


# == 交接班记录表 (S-03) ==========================================================================


# == 夜间安保巡查记录表 (S-04) ====================================================================


# == 异常情况记录表 (S-05) ========================================================================


# == the monitoring board (S-06) =================================================================


# == S-10: the week's register facts and the ledger ==============================================


def week_registers(site: Site, start: datetime, end: datetime) -> tuple[core.WeekRegisters, list]:
    """S-10: the register facts of ``[start, end)`` as the core's spot check reads them, and the
    users they name (to link each finding to its guard)."""
    users: list[Any] = []
    visits = (
        Visit.objects.filter(site=site, time_in__gte=start, time_in__lt=end)
        .select_related("registered_by")
        .order_by("time_in", "pk")
    )
    visitors = []
    for v in visits:
        users.append(v.registered_by)
        visitors.append(
            core.VisitorRow(
                f"来客#{v.pk} {mask_name(v.name)}",
                guard_name(v.registered_by) or "（未记录）",
                v.time_in,
                v.time_out,
            )
        )
    midshift = []
    for x in (
        StaffExit.objects.filter(site=site, out_at__gte=start, out_at__lt=end)
        .select_related("registered_by", "person")
        .order_by("out_at", "pk")
    ):
        users.append(x.registered_by)
        midshift.append(
            core.MidshiftRow(
                f"外出#{x.pk} {mask_name(x.person.name)}",
                guard_name(x.registered_by) or "（未记录）",
                x.out_at,
                x.back_at,
            )
        )
    patrols = []
    first, last = local(start).date(), local(end).date()  # type: ignore[union-attr]
    for route in active_routes(site):
        night = first
        while night <= last:
            scans = tuple(night_scans(route, night))
            guard = patrol_guard(site, route, night, scans)
            if guard is not None:
                patrols.append(core.PatrolNight(guard, core_route(route), night, scans))
            night += timedelta(days=1)
    handovers = list(
        Handover.objects.filter(site=site, at__gte=start, at__lt=end)
        .select_related("outgoing", "incoming")
        .order_by("at", "pk")
    )
    for h in handovers:
        users += [h.outgoing, h.incoming]
    absences = list(
        BoothAbsence.objects.filter(site=site, left_at__gte=start, left_at__lt=end)
        .select_related("guard")
        .order_by("left_at", "pk")
    )
    users += [a.guard for a in absences]
    users += list(staff_of(site))
    slip_shifts, slip_handoffs = goods_slip_facts(site, start, end)
    facts = core.WeekRegisters(
        visitors=tuple(visitors),
        midshift=tuple(midshift),
        patrols=tuple(patrols),
        handovers=tuple(core_handover(h) for h in handovers),
        arrivals=tuple(
            core.ShiftArrival(guard_name(h.incoming), h.shift_start, h.arrived_at)
            for h in handovers
        ),
        slip_shifts=tuple(slip_shifts),
        slip_handoffs=tuple(slip_handoffs),
        absences=tuple(core_absence(a) for a in absences),
    )
    return facts, [u for u in users if u is not None]


GOODS_READ = ("gatehouse.goods.services", "collection_report")


def goods_app_ready() -> bool:
    """Whether the goods app (release slips, G-05) is there with the read we use: its
    ``collection_report`` (the used slips per guard and shift, with their hand-offs)."""
    module, name = GOODS_READ
    if importlib.util.find_spec("gatehouse.goods") is None:
        return False
    return hasattr(importlib.import_module(module), name)


def goods_slip_facts(site: Site, start: datetime, end: datetime) -> tuple[list, list]:
    """G-05 facts for the spot check: each shift's slips and their hand-offs, read through the
    goods app's ``collection_report``; the core's spot check judges them (``collection_gaps``)."""
    if not goods_app_ready():
        return [], []
    from gatehouse.core.goods import HandoffStage, ShiftSlips, SlipHandoff

    module, name = GOODS_READ
    report = getattr(importlib.import_module(module), name)
    days = max(1, -(-(end - start) // timedelta(days=1)))
    shifts, handoffs = [], []
    for r in report(site, now=end, days=days):
        if not start <= r.shift_end < end:
            continue
        numbers = tuple(s.number for s in r.slips)
        shifts.append(ShiftSlips(r.guard or "门岗", r.squad_leader, r.shift_end, numbers))
        handoffs += [
            SlipHandoff(s.number, HandoffStage(h.stage), h.at)
            for s in r.slips
            for h in s.handoffs.all()
        ]
    return shifts, handoffs


def ledger(site: Site) -> list[dict[str, Any]]:
    """Per guard: notices, fines and the fines' total (yuan, 2 decimals)."""
    rows: dict[str, dict[str, Any]] = {}
    for p in Penalty.objects.filter(site=site).order_by("guard_name", "at"):
        row = rows.setdefault(
            p.guard_name, {"guard": p.guard_name, "notices": 0, "fines": 0, "fen": 0, "items": []}
        )
        row["notices" if p.kind == core.PenaltyKind.NOTICE else "fines"] += 1
        row["fen"] += p.amount_fen
        row["items"].append(p)
    for row in rows.values():
        row["total"] = format_fen(row["fen"])
    return list(rows.values())


def ledger_total_fen(site: Site) -> int:
    return int(Penalty.objects.filter(site=site).aggregate(s=Sum("amount_fen"))["s"] or 0)


def managers_of(site: Site) -> QuerySet[Any]:
    return staff_of(site, (Role.SECURITY_MANAGER,))
