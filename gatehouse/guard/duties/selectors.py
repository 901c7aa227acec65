"""Reads of guard duties (SPEC S-07 the gatehouse cleaning rota, S-10 weekly spot checks and the
ledger of notices and fines, S-11 hazard inspections, S-12 the 24-hour hotline).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from gatehouse.access.models import StaffExit
from gatehouse.core import guard as core
from gatehouse.core.ledger import format_fen
from gatehouse.core.masking import mask_name
from gatehouse.guard.absence.selectors import core_absence
from gatehouse.guard.handover.selectors import core_handover
from gatehouse.guard.models import (
    BoothAbsence,
    CleaningDone,
    CleaningRota,
    FindingStatus,
    Handover,
    HazardFinding,
    Penalty,
    SpotFinding,
    Ticket,
)
from gatehouse.guard.patrol.selectors import active_routes, core_route, night_scans, patrol_guard
from gatehouse.guard.shared import guard_name, settings_for, staff_of
from gatehouse.registers.cells import local
from gatehouse.sites.models import KeyLocation, Site
from gatehouse.visitors.models import Visit


def rota_guards(site: Site) -> tuple[CleaningRota | None, list[Any]]:
    rota = CleaningRota.objects.filter(site=site).first()
    if rota is None:
        return None, []
    return rota, [m.guard for m in rota.members.select_related("guard").order_by("order")]


def core_hazard(h: HazardFinding) -> core.HazardFinding:
    return core.HazardFinding(
        str(h.pk),
        core.KeyPlace(h.place),
        h.description,
        h.owner,
        h.found_on,
        h.deadline,
        h.fixed_on,
    )


def ticket_policy(site: Site) -> core.TicketPolicy:
    c = settings_for(site)
    return core.TicketPolicy(
        c.answer_within_minutes, c.follow_up_within_hours, c.visit_back_within_days
    )


def core_ticket(t: Ticket) -> core.Ticket:
    return core.Ticket(
        str(t.pk), t.received_at, t.answered_at, t.followed_up_at, t.closed_at, t.visited_back_at
    )


def penalty_policy(site: Site) -> core.PenaltyPolicy:
    c = settings_for(site)
    return core.PenaltyPolicy(fine_fen=c.fine_fen, repeat_within_days=c.repeat_within_days)


def core_finding(f: SpotFinding) -> core.Finding:
    return core.Finding(f.guard_name, core.FindingKind(f.kind), f.at, f.ref, f.detail)


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


CLEANING_TITLE = _("门卫日常卫生轮流表")
CLEANING_COLUMNS = (_("日期"), _("值日门卫"), _("完成时间"), _("检查人签字"))


def cleaning_days(
    site: Site,
    rota: CleaningRota,
    members: Sequence[Any],
    today: date,
    *,
    start: date | None = None,
    days: int = core.CLEANING_DAYS,
) -> list[dict[str, Any]]:
    """S-07: the rota for ``days`` days from ``start`` (by default from a week ago for three
    weeks, :func:`gatehouse.core.guard.cleaning_span`): whose turn each day is and whether the
    day's cleaning was marked done (the turn is the core's ``cleaning_rota``)."""
    if not members:
        return []
    names = {str(u.pk): u for u in members}
    since = start if start is not None else today - timedelta(days=core.CLEANING_BEFORE)
    until = since + timedelta(days=days - 1)
    done = {
        d.day: d for d in CleaningDone.objects.filter(site=site, day__gte=since, day__lte=until)
    }
    return [
        {"day": day, "guard": names[who], "done": done.get(day), "today": day == today}
        for day, who in core.cleaning_rota(
            guards=list(names), first_day=rota.first_day, start=since, days=days
        )
    ]


def cleaning_row(d: dict[str, Any]) -> tuple[str, ...]:
    """A day of the rota as the paper lists it (the signature left blank, to sign by hand)."""
    return (
        date_format(d["day"], "Y-m-d D"),
        guard_name(d["guard"]),
        f"{timezone.localtime(d['done'].done_at):%H:%M}" if d["done"] else "",
        "",
    )


def key_locations(site: Site) -> list[KeyLocation]:
    return list(KeyLocation.objects.filter(site=site).order_by("name"))


def key_location_of(site: Site, pk: Any) -> KeyLocation | None:
    return KeyLocation.objects.filter(site=site, pk=pk).first()


def hazard_rows(site: Site, today: date) -> list[dict[str, Any]]:
    """S-11: the findings, open ones first by deadline, each with the core's state and how many
    days it is overdue."""
    rows = []
    for h in (
        HazardFinding.objects.filter(site=site)
        .select_related("key_location")
        .order_by("fixed_on", "deadline", "pk")[:200]
    ):
        c = core_hazard(h)
        rows.append(
            {
                "h": h,
                "state": core.hazard_state(c, today=today).value,
                "overdue": core.days_overdue(c, today=today),
            }
        )
    return rows


def hazard_of(site: Site, pk: Any) -> HazardFinding | None:
    return HazardFinding.objects.filter(site=site, pk=pk).first()


def ticket_rows(
    site: Site, now: datetime, *, caller_type: str = "", escalated: str = ""
) -> list[dict[str, Any]]:
    """S-12: the tickets (not visited back first, newest first) with the core's alerts; only
    one caller type's, or only those reported to the education bureau (``escalated="yes"``) or
    not (``"no"``), when asked (T3·16)."""
    policy = ticket_policy(site)
    found = Ticket.objects.filter(site=site)
    if caller_type:
        found = found.filter(caller_type=caller_type)
    if escalated:
        found = found.filter(escalated_at__isnull=escalated != "yes")
    return [
        {"t": t, "alerts": core.ticket_alerts(core_ticket(t), policy=policy, now=now)}
        for t in found.order_by("visited_back_at", "-received_at")[:100]
    ]


def ticket_of(site: Site, pk: Any) -> Ticket | None:
    return Ticket.objects.filter(site=site, pk=pk).first()


def findings(site: Site, show: Any) -> list[SpotFinding]:
    """S-10: the spot checks' findings in status ``show`` (every status when it is none)."""
    found = SpotFinding.objects.filter(site=site)
    if show in FindingStatus.values:
        found = found.filter(status=show)
    return list(found.select_related("penalty").order_by("guard_name", "at", "pk")[:300])


def finding_of(site: Site, pk: Any) -> SpotFinding | None:
    return SpotFinding.objects.filter(site=site, pk=pk).first()
