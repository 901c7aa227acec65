"""The monitoring board's figures for its charts (issue 16 §3), as plain JSON: who and what is
inside now, today's entries and exits per gate per hour, today's refusals by reason, open
anomalies by severity, patrol completion and devices offline. Read-only; the board's page
fetches them every few seconds and redraws its charts in place, and shows each chart's numbers
as a table under it."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import ExtractHour
from django.utils.translation import gettext_lazy as _

from gatehouse.access.models import AccessEvent, Presence
from gatehouse.console import charts as c
from gatehouse.core import edge as core_edge
from gatehouse.core import vehicle as core_vehicle
from gatehouse.core.access import REASONS, Direction, Outcome
from gatehouse.devices import selectors as device_selectors
from gatehouse.guard.models import SEVERITY_CHOICES, Anomaly
from gatehouse.guard.patrol.selectors import patrols_live
from gatehouse.sites.models import Gate, Site
from gatehouse.vehicles.selectors import cars_inside_count
from gatehouse.visitors.models import Visit, VisitStatus

#: Refusal reasons listed one by one; the rest are summed as 其他.
TOP_REASONS = 8


def reason_label(reason: str) -> str:
    """A refusal reason as a short Chinese label: the first clause of its sentence."""
    for table in (REASONS, core_vehicle.REASONS, core_edge.EDGE_REASONS):
        found = table.get(reason)
        if found:
            return found[1].split("，")[0].split("：")[0][:18]
    return reason


def _today(now: datetime) -> tuple[datetime, datetime]:
    zone = ZoneInfo(settings.TIME_ZONE)
    day = now.astimezone(zone).date()
    start = datetime.combine(day, time(0), tzinfo=zone)
    return start, start + timedelta(days=1)


def board_stats(site: Site, now: datetime) -> dict[str, Any]:
    """The board's figures and charts (:func:`gatehouse.console.charts.payload`)."""
    start, end = _today(now)
    today = AccessEvent.objects.filter(site=site, at__gte=start, at__lt=end)
    zone = ZoneInfo(settings.TIME_ZONE)
    hour = now.astimezone(zone).hour

    gates = {g.pk: g.name for g in Gate.objects.filter(site=site).order_by("code")}
    per_gate: dict[int, dict[str, list[int]]] = {
        pk: {"in": [0] * 24, "out": [0] * 24} for pk in gates
    }
    passed = (
        today.filter(outcome=Outcome.ALLOW)
        .annotate(h=ExtractHour("at", tzinfo=zone))
        .values("lane__gate_id", "direction", "h")
        .annotate(n=Count("id"))
    )
    for row in passed:
        per = per_gate.get(row["lane__gate_id"])
        if per is not None and row["direction"] in per and row["h"] is not None:
            per[row["direction"]][int(row["h"])] += row["n"]
    hours = range(hour + 1)
    hourly = c.chart(
        "bar",
        [f"{h}时" for h in hours],
        [
            c.series(f"{gates[pk]} {word}", per[way][: hour + 1], stack=way)
            for pk, per in per_gate.items()
            for way, word in (("in", "进"), ("out", "出"))
        ],
        stacked=True,
        title=_("今日各门岗每小时进出"),
        columns=["门岗", "时段", "进", "出"],
        rows=[
            [gates[pk], f"{h}时", per["in"][h], per["out"][h]]
            for pk, per in per_gate.items()
            for h in hours
            if per["in"][h] or per["out"][h]
        ],
    )

    refused = Counter(
        {
            r["reason"]: r["n"]
            for r in today.filter(outcome=Outcome.REFUSE).values("reason").annotate(n=Count("id"))
        }
    )
    reasons = [(reason_label(code), n) for code, n in refused.most_common(TOP_REASONS)]
    rest = sum(refused.values()) - sum(n for _label, n in reasons)
    if rest:
        reasons.append(("其他", rest))
    refusals = c.chart(
        "bar",
        [label for label, _n in reasons],
        [c.series("次数", [n for _label, n in reasons])],
        horizontal=True,
        title=_("今日拒绝原因"),
        columns=["原因", "次数"],
        rows=reasons,
    )

    severities: defaultdict[str, int] = defaultdict(int)
    for row in (
        Anomaly.objects.filter(site=site, closed_at__isnull=True)
        .values("severity")
        .annotate(n=Count("id"))
    ):
        severities[row["severity"]] += row["n"]
    levels = [(str(label), severities.get(s, 0)) for s, label in reversed(SEVERITY_CHOICES)]
    anomalies = c.chart(
        "bar",
        [label for label, _n in levels],
        [c.series("未结", [n for _label, n in levels])],
        title=_("未结异常（按级别）"),
        columns=["级别", "未结"],
        rows=levels,
    )

    routes = patrols_live(site, now)
    patrols = c.chart(
        "bar",
        [p.route.name for p in routes],
        [
            c.series("已巡", [p.done for p in routes], stack="p"),
            c.series("未巡", [max(0, p.total - p.done) for p in routes], stack="p"),
        ],
        horizontal=True,
        stacked=True,
        title=_("今晚巡更完成情况"),
        columns=["路线", "已巡", "应巡"],
        rows=[[p.route.name, p.done, p.total] for p in routes],
    )
    devices = device_selectors.board(site, now)
    kpis = {
        "people": Presence.objects.filter(person__site=site, inside=True).count(),
        "visitors": Visit.objects.filter(site=site, status=VisitStatus.INSIDE).count(),
        "vehicles": cars_inside_count(site),
        "in": today.filter(outcome=Outcome.ALLOW, direction=Direction.IN).count(),
        "out": today.filter(outcome=Outcome.ALLOW, direction=Direction.OUT).count(),
        "refused": sum(refused.values()),
        "offline": f"{len(devices.offline)} / {devices.total}",
    }
    return c.payload(
        now.astimezone(zone),
        {"hourly": hourly, "refusals": refusals, "anomalies": anomalies, "patrols": patrols},
        kpis,
    )
