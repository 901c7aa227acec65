"""The offline alarm: a device silent longer than its site's ``device_offline_minutes`` raises one
alert to the monitoring centre (issue 14 §3).

One alert per outage, however many times the check runs: an outage is named by the device and
the moment it was last heard from (``Notice.object_ref``), so a second check finds the alert it
raised and adds nothing. When the device is heard from again, its open alert is cleared
(acknowledged by the system, audited); a later silence is a new outage and a new alert.

The check runs in every round of ``manage.py device_worker`` (at most every
:data:`CHECK_EVERY`) and on demand with ``manage.py check_devices``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction

from gatehouse.access.models import Notice, NoticeAudience
from gatehouse.accounts.actor import Actor
from gatehouse.accounts.models import Role
from gatehouse.accounts.selectors import roles_at
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.core.access import MINUTES_MAX
from gatehouse.core.errors import InvalidInput
from gatehouse.devices.models import Device
from gatehouse.devices.selectors import heard_at, offline_for
from gatehouse.notify import messages as notify_messages
from gatehouse.sites.models import Site

KIND = "device.offline"
CHECK_EVERY = timedelta(seconds=15)


@dataclass
class Checked:
    """What one check did: alerts raised and cleared (device names), devices offline now."""

    raised: list[str] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)
    offline: int = 0


def outage_ref(device: Device) -> str:
    """The name of the device's current outage: the device and when it was last heard from."""
    heard = heard_at(device)
    stamp = int(heard.timestamp()) if heard is not None else 0
    return f"device:{device.pk}:offline:{stamp}"


def _open_alerts_of(device: Device) -> list[Notice]:
    return list(
        Notice.objects.filter(
            site_id=device.site_id,
            kind=KIND,
            acknowledged_at__isnull=True,
            object_ref__startswith=f"device:{device.pk}:",
        )
    )


def devices_check(*, now: datetime, site: Site | None = None) -> Checked:
    """Raise an alert for each live device offline longer than its site allows (once per
    outage), clear the alerts of devices heard from again."""
    devices = Device.objects.filter(revoked_at__isnull=True).exclude(key_hash="")
    if site is not None:
        devices = devices.filter(site=site)
    result = Checked()
    for device in devices.select_related("site", "lane__gate").order_by("pk"):
        silent = offline_for(device, device.site, now)
        if silent is not None:
            result.offline += 1
            if _raise(device, silent, now):
                result.raised.append(device.name)
        elif _clear(device, now):
            result.cleared.append(device.name)
    return result


@transaction.atomic
def _raise(device: Device, silent: timedelta, now: datetime) -> bool:
    ref = outage_ref(device)
    if Notice.objects.filter(site_id=device.site_id, kind=KIND, object_ref=ref).exists():
        return False
    where = f"（{device.lane}）" if device.lane is not None else ""
    minutes = int(silent.total_seconds() // 60)
    heard = "从未通信" if device.last_seen_at is None else f"已 {minutes} 分钟无通信"
    notice = Notice.objects.create(
        site_id=device.site_id,
        audience=NoticeAudience.MONITORING,
        kind=KIND,
        message=f"设备离线：{device.name}{where}{heard}，请检查网络和电源"[:300],
        object_ref=ref,
        created_at=now,
    )
    notify_messages.device_offline(device=device, text=notice.message, ref=ref, now=now)
    audit_record(
        action="device.offline_alert",
        obj=device,
        after={"notice": notice.pk, "last_seen_at": heard_at(device), "minutes": minutes},
        at=now,
    )
    return True


@transaction.atomic
def _clear(device: Device, now: datetime) -> bool:
    alerts = _open_alerts_of(device)
    for alert in alerts:
        Notice.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(acknowledged_at=now)
        audit_record(
            action="device.online_again",
            obj=device,
            after={"notice": alert.pk, "last_seen_at": device.last_seen_at},
            at=now,
        )
    return bool(alerts)


# -- the site's setting ---------------------------------------------------------------------------


@transaction.atomic
def offline_minutes_set(*, site: Site, actor: Actor, minutes: int, now: datetime) -> Site:
    """A security manager sets how long a device may be silent before it counts as offline."""
    if Role.SECURITY_MANAGER not in roles_at(actor, site):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("只有本场所的安保主管可以修改设备离线告警时间")
    if not isinstance(minutes, int) or not 1 <= minutes <= MINUTES_MAX:
        raise InvalidInput(
            "device.offline_minutes",
            f"设备离线告警时间应在 1 至 {MINUTES_MAX} 分钟之间",
            {"field": "minutes"},
        )
    locked = Site.objects.select_for_update().get(pk=site.pk)
    before = {"device_offline_minutes": (snapshot(locked) or {}).get("device_offline_minutes")}
    locked.device_offline_minutes = minutes
    locked.save(update_fields=["device_offline_minutes"])
    site.device_offline_minutes = minutes
    audit_record(
        action="site.device_offline_minutes",
        obj=locked,
        actor=actor,
        before=before,
        after={"device_offline_minutes": minutes},
        at=now,
    )
    return locked
