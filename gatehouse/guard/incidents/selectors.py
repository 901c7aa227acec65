"""Reads of guard incidents and monitoring (SPEC S-05 anomalies and their escalation, S-06 the
monitoring centre: dispatch and the live board, S-13 the emergency chain).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gatehouse.access.models import AccessEvent, Notice, NoticeAudience
from gatehouse.core import guard as core
from gatehouse.devices import selectors as device_selectors
from gatehouse.epidemic.selectors import commitment_missing
from gatehouse.guard.models import (
    Anomaly,
    Dispatch,
    Emergency,
    EmergencyPlan,
    EmergencyStep,
    Photo,
)
from gatehouse.guard.patrol.selectors import patrols_live
from gatehouse.guard.shared import guard_name, settings_for
from gatehouse.registers.cells import register_rows, stamp
from gatehouse.registers.engine import Row
from gatehouse.sites.models import Site


def escalation_policy(site: Site) -> core.EscalationPolicy:
    c = settings_for(site)
    return core.EscalationPolicy(
        {
            core.Severity.CRITICAL: c.ack_critical_minutes,
            core.Severity.HIGH: c.ack_high_minutes,
            core.Severity.MEDIUM: c.ack_medium_minutes,
            core.Severity.LOW: c.ack_low_minutes,
        }
    )


def emergency_chain(emergency: Emergency, now: datetime) -> core.ChainState:
    steps = list(emergency.plan.steps.order_by("order", "pk"))
    acks = {a.who: a.at for a in emergency.acks.all()}
    return core.chain_state(
        chain=[core.ChainStep(s.who, s.minutes) for s in steps],
        acks=acks,
        started_at=emergency.started_at,
        now=now,
    )


BOARD_EVENTS = 20


BOARD_ALERTS = 20


ALERT_WINDOW = timedelta(hours=24)


ANOMALY_TITLE = _("异常情况记录表")
ANOMALY_COLUMNS: tuple[str | Promise, ...] = (
    _("报告时间"),
    _("类别"),
    _("级别"),
    _("地点"),
    _("情况"),
    _("报告人"),
    _("确认"),
    _("上报领导"),
    _("录像存档"),
    _("处理结果"),
)


def anomaly_register(
    site: Site,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str = "",
    status: str = "",
) -> QuerySet[Anomaly]:
    return register_rows(
        Anomaly.objects.filter(site=site),
        "reported_at",
        date_from,
        date_to,
        q=q,
        search=("place__icontains", "description__icontains"),
        where={"closed_at__isnull": {"open": True, "closed": False}.get(status)},
        related=("reported_by", "acknowledged_by"),
    )


def anomaly_row(a: Anomaly) -> Row:
    if a.archived_at:
        archive = f"{a.camera} {stamp(a.clip_from, '%H:%M')}–{stamp(a.clip_until, '%H:%M')}"
        archive += f"（{a.archive_label}）"
    elif a.archive_required:
        archive = str(_("待存档"))
    else:
        archive = "—"
    return Row(
        (
            stamp(a.reported_at),
            a.get_kind_display(),
            a.get_severity_display(),
            a.place,
            a.description,
            guard_name(a.reported_by),
            stamp(a.acknowledged_at, "%m-%d %H:%M") if a.acknowledged_at else str(_("未确认")),
            f"{stamp(a.escalated_at, '%H:%M')} {a.escalated_to}" if a.escalated_at else "—",
            archive,
            a.resolution or "—",
        ),
        "row-open" if a.closed_at is None else "",
        a,
    )


CALL_LABELS = {
    core.CallState.WAITING: _("待通知"),
    core.CallState.CALLING: _("正在通知"),
    core.CallState.ACKNOWLEDGED: _("已确认"),
    core.CallState.FAILED: _("超时未确认"),
}


def chain_rows(state: core.ChainState) -> list[dict[str, Any]]:
    return [{"call": c, "label": CALL_LABELS[c.state]} for c in state.calls]


def emergency_items(site: Site, now: datetime, *, open_only: bool) -> list[dict[str, Any]]:
    qs = Emergency.objects.filter(site=site).select_related("plan")
    if open_only:
        qs = qs.filter(closed_at__isnull=True)
    items = []
    for e in qs.order_by("-started_at", "-pk")[:20]:
        chain = emergency_chain(e, now)
        items.append({"e": e, "chain": chain, "calls": chain_rows(chain)})
    return items


def board(site: Site, now: datetime) -> dict[str, Any]:
    """Everything the monitoring centre watches, newest first."""
    events = list(
        AccessEvent.objects.filter(site=site)
        .select_related("lane__gate")
        .order_by("-at", "-pk")[:BOARD_EVENTS]
    )
    anomalies = list(
        Anomaly.objects.filter(site=site, closed_at__isnull=True)
        .select_related("reported_by")
        .order_by("-reported_at", "-pk")[:30]
    )
    policy = escalation_policy(site)
    anomaly_rows = [
        {
            "a": a,
            "escalation": core.escalation_due(
                reported_at=a.reported_at,
                acknowledged_at=a.acknowledged_at,
                severity=core.Severity(a.severity),
                policy=policy,
                now=now,
            ),
        }
        for a in anomalies
    ]
    dispatches = list(
        Dispatch.objects.filter(site=site)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=now - timedelta(hours=12)))
        .select_related("acknowledged_by", "closed_by")
        .order_by("closed_at", "-dispatched_at")[:20]
    )
    alerts = list(
        Notice.objects.filter(
            site=site,
            audience=NoticeAudience.MONITORING,
            acknowledged_at__isnull=True,
            created_at__gte=now - ALERT_WINDOW,
        ).order_by("-created_at", "-pk")[:BOARD_ALERTS]
    )
    emergencies = emergency_items(site, now, open_only=True)
    return {
        "events": events,
        "anomalies": anomaly_rows,
        "patrols": patrols_live(site, now),
        "dispatches": dispatches,
        "alerts": alerts,
        "emergencies": emergencies,
        "devices": device_selectors.board(site, now),
        # T8·11: in epidemic mode, the property company's commitment must be current
        "commitment_missing": commitment_missing(site, timezone.localdate(now)),
        "now": now,
    }


def anomaly_of(site: Site, pk: Any) -> Anomaly | None:
    return Anomaly.objects.filter(site=site, pk=pk).first()


def reported_by(site: Site, user: Any, limit: int = 10) -> list[Anomaly]:
    """What ``user`` reported lately, newest first."""
    mine = Anomaly.objects.filter(site=site, reported_by=user).order_by("-reported_at")
    return list(mine[:limit])


def anomaly_photos(anomaly: Anomaly) -> list[Photo]:
    return list(anomaly.photos.order_by("pk"))


def anomaly_dispatches(anomaly: Anomaly) -> list[Dispatch]:
    return list(anomaly.dispatches.order_by("-dispatched_at"))


def _open_anomalies(site: Site) -> QuerySet[Anomaly]:
    return Anomaly.objects.filter(site=site, closed_at__isnull=True).order_by("-reported_at")


def open_anomalies(site: Site, limit: int = 50) -> list[Anomaly]:
    """The open anomalies a dispatch may answer, newest first."""
    return list(_open_anomalies(site)[:limit])


def open_anomaly(site: Site, pk: Any) -> Anomaly | None:
    return _open_anomalies(site).filter(pk=pk).first()


def dispatch_of(site: Site, pk: Any) -> Dispatch | None:
    return Dispatch.objects.filter(site=site, pk=pk).first()


def dispatch_rows(site: Site, limit: int = 50) -> list[Dispatch]:
    """The dispatches, open ones first, newest first."""
    found = Dispatch.objects.filter(site=site).select_related(
        "dispatched_by", "acknowledged_by", "closed_by"
    )
    return list(found.order_by("closed_at", "-dispatched_at")[:limit])


def open_dispatches(site: Site, limit: int = 10) -> list[Dispatch]:
    """The dispatches not closed yet, newest first (the patrol's phone page)."""
    found = Dispatch.objects.filter(site=site, closed_at__isnull=True).order_by("-dispatched_at")
    return list(found[:limit])


def monitoring_notice(site: Site, pk: Any) -> Notice | None:
    return Notice.objects.filter(site=site, pk=pk, audience=NoticeAudience.MONITORING).first()


def active_plans(site: Site) -> list[EmergencyPlan]:
    return list(EmergencyPlan.objects.filter(site=site, is_active=True).order_by("name"))


def all_plans(site: Site) -> list[EmergencyPlan]:
    """Every plan of the site with its chain in order (the manager's list, issue 17 §6)."""
    steps = Prefetch("steps", EmergencyStep.objects.order_by("order"))
    return list(EmergencyPlan.objects.filter(site=site).prefetch_related(steps).order_by("name"))


def active_plan(site: Site, pk: Any) -> EmergencyPlan:
    """One of the site's active plans (the form offered only those)."""
    return EmergencyPlan.objects.filter(site=site, is_active=True).get(pk=pk)


def emergency_of(site: Site, pk: Any) -> Emergency | None:
    return Emergency.objects.filter(site=site, pk=pk).first()
