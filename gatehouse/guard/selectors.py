"""Reads of guard operations: the roster with its gaps (S-01/S-02), key custody (S-08), the
registers (交接班记录表, 夜间安保巡查记录表, 异常情况记录表) as rows for the page and the xlsx
export, the monitoring board, and the register facts of a week for the spot check (S-10).

Every read is scoped to one site. The judgements (gaps, late, missed, overdue) are the core's.
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gatehouse.access.models import StaffExit
from gatehouse.accounts.models import Role
from gatehouse.core import guard as core
from gatehouse.core.ledger import format_fen
from gatehouse.core.masking import mask_name
from gatehouse.guard import services
from gatehouse.guard.absence.selectors import core_absence
from gatehouse.guard.handover.selectors import core_handover
from gatehouse.guard.models import (
    BoothAbsence,
    Handover,
    PatrolRoute,
    PatrolScan,
    Penalty,
    Shift,
)
from gatehouse.guard.shared import Row, guard_name, local, staff_of, stamp
from gatehouse.sites.models import PostKind, Site
from gatehouse.visitors.models import Visit

# == S-01 / S-02: the roster =====================================================================


# == S-08: keys ==================================================================================


# == 交接班记录表 (S-03) ==========================================================================


# == 夜间安保巡查记录表 (S-04) ====================================================================

PATROL_COLUMNS: tuple[str | Promise, ...] = (
    _("日期"),
    _("路线"),
    _("轮次"),
    _("巡查点"),
    _("规定时段"),
    _("打卡时间"),
    _("巡查人"),
    _("状态"),
    _("巡查情况"),
)
STATE_LABELS = {
    core.CheckState.UPCOMING: _("未开始"),
    core.CheckState.OPEN: _("待巡查"),
    core.CheckState.GRACE: _("宽限中"),
    core.CheckState.ON_TIME: _("按时"),
    core.CheckState.LATE: _("超时"),
    core.CheckState.MISSED: _("漏检"),
}
STATE_CSS = {
    core.CheckState.LATE: "row-late",
    core.CheckState.MISSED: "row-missed",
    core.CheckState.ON_TIME: "row-done",
}


def state_label(state: core.CheckState, minutes_late: int = 0) -> str:
    if state is core.CheckState.LATE and minutes_late:
        return str(_("超时%(m)d分钟") % {"m": minutes_late})
    return str(STATE_LABELS[state])


def patrol_register(
    site: Site,
    now: datetime,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    route: PatrolRoute | None = None,
) -> list[Row]:
    """The register, one row per checkpoint per round per night (newest night first), as the
    core judges it at ``now``; a scan that counted for no round is a row of its own. A past
    night is listed when a guard was rostered on a patrol post or patrolled; the current night
    always."""
    today = local(now).date()  # type: ignore[union-attr]
    last = min(date_to or today, today)
    first = date_from or last - timedelta(days=6)
    routes = [route] if route is not None else services.active_routes(site)
    rows: list[Row] = []
    current = {r.pk: services.current_night(services.core_route(r), now) for r in routes}
    night = last
    while night >= first and len(rows) < 5000:
        for r in routes:
            if night > current[r.pk]:
                continue
            # a past night nobody was rostered for and nobody patrolled has no register
            scans = services.night_scans(r, night)
            if night < current[r.pk] and _patrol_guard(r.site, r, night, scans) is None:
                continue
            rows.extend(_night_rows(r, night, now))
        night -= timedelta(days=1)
    return rows


def _night_rows(route: PatrolRoute, night: date, now: datetime) -> list[Row]:
    scans = list(
        PatrolScan.objects.filter(route=route, night_of=night)
        .select_related("checkpoint", "guard")
        .order_by("at", "pk")
    )
    _night, states = services.route_status(route, now, night)
    names = {s.checkpoint.code: s.checkpoint.name for s in route.stops.select_related("checkpoint")}
    by_key = {(s.checkpoint.code, local(s.at)): s for s in scans}
    rows: list[Row] = []
    used: set[int] = set()
    for st in states:
        if st.state is core.CheckState.UPCOMING:
            continue
        scan = by_key.get((st.checkpoint, st.scanned_at)) if st.scanned_at else None
        if scan is not None:
            used.add(scan.pk)
        rows.append(
            Row(
                (
                    f"{night:%Y-%m-%d}",
                    route.name,
                    str(st.round_no),
                    names.get(st.checkpoint, st.checkpoint),
                    f"{stamp(st.opens, '%H:%M')}–{stamp(st.closes, '%H:%M')}",
                    stamp(st.scanned_at, "%H:%M") if st.scanned_at else "—",
                    guard_name(scan.guard) if scan else (st.guard or "—"),
                    state_label(st.state, st.minutes_late),
                    (scan.note if scan else "") or "—",
                ),
                STATE_CSS.get(st.state, ""),
                scan,
            )
        )
    for scan in scans:
        if scan.pk not in used:
            rows.append(
                Row(
                    (
                        f"{night:%Y-%m-%d}",
                        route.name,
                        "—",
                        scan.checkpoint.name,
                        "—",
                        stamp(scan.at, "%H:%M"),
                        guard_name(scan.guard),
                        str(_("不计入")),
                        scan.note or "—",
                    ),
                    "",
                    scan,
                )
            )
    return rows


# == 异常情况记录表 (S-05) ========================================================================


# == the monitoring board (S-06) =================================================================


@dataclass
class RouteLive:
    route: PatrolRoute
    night: date
    done: int
    total: int
    missed: list[core.CheckpointStatus]
    late: list[core.CheckpointStatus]
    last: PatrolScan | None


def patrols_live(site: Site, now: datetime) -> list[RouteLive]:
    out = []
    for route in services.active_routes(site):
        night, states = services.route_status(route, now)
        due = [s for s in states if s.state is not core.CheckState.UPCOMING]
        done = [s for s in due if s.state in (core.CheckState.ON_TIME, core.CheckState.LATE)]
        last = (
            PatrolScan.objects.filter(route=route)
            .select_related("checkpoint", "guard")
            .order_by("-at", "-pk")
            .first()
        )
        out.append(
            RouteLive(
                route,
                night,
                len(done),
                len(states),
                [s for s in states if s.state is core.CheckState.MISSED],
                [s for s in states if s.state is core.CheckState.LATE],
                last,
            )
        )
    return out


# == S-10: the week's register facts and the ledger ==============================================


def _patrol_guard(
    site: Site, route: PatrolRoute, night: date, scans: Sequence[core.Scan]
) -> str | None:
    """Who answers for a night's patrol: the guard rostered at a patrol post when its first
    round opens, else whoever scanned most. None: nobody was rostered and nobody patrolled, so
    there is no patrol register of that night to audit (a night with no guard on the patrol
    post is a staffing gap, S-01, not a register fault)."""
    opens = services.core_route(route).opens(night, 0)
    shift = (
        Shift.objects.filter(site=site, post__kind=PostKind.PATROL, start__lte=opens, end__gt=opens)
        .select_related("guard")
        .order_by("start", "pk")
        .first()
    )
    if shift is not None:
        return guard_name(shift.guard)
    counts = Counter(s.guard for s in scans if s.guard)
    if counts:
        return counts.most_common(1)[0][0]
    return None


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
    for route in services.active_routes(site):
        night = first
        while night <= last:
            scans = tuple(services.night_scans(route, night))
            guard = _patrol_guard(site, route, night, scans)
            if guard is not None:
                patrols.append(core.PatrolNight(guard, services.core_route(route), night, scans))
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
