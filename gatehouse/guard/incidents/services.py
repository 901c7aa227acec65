"""Writes of guard incidents and monitoring (SPEC S-05 anomalies and their escalation, S-06 the
monitoring centre: dispatch and the live board, S-13 the emergency chain).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from gatehouse.access.models import Notice, NoticeAudience
from gatehouse.accounts.actor import Actor
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.core import guard as core
from gatehouse.core.access import Duty
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.text import clean_text
from gatehouse.guard.incidents.selectors import emergency_chain, escalation_policy
from gatehouse.guard.models import Anomaly, Dispatch, Emergency, EmergencyAck, EmergencyPlan
from gatehouse.guard.roster.selectors import leaders_now
from gatehouse.guard.shared import local_time
from gatehouse.guard.writes import save_photos, write_audit, write_notice
from gatehouse.notify import messages as notify_messages
from gatehouse.sites.models import Site


@dataclass(frozen=True)
class AnomalyResult:
    anomaly: Anomaly
    obligations: tuple[Any, ...]


@transaction.atomic
def anomaly_report(
    *,
    site: Site,
    actor: Actor,
    kind: str,
    place: str,
    description: str,
    severity: str = "",
    camera: str = "",
    clip_from: datetime | None = None,
    clip_until: datetime | None = None,
    photos: Sequence[Any] = (),
    recorded_by: Any = None,
    now: datetime,
) -> AnomalyResult:
    """S-05: record an anomaly (异常情况记录表) and do what its kind obliges (the core's
    ``anomaly_obligations``): the monitoring centre is alerted at once, the patrol or maintenance
    told, the video clip marked to be archived for fights, theft, accidents and fire."""
    try:
        anomaly_kind = core.AnomalyKind(kind)
    except ValueError:
        raise InvalidInput("anomaly.kind", "请选择异常类别", {"field": "kind"}) from None
    profile = core.ANOMALIES[anomaly_kind]
    level = profile.severity
    if severity:
        try:
            level = core.Severity(severity)
        except ValueError:
            raise InvalidInput("anomaly.severity", "级别不正确", {"field": "severity"}) from None
    place, description = clean_text(place, 100), clean_text(description, 500)
    if not place or not description:
        raise InvalidInput("anomaly.text", "请填写地点和情况", {"field": "place"})
    if clip_from and clip_until and clip_until < clip_from:
        raise InvalidInput("time.order", "录像结束时间不能早于开始时间。", {"field": "clip_until"})
    duties = core.anomaly_obligations(anomaly_kind)
    anomaly = Anomaly.objects.create(
        site=site,
        kind=anomaly_kind.value,
        severity=level.value,
        place=place,
        description=description,
        reported_by=actor,
        reported_at=now,
        camera=clean_text(camera, 60),
        clip_from=clip_from,
        clip_until=clip_until,
        archive_required=any(d.duty is Duty.ARCHIVE_VIDEO for d in duties),
    )
    save_photos(photos, site=site, actor=actor, now=now, anomaly=anomaly)
    ref = f"anomaly:{anomaly.pk}"
    head = f"{profile.label}：{place}，{description}"
    write_notice(site, NoticeAudience.MONITORING, "anomaly.reported", f"异常情况 {head}", ref, now)
    for d in duties:
        if d.duty is Duty.NOTIFY_PATROL:
            write_notice(
                site, NoticeAudience.PATROL, "anomaly.patrol", f"请前往核实 {head}", ref, now
            )
        elif d.duty is Duty.NOTIFY_MAINTENANCE:
            write_notice(
                site, NoticeAudience.DESK, "anomaly.maintenance", f"请通知电工维修 {head}", ref, now
            )
    write_audit("guard.anomaly.report", anomaly, recorded_by or actor, now)
    return AnomalyResult(anomaly, duties)


def _locked(anomaly: Anomaly) -> Anomaly:
    return Anomaly.objects.select_for_update().get(pk=anomaly.pk)


@transaction.atomic
def anomaly_acknowledge(*, anomaly: Anomaly, actor: Actor, now: datetime) -> Anomaly:
    a = _locked(anomaly)
    if a.acknowledged_at is not None:
        raise DomainError("anomaly.acknowledged", "该异常情况已经确认过了")
    before = snapshot(a)
    a.acknowledged_at, a.acknowledged_by = now, actor
    a.save(update_fields=["acknowledged_at", "acknowledged_by"])
    write_audit("guard.anomaly.acknowledge", a, actor, now, before)
    return a


@transaction.atomic
def anomaly_archive(
    *,
    anomaly: Anomaly,
    actor: Actor,
    label: str,
    camera: str,
    clip_from: datetime,
    clip_until: datetime,
    now: datetime,
) -> Anomaly:
    """S-05: the clip (camera, time range) is stored apart and marked (录像另存并做好标记)."""
    label, camera = clean_text(label, 100), clean_text(camera, 60)
    if not label or not camera:
        raise InvalidInput("anomaly.archive", "请填写摄像头和存档标记", {"field": "label"})
    if clip_until < clip_from:
        raise InvalidInput("time.order", "录像结束时间不能早于开始时间。", {"field": "clip_until"})
    a = _locked(anomaly)
    before = snapshot(a)
    a.archive_label, a.camera, a.clip_from, a.clip_until = label, camera, clip_from, clip_until
    a.archived_at, a.archived_by = now, actor
    a.save(
        update_fields=[
            "archive_label",
            "camera",
            "clip_from",
            "clip_until",
            "archived_at",
            "archived_by",
        ]
    )
    write_audit("guard.anomaly.archive", a, actor, now, before)
    return a


@transaction.atomic
def anomaly_close(*, anomaly: Anomaly, actor: Actor, resolution: str, now: datetime) -> Anomaly:
    a = _locked(anomaly)
    if a.closed_at is not None:
        raise DomainError("anomaly.closed", "该异常情况已经处理完毕")
    resolution = clean_text(resolution, 500)
    if not resolution:
        raise InvalidInput("anomaly.resolution", "请填写处理结果", {"field": "resolution"})
    if a.archive_required and a.archived_at is None:
        raise DomainError("anomaly.archive_first", "此类异常须先将录像另存并做好标记，才能结案")
    before = snapshot(a)
    if a.acknowledged_at is None:
        a.acknowledged_at, a.acknowledged_by = now, actor
    a.closed_at, a.closed_by, a.resolution = now, actor, resolution
    a.save(
        update_fields=["acknowledged_at", "acknowledged_by", "closed_at", "closed_by", "resolution"]
    )
    write_audit("guard.anomaly.close", a, actor, now, before)
    return a


@transaction.atomic
def anomalies_escalate(*, site: Site, now: datetime) -> int:
    """S-05: escalate to the leadership every open anomaly nobody acknowledged within its
    severity's minutes (the core's ``escalation_due``). Idempotent: once per anomaly."""
    policy = escalation_policy(site)
    due = (
        Anomaly.objects.select_for_update()
        .filter(site=site, acknowledged_at__isnull=True, closed_at__isnull=True)
        .filter(escalated_at__isnull=True)
        .order_by("reported_at", "pk")
    )
    count = 0
    for a in due:
        esc = core.escalation_due(
            reported_at=a.reported_at,
            acknowledged_at=None,
            severity=core.Severity(a.severity),
            policy=policy,
            now=now,
        )
        if not esc.escalate:
            continue
        before = snapshot(a)
        leaders = leaders_now(site, now)
        a.escalated_at = now
        a.escalated_to = "、".join(leaders)[:200] or "公司领导及行政人事部"
        a.save(update_fields=["escalated_at", "escalated_to"])
        text = (
            f"异常情况超过{policy.minutes(core.Severity(a.severity))}分钟无人确认，已上报"
            f"{a.escalated_to}：{a.get_kind_display()} {a.place}"
        )
        write_notice(
            site, NoticeAudience.MONITORING, "anomaly.escalated", text, f"escalated:{a.pk}", now
        )
        notify_messages.anomaly_escalated(anomaly=a, text=text, now=now)  # S-05
        audit_record(
            action="guard.anomaly.escalate", obj=a, before=before, after=snapshot(a), at=now
        )
        count += 1
    return count


@transaction.atomic
def dispatch_create(
    *,
    site: Site,
    actor: Actor,
    place: str,
    task: str,
    anomaly: Anomaly | None = None,
    now: datetime,
) -> Dispatch:
    """S-06: the monitoring centre sends the patrol to a place; the patrol is told."""
    place, task = clean_text(place, 100), clean_text(task, 300)
    if not place or not task:
        raise InvalidInput("dispatch.text", "请填写地点和任务", {"field": "place"})
    if anomaly is not None and anomaly.site_id != site.pk:
        raise DomainError("dispatch.anomaly", "异常情况不属于本场所")
    d = Dispatch.objects.create(
        site=site, anomaly=anomaly, place=place, task=task, dispatched_by=actor, dispatched_at=now
    )
    message = f"调度：前往{place}，{task}"
    write_notice(site, NoticeAudience.PATROL, "dispatch", message, f"dispatch:{d.pk}", now)
    write_audit("guard.dispatch.create", d, actor, now)
    return d


@transaction.atomic
def dispatch_acknowledge(*, dispatch: Dispatch, actor: Actor, now: datetime) -> Dispatch:
    d = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
    if d.acknowledged_at is not None:
        raise DomainError("dispatch.acknowledged", "该任务已有人接收")
    before = snapshot(d)
    d.acknowledged_at, d.acknowledged_by = now, actor
    d.save(update_fields=["acknowledged_at", "acknowledged_by"])
    write_audit("guard.dispatch.acknowledge", d, actor, now, before)
    return d


@transaction.atomic
def dispatch_close(*, dispatch: Dispatch, actor: Actor, result: str, now: datetime) -> Dispatch:
    d = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
    if d.closed_at is not None:
        raise DomainError("dispatch.closed", "该任务已经完成")
    if d.acknowledged_at is None:
        raise DomainError("dispatch.not_acknowledged", "请先接收任务")
    result = clean_text(result, 300)
    if not result:
        raise InvalidInput("dispatch.result", "请填写处理结果", {"field": "result"})
    before = snapshot(d)
    d.closed_at, d.closed_by, d.result = now, actor, result
    d.save(update_fields=["closed_at", "closed_by", "result"])
    write_audit("guard.dispatch.close", d, actor, now, before)
    return d


def _emergency_notify(emergency: Emergency, now: datetime) -> int:
    """A monitoring alert to call each step of the chain now being called (once per step)."""
    state = emergency_chain(emergency, now)
    phones = {s.who: s.phone for s in emergency.plan.steps.all()}
    fresh = 0
    for call in state.calls:
        if call.state is not core.CallState.CALLING:
            continue
        ref = f"emg:{emergency.pk}:{call.who}"
        sent = Notice.objects.filter(site=emergency.site, kind="emergency.call", object_ref=ref)
        if sent.exists():
            continue
        phone = f"（{phones[call.who]}）" if phones.get(call.who) else ""
        assert call.deadline is not None
        message = (
            f"应急预案“{emergency.plan.name}”已启动：立即报告{call.who}{phone}，"
            f"{local_time(call.deadline):%H:%M}前须确认"
        )
        write_notice(emergency.site, NoticeAudience.MONITORING, "emergency.call", message, ref, now)
        fresh += 1
    return fresh


@transaction.atomic
def emergency_activate(
    *, plan: EmergencyPlan, actor: Actor, summary: str, now: datetime
) -> Emergency:
    """S-13: the plan is activated and the chain is called, first step at once."""
    summary = clean_text(summary, 300)
    if not summary:
        raise InvalidInput("emergency.summary", "请填写事由", {"field": "summary"})
    if not plan.is_active or not plan.steps.exists():
        raise DomainError("emergency.plan", "该预案未启用或没有报告链")
    e = Emergency.objects.create(
        site=plan.site, plan=plan, summary=summary, started_by=actor, started_at=now
    )
    write_audit("guard.emergency.activate", e, actor, now)
    _emergency_notify(e, now)
    return e


@transaction.atomic
def emergency_acknowledge(
    *, emergency: Emergency, who: str, actor: Actor, now: datetime
) -> core.ChainState:
    """S-13: record that ``who`` of the chain acknowledged; the next step is called."""
    Emergency.objects.select_for_update().filter(pk=emergency.pk).first()
    if not emergency.plan.steps.filter(who=who).exists():
        raise DomainError("emergency.who", "此人不在该预案的报告链上")
    if emergency.acks.filter(who=who).exists():
        raise DomainError("emergency.acknowledged", f"{who}已经确认过了")
    ack = EmergencyAck.objects.create(emergency=emergency, who=who, at=now, recorded_by=actor)
    write_audit("guard.emergency.acknowledge", ack, actor, now)
    _emergency_notify(emergency, now)
    return emergency_chain(emergency, now)


@transaction.atomic
def emergency_close(*, emergency: Emergency, actor: Actor, now: datetime) -> Emergency:
    e = Emergency.objects.select_for_update().get(pk=emergency.pk)
    if e.closed_at is not None:
        raise DomainError("emergency.closed", "该应急事件已经结束")
    before = snapshot(e)
    e.closed_at, e.closed_by = now, actor
    e.save(update_fields=["closed_at", "closed_by"])
    write_audit("guard.emergency.close", e, actor, now, before)
    return e


@transaction.atomic
def emergencies_advance(*, site: Site, now: datetime) -> int:
    """S-13: call the next step of every open emergency whose current step ran out of time."""
    return sum(
        _emergency_notify(e, now)
        for e in Emergency.objects.filter(site=site, closed_at__isnull=True).order_by("pk")
    )
