"""Opening a lane from the console: the remote "开门" of the booth and the monitoring board, and
the door that opens by itself when a pending person is let in (issue 14 §3).

Both queue their command in the one outbox (:func:`gatehouse.devices.outbox.enqueue_lane`),
inside the caller's transaction, and never wait on the device: the worker or the device's own
poll delivers it, and the console shows what became of it
(:func:`gatehouse.devices.selectors.command_view`). A people lane gets ``DOOR_OPEN`` on its
doors (turnstiles, face terminals, card readers), a vehicle lane ``BARRIER_LIFT`` on its
barriers and plate cameras.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from gatehouse.accounts.actor import Actor
from gatehouse.audit.services import audit_record
from gatehouse.core.errors import DomainError
from gatehouse.core.text import clean_text
from gatehouse.devices.models import DeviceCommand
from gatehouse.devices.outbox import enqueue_lane
from gatehouse.devices.selectors import opening_for
from gatehouse.sites.models import Lane


@transaction.atomic
def open_lane(*, lane: Lane, actor: Actor, now: datetime, reason: str) -> list[DeviceCommand]:
    """A person on duty opens ``lane`` remotely: one command per live device that opens it,
    audited with who asked and why. A lane with no such device is refused
    (``device.none_on_lane``) and nothing is written."""
    kind, kinds = opening_for(lane)
    why = clean_text(reason, 100) or "远程开门"
    commands = enqueue_lane(
        lane=lane,
        kind=kind,
        kinds=kinds,
        now=now,
        reason=why,
        payload={"remote": True},
        actor=actor,
    )
    if not commands:
        raise DomainError(
            "device.none_on_lane",
            "该通道没有可远程开启的在用设备，请到现场人工开启",
            {"lane": lane.pk},
        )
    audit_record(
        action="device.open_lane",
        obj=lane,
        actor=actor,
        site=lane.gate.site,
        after={"kind": str(kind), "reason": why, "commands": [c.pk for c in commands]},
        at=now,
    )
    return commands


def open_for_request(
    *, lane: Lane, request_id: int, event: Any, why: str, actor: Actor, now: datetime
) -> list[DeviceCommand]:
    """The door of the lane where a pending person waits, opened because the desk confirmed,
    the host consented or a manager approved (``why``); the reason names the event that let
    them in. Called in the transaction of that answer; no device on the lane: nothing queued."""
    kind, kinds = opening_for(lane)
    reason = f"{why}，放行（事件 #{event.pk}）"
    commands = enqueue_lane(
        lane=lane,
        kind=kind,
        kinds=kinds,
        now=now,
        reason=reason,
        payload={"request": request_id, "event": event.pk},
        actor=actor,
    )
    if commands:
        audit_record(
            action="device.open_for_request",
            obj=lane,
            actor=actor,
            site=lane.gate.site,
            after={
                "kind": str(kind),
                "reason": reason,
                "request": request_id,
                "event": event.pk,
                "commands": [c.pk for c in commands],
            },
            at=now,
        )
    return commands
