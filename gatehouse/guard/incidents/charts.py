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

from gatehouse.access.models import AccessEvent, Presence
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
        series = per_gate.get(row["lane__gate_id"])
        if series is not None and row["direction"] in series and row["h"] is not None:
            series[row["direction"]][int(row["h"])] += row["n"]

    refused = Counter(
        {
            r["reason"]: r["n"]
            for r in today.filter(outcome=Outcome.REFUSE).values("reason").annotate(n=Count("id"))
        }
    )
    reasons = [
        {"reason": code, "label": reason_label(code), "count": n}
        for code, n in refused.most_common(TOP_REASONS)
    ]
    rest = sum(refused.values()) - sum(r["count"] for r in reasons)
    if rest:
        reasons.append({"reason": "other", "label": "其他", "count": rest})

    severities: defaultdict[str, int] = defaultdict(int)
    for row in (
        Anomaly.objects.filter(site=site, closed_at__isnull=True)
        .values("severity")
        .annotate(n=Count("id"))
    ):
        severities[row["severity"]] += row["n"]

    patrols = patrols_live(site, now)
    devices = device_selectors.board(site, now)
    return {
        "now": now.astimezone(zone).isoformat(timespec="seconds"),
        "hour": hour,
        "inside": {
            "people": Presence.objects.filter(person__site=site, inside=True).count(),
            "visitors": Visit.objects.filter(site=site, status=VisitStatus.INSIDE).count(),
            "vehicles": cars_inside_count(site),
        },
        "gates": [
            {"gate": gates[pk], "in": series["in"], "out": series["out"]}
            for pk, series in per_gate.items()
        ],
        "today": {
            "in": today.filter(outcome=Outcome.ALLOW, direction=Direction.IN).count(),
            "out": today.filter(outcome=Outcome.ALLOW, direction=Direction.OUT).count(),
            "refused": sum(refused.values()),
        },
        "refusals": reasons,
        "anomalies": [
            {"severity": s, "label": str(label), "count": severities.get(s, 0)}
            for s, label in reversed(SEVERITY_CHOICES)
        ],
        "patrols": [{"route": p.route.name, "done": p.done, "total": p.total} for p in patrols],
        "devices": {"total": devices.total, "offline": len(devices.offline)},
    }
