"""The security manager's week on the home page (issue 16 §3): traffic, visitors, overstays,
patrol completion and spot-check findings for the last seven days, as charts
(:mod:`gatehouse.console.charts`). Read-only."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from gatehouse.access.models import AccessEvent, Notice
from gatehouse.console import charts as c
from gatehouse.core import guard as core_guard
from gatehouse.core.access import Direction, Outcome
from gatehouse.guard.models import SpotFinding
from gatehouse.guard.patrol.selectors import active_routes, route_status
from gatehouse.sites.models import Site
from gatehouse.visitors.models import Visit

#: What the registers call an overstay notice (a visitor past the time allowed).
OVERSTAY_KIND = "visitor.overstay"
DAYS = 7


def _days(now: datetime) -> tuple[list[date], datetime, datetime, ZoneInfo]:
    zone = ZoneInfo(settings.TIME_ZONE)
    today = now.astimezone(zone).date()
    days = [today - timedelta(days=n) for n in range(DAYS - 1, -1, -1)]
    start = datetime.combine(days[0], time(0), tzinfo=zone)
    return days, start, datetime.combine(today + timedelta(days=1), time(0), tzinfo=zone), zone


def _per_day(rows: Any, key: str = "d") -> Counter[date]:
    return Counter({row[key]: row["n"] for row in rows if row[key] is not None})


def _finding_label(kind: str) -> str:
    try:
        return core_guard.FINDINGS[core_guard.FindingKind(kind)][2]
    except ValueError:
        return kind


def manager_week(site: Site, now: datetime) -> dict[str, Any]:
    days, start, end, zone = _days(now)
    labels = [f"{d:%m-%d}" for d in days]
    events = AccessEvent.objects.filter(site=site, at__gte=start, at__lt=end)
    passages = {
        way: _per_day(
            events.filter(outcome=Outcome.ALLOW, direction=way)
            .annotate(d=TruncDate("at", tzinfo=zone))
            .values("d")
            .annotate(n=Count("id"))
        )
        for way in (Direction.IN, Direction.OUT)
    }
    refused = _per_day(
        events.filter(outcome=Outcome.REFUSE)
        .annotate(d=TruncDate("at", tzinfo=zone))
        .values("d")
        .annotate(n=Count("id"))
    )
    traffic = c.chart(
        "bar",
        labels,
        [
            c.series("进", [passages[Direction.IN][d] for d in days]),
            c.series("出", [passages[Direction.OUT][d] for d in days]),
            c.series("拒绝", [refused[d] for d in days]),
        ],
        title=_("每日进出与拒绝"),
        columns=["日期", "进", "出", "拒绝"],
        rows=[
            [label, passages[Direction.IN][d], passages[Direction.OUT][d], refused[d]]
            for label, d in zip(labels, days, strict=True)
        ],
    )

    visits = _per_day(
        Visit.objects.filter(site=site, time_in__gte=start, time_in__lt=end)
        .annotate(d=TruncDate("time_in", tzinfo=zone))
        .values("d")
        .annotate(n=Count("id"))
    )
    overstays = _per_day(
        Notice.objects.filter(
            site=site, kind=OVERSTAY_KIND, created_at__gte=start, created_at__lt=end
        )
        .annotate(d=TruncDate("created_at", tzinfo=zone))
        .values("d")
        .annotate(n=Count("id"))
    )
    visitors = c.chart(
        "line",
        labels,
        [
            c.series("来访", [visits[d] for d in days]),
            c.series("逾时未离", [overstays[d] for d in days]),
        ],
        title=_("每日来访与逾时未离"),
        columns=["日期", "来访", "逾时未离"],
        rows=[[label, visits[d], overstays[d]] for label, d in zip(labels, days, strict=True)],
    )

    done: Counter[date] = Counter()
    due: Counter[date] = Counter()
    for route in active_routes(site):
        for night in days:
            _night, states = route_status(route, now, night=night)
            counted = [s for s in states if s.state is not core_guard.CheckState.UPCOMING]
            due[night] += len(counted)
            done[night] += sum(
                1
                for s in counted
                if s.state in (core_guard.CheckState.ON_TIME, core_guard.CheckState.LATE)
            )
    rates = [round(100 * done[d] / due[d]) if due[d] else 0 for d in days]
    patrols = c.chart(
        "line",
        labels,
        [c.series("巡更完成率", rates)],
        percent=True,
        title=_("每晚巡更完成率"),
        columns=["夜间", "已巡", "应巡", "完成率"],
        rows=[
            [label, done[d], due[d], f"{rate}%" if due[d] else "—"]
            for label, d, rate in zip(labels, days, rates, strict=True)
        ],
    )

    findings = Counter(
        {
            row["kind"]: row["n"]
            for row in SpotFinding.objects.filter(site=site, at__gte=start, at__lt=end)
            .values("kind")
            .annotate(n=Count("id"))
        }
    )
    found = [(_finding_label(kind), n) for kind, n in findings.most_common()]
    spot = c.chart(
        "bar",
        [kind for kind, _n in found],
        [c.series("发现", [n for _kind, n in found])],
        horizontal=True,
        title=_("抽查发现（按违规类型）"),
        columns=["违规类型", "发现"],
        rows=found,
    )
    kpis = {
        "week_in": sum(passages[Direction.IN].values()),
        "week_visits": sum(visits.values()),
        "week_overstays": sum(overstays.values()),
        "week_patrol": (
            f"{round(100 * sum(done.values()) / sum(due.values()))}%" if sum(due.values()) else "—"
        ),
        "week_findings": sum(findings.values()),
    }
    return c.payload(
        now.astimezone(zone),
        {"traffic": traffic, "visitors": visitors, "patrols": patrols, "findings": spot},
        kpis,
    )
