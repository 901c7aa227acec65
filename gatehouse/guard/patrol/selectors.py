"""Reads of guard night patrols (SPEC S-04: routes of checkpoints, each scan timed, a missed or
late checkpoint flagged; the 夜间安保巡查记录表).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gatehouse.core import guard as core
from gatehouse.core.errors import DomainError
from gatehouse.guard.models import PatrolRoute, PatrolScan, Shift
from gatehouse.guard.shared import guard_name
from gatehouse.registers.cells import local, stamp
from gatehouse.registers.engine import Row
from gatehouse.sites.models import Checkpoint, PostKind, Site


def core_route(route: PatrolRoute) -> core.Route:
    stops = route.stops.select_related("checkpoint").order_by("order", "pk")
    codes = tuple(s.checkpoint.code for s in stops)
    if not codes:
        raise DomainError("patrol.route_empty", f"巡更路线“{route.name}”还没有巡更点")
    return core.Route(
        name=route.name,
        checkpoints=codes,
        first_round=route.first_round,
        rounds=route.rounds,
        every_minutes=route.every_minutes,
        window_minutes=route.window_minutes,
        grace_minutes=route.grace_minutes,
    )


def current_night(route: core.Route, now: datetime) -> date:
    """The night a scan at ``now`` belongs to (the core's default night: its first round)."""
    return core.patrol_status(route=route, scans=(), now=now)[0].opens.date()


def night_scans(route: PatrolRoute, night: date) -> list[core.Scan]:
    return [
        core.Scan(s.checkpoint.code, s.at, guard_name(s.guard))
        for s in PatrolScan.objects.filter(route=route, night_of=night)
        .select_related("checkpoint", "guard")
        .order_by("at", "pk")
    ]


def route_status(
    route: PatrolRoute, now: datetime, night: date | None = None
) -> tuple[date, tuple[core.CheckpointStatus, ...]]:
    """S-04: every checkpoint of every round of a night (default: the current one) at ``now``."""
    spec = core_route(route)
    night = night if night is not None else current_night(spec, now)
    return night, core.patrol_status(
        route=spec, scans=night_scans(route, night), now=now, night_of=night
    )


def active_routes(site: Site) -> list[PatrolRoute]:
    """The site's active routes that have checkpoints, by name."""
    return list(
        PatrolRoute.objects.filter(site=site, is_active=True, stops__isnull=False)
        .distinct()
        .order_by("name", "pk")
    )


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
    routes = [route] if route is not None else active_routes(site)
    rows: list[Row] = []
    current = {r.pk: current_night(core_route(r), now) for r in routes}
    night = last
    while night >= first and len(rows) < 5000:
        for r in routes:
            if night > current[r.pk]:
                continue
            # a past night nobody was rostered for and nobody patrolled has no register
            scans = night_scans(r, night)
            if night < current[r.pk] and patrol_guard(r.site, r, night, scans) is None:
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
    _night, states = route_status(route, now, night)
    names = stop_names(route)
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
    for route in active_routes(site):
        night, states = route_status(route, now)
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


def patrol_guard(
    site: Site, route: PatrolRoute, night: date, scans: Sequence[core.Scan]
) -> str | None:
    """Who answers for a night's patrol: the guard rostered at a patrol post when its first
    round opens, else whoever scanned most. None: nobody was rostered and nobody patrolled, so
    there is no patrol register of that night to audit (a night with no guard on the patrol
    post is a staffing gap, S-01, not a register fault)."""
    opens = core_route(route).opens(night, 0)
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


def stop_names(route: PatrolRoute) -> dict[str, str]:
    """The route's checkpoints: code -> name."""
    return {s.checkpoint.code: s.checkpoint.name for s in route.stops.select_related("checkpoint")}


def routes_with_stops(site: Site) -> list[dict[str, Any]]:
    """Every route of the site (active or not) with its checkpoints in order, by name."""
    return [
        {
            "route": r,
            "stops": [s.checkpoint for s in r.stops.select_related("checkpoint").order_by("order")],
        }
        for r in PatrolRoute.objects.filter(site=site).order_by("name")
    ]


def checkpoints(site: Site, only: Any = None) -> QuerySet[Checkpoint]:
    """The site's checkpoints by code (``only``: the one with that primary key)."""
    found = Checkpoint.objects.filter(site=site).order_by("code")
    if only:
        found = found.filter(pk=only)
    return found
