"""What is sent, one function per event (issue 16 §4): each builds the text and hands it to
:func:`gatehouse.notify.services.send`. The places where the event happens call them after
what they already do. (The gate's alarm calls ``send`` itself: the gate imports no back-office
app, and this module knows the visitors', parking's and admission's records.)"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from gatehouse.access.models import NoticeAudience
from gatehouse.core.masking import mask_name
from gatehouse.notify.consent import consent_path
from gatehouse.notify.models import Message, MessageKind
from gatehouse.notify.services import send

if TYPE_CHECKING:
    from gatehouse.admission.models import LandAlert
    from gatehouse.devices.models import Device
    from gatehouse.guard.models import Anomaly
    from gatehouse.parking.models import SpaceLease
    from gatehouse.visitors.models import GateRequest, MailItem


def public_url(path: str) -> str:
    """``path`` as a link a phone can open: ``GATEHOUSE_PUBLIC_URL`` (e.g.
    ``https://gate.example.cn``) in front when it is set."""
    base = settings.GATEHOUSE_PUBLIC_URL.rstrip("/")
    return f"{base}{path}"


def visitor_waiting(*, request: GateRequest, now: datetime) -> list[Message]:
    """VI-01 / P-05: a visitor waits at the gate for the host's consent. The host is told on
    the console and by SMS, with a signed link that answers it (``notify.consent``; the
    resident's own page ``/my/requests/`` answers it too)."""
    visit = request.visit
    host = request.host
    if visit is None or host is None:
        return []
    link = public_url(consent_path(request))  # answers without a login, once
    who = mask_name(visit.name)
    text = (
        f"访客{who}（{visit.purpose}）在{request.lane.gate.name}等候您同意来访，"
        f"请在{timezone.localtime(request.deadline):%H:%M}前答复： {link}"
    )
    return send(
        site=request.site,
        kind=MessageKind.VISIT_CONSENT,
        text=text,
        now=now,
        ref=f"request:{request.pk}",
        person=host,
        private=(visit.name,),
        params={"name": who, "purpose": visit.purpose[:20], "link": link},
        # The link answers for the host: never in a group or the log.
        group_text=f"访客{who}（{visit.purpose}）在{request.lane.gate.name}等候被访人同意来访",
    )


def mail_arrived(*, item: MailItem, text: str, now: datetime) -> list[Message]:
    """VI-04: mail logged at the gate, the recipient told (the console notice the mail log
    already wrote is the console message; an SMS goes too where a channel carries it)."""
    if item.recipient is None:
        return []
    return send(
        site=item.site,
        kind=MessageKind.MAIL_ARRIVED,
        text=text,
        now=now,
        ref=f"mail:{item.pk}",
        person=item.recipient,
        notice_kind="mail.arrived",
        params={"count": str(item.count), "kind": item.get_kind_display()},
    )


def device_offline(*, device: Device, text: str, ref: str, now: datetime) -> list[Message]:
    """An alarm to the monitoring centre and the leader on duty: a device went offline."""
    return send(
        site=device.site,
        kind=MessageKind.ALARM,
        text=text,
        now=now,
        ref=ref,
        audience=NoticeAudience.MONITORING,
        notice_kind="device.offline",
    )


def anomaly_escalated(*, anomaly: Anomaly, text: str, now: datetime) -> list[Message]:
    """S-05: an anomaly nobody acknowledged in time, escalated to the leadership."""
    return send(
        site=anomaly.site,
        kind=MessageKind.ANOMALY_ESCALATED,
        text=text,
        now=now,
        ref=f"escalated:{anomaly.pk}",
        audience=NoticeAudience.MONITORING,
        notice_kind="anomaly.escalated",
    )


def lease_lapsing(*, lease: SpaceLease, today: date, now: datetime) -> list[Message]:
    """PK-05: the holder of a space lease whose renewal is due soon (or overdue) is reminded
    that an unrenewed lease gives the space up. Once per lease and due date."""
    if lease.holder is None:
        return []
    late = lease.renewal_due < today
    when = "已过" if late else "将于"
    text = (
        f"您的车位 {lease.space} 租约续租缴费截止日{when}{lease.renewal_due:%Y-%m-%d}，"
        f"租约到期日 {lease.end:%Y-%m-%d}；到期未续租视为放弃车位。"
    )
    return send(
        site=lease.site,
        kind=MessageKind.LEASE_LAPSING,
        text=text,
        now=now,
        ref=f"lease:{lease.pk}:due:{lease.renewal_due:%Y%m%d}",
        person=lease.holder,
        params={"space": str(lease.space), "due": f"{lease.renewal_due:%Y-%m-%d}"},
    )


def land_deadline(*, alert: LandAlert, now: datetime) -> list[Message]:
    """IP-10 … IP-13: a land deadline taking effect, to the committee's group."""
    text = f"用地期限提醒（{alert.rule}）{alert.project}：{alert.message}（{alert.day:%Y-%m-%d}）"
    return send(
        site=alert.site,
        kind=MessageKind.LAND_DEADLINE,
        text=text,
        now=now,
        ref=f"land:{alert.project_id}:{alert.key}",
        params={"rule": alert.rule, "day": f"{alert.day:%Y-%m-%d}"},
    )
