"""The one outbox of device commands: sync a person, delete one, open a door, lift a barrier,
show text, play voice.

Whoever decides something a device must do queues a command here, in the transaction of the
decision (:func:`enqueue`, :func:`enqueue_lane`); nothing waits on a device's network inside a
web request. The commands then reach the device in one of two ways:

- **pushed** by the worker (``manage.py device_worker``, :func:`deliver_due`) to devices that
  Gatehouse drives over the network (a Hikvision terminal's ISAPI): the vendor's driver named in
  :data:`gatehouse.devices.adapters.DRIVERS` sends one command and says how it went;
- **taken** by devices that poll (a plate camera's heartbeat, :func:`take`).

Guarantees:

- A device's commands are delivered in the order they were queued; while its oldest command
  waits for a retry, the later ones wait behind it.
- Queuing a command with a ``subject`` (``person:42``) supersedes that device's queued commands
  of the same subject: a person deleted while the terminal was unreachable is never re-added by
  the sync that was queued before the deletion.
- At least once: a command is claimed with a lease before it is sent; a worker that dies
  mid-send leaves it to be claimed again when the lease runs out. A device that cannot be
  reached (:class:`Unreached`) is retried with back-off, without limit: sync commands wait for
  the device to return.
- At most once: sync commands set the wanted state, so applying one twice changes nothing. A
  one-shot action (open, lift, show, voice) expires (:data:`ONE_SHOT_TTL`) and is never sent
  again after a send whose answer was lost (:class:`Ambiguous`, or a lease that ran out): a
  door must not open twice, nor a barrier rise for a car long gone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils.module_loading import import_string

from gatehouse.devices.adapters import DRIVERS
from gatehouse.devices.models import CommandKind, CommandState, Device, DeviceCommand

ONE_SHOT = frozenset(
    {
        CommandKind.DOOR_OPEN,
        CommandKind.BARRIER_LIFT,
        CommandKind.SHOW_TEXT,
        CommandKind.PLAY_VOICE,
    }
)
# A one-shot action not delivered within this time is dropped: a barrier rising a minute late
# lifts for whoever is there now.
ONE_SHOT_TTL = timedelta(seconds=60)
# How long a claimed command is left to its sender before another worker may claim it again.
LEASE = timedelta(seconds=30)
# Retry back-off: 2, 4, 8 … seconds, at most five minutes.
BACKOFF_CAP = timedelta(minutes=5)
# Commands one device gets in one round of the worker (the others wait for the next round).
BATCH = 50


class DeliveryError(Exception):
    """A driver's failure to deliver one command; ``str(exc)`` is shown to the operator."""


class Unreached(DeliveryError):
    """The device was not reached (connection refused, timed out before sending, offline):
    nothing was applied, the command is retried."""


class Ambiguous(DeliveryError):
    """The command was sent but its answer was lost: it may have been applied. Sync commands
    are retried (they are idempotent); one-shot actions are not."""


class Refused(DeliveryError):
    """The device answered and refused the command (malformed, not supported, full): retrying
    would not help; the command fails and the next one goes."""


Driver = Callable[[Device, DeviceCommand], None]


def backoff(attempts: int) -> timedelta:
    """Wait before attempt ``attempts + 1``."""
    return min(timedelta(seconds=2 ** min(attempts, 16)), BACKOFF_CAP)


@transaction.atomic
def enqueue(
    *,
    device: Device,
    kind: str,
    now: datetime,
    payload: dict[str, Any] | None = None,
    subject: str = "",
    reason: str = "",
    actor: Any = None,
) -> DeviceCommand:
    """Queue one command for ``device`` (supersedes its queued commands about ``subject``)."""
    if kind not in CommandKind.values:
        raise ValueError(f"unknown device command {kind!r}")
    if subject:
        DeviceCommand.objects.filter(
            device=device, subject=subject, state=CommandState.QUEUED
        ).update(state=CommandState.SUPERSEDED, done_at=now)
    return DeviceCommand.objects.create(
        device=device,
        kind=kind,
        subject=subject[:64],
        payload=payload or {},
        reason=reason[:120],
        next_attempt_at=now,
        expires_at=now + ONE_SHOT_TTL if kind in ONE_SHOT else None,
        created_at=now,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def enqueue_lane(
    *,
    lane: Any,
    kind: str,
    now: datetime,
    kinds: Iterable[str] = (),
    payload: dict[str, Any] | None = None,
    reason: str = "",
    actor: Any = None,
) -> list[DeviceCommand]:
    """Queue ``kind`` for every live device on ``lane`` (of the device kinds ``kinds``, all when
    empty); the commands queued, none when the lane has no such device."""
    devices = Device.objects.filter(lane=lane, revoked_at__isnull=True).exclude(key_hash="")
    wanted = list(kinds)
    if wanted:
        devices = devices.filter(kind__in=wanted)
    return [
        enqueue(device=d, kind=kind, now=now, payload=payload, reason=reason, actor=actor)
        for d in devices.order_by("pk")
    ]


@dataclass
class Round:
    """What one round of :func:`deliver_due` did."""

    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    expired: int = 0
    errors: list[str] = field(default_factory=list)
    # A device sent its :data:`BATCH` and may have more due: the next round need not wait.
    more: bool = False


def deliver_due(*, now: Callable[[], datetime], drivers: dict[str, Driver] | None = None) -> Round:
    """One round of the worker: for every pushed device with a command due, send its commands
    in order until one fails or :data:`BATCH` are sent. ``now`` is called for each step (a
    round may take seconds); ``drivers`` replaces :data:`DRIVERS` (tests)."""
    table = drivers if drivers is not None else _drivers()
    result = Round()
    if not table:
        return result
    devices = (
        Device.objects.filter(
            vendor__in=list(table),
            commands__state=CommandState.QUEUED,
            commands__next_attempt_at__lte=now(),
        )
        .distinct()
        .order_by("pk")
    )
    for device in devices:
        send = table[device.vendor]
        for _ in range(BATCH):
            command = _claim_head(device, now(), result)
            if command is None:
                break
            if _deliver_one(device, command, send, now(), result) is False:
                break
        else:
            result.more = True  # BATCH sent, others may be due: the next round starts at once
    return result


def _claim_head(device: Device, now: datetime, result: Round) -> DeviceCommand | None:
    """The device's oldest queued command if it is due, claimed for :data:`LEASE`; expired and
    unrepeatable ones are settled on the way (and counted in ``result``).

    A claim counts as an attempt. A one-shot action claimed before and still queued was never
    answered (the worker died, or its lease ran out mid-send): it may have been carried out, so
    it is not sent again. One the device could not be reached for is not such an attempt
    (:func:`_retry` gives the claim back)."""
    while True:
        with transaction.atomic():
            head = (
                DeviceCommand.objects.select_for_update()
                .filter(device=device, state=CommandState.QUEUED)
                .order_by("id")
                .first()
            )
            if head is None or head.next_attempt_at > now:
                return None
            if head.expires_at is not None and now > head.expires_at:
                _settle(head, CommandState.EXPIRED, now, head.last_error or "未在有效期内送达")
                result.expired += 1
                continue
            if head.kind in ONE_SHOT and head.attempts > 0:
                # A lease ran out on a one-shot action: it may have been carried out.
                _settle(head, CommandState.FAILED, now, "上次下发结果未知，不再重复")
                result.failed += 1
                continue
            head.attempts += 1
            head.next_attempt_at = now + LEASE
            head.save(update_fields=["attempts", "next_attempt_at"])
            return head


def _deliver_one(
    device: Device, command: DeviceCommand, send: Driver, now: datetime, result: Round
) -> bool:
    """Send one claimed command; True when the device's next command may follow."""
    try:
        send(device, command)
    except Refused as exc:
        _settle(command, CommandState.FAILED, now, str(exc))
        result.failed += 1
        result.errors.append(f"{device}: {exc}")
        return True
    except Ambiguous as exc:
        if command.kind in ONE_SHOT:
            _settle(command, CommandState.FAILED, now, f"结果未知，不再重复：{exc}")
            result.failed += 1
            return True
        _retry(command, now, str(exc))
        result.retrying += 1
        return False
    except DeliveryError as exc:  # Unreached: nothing reached the device
        _retry(command, now, str(exc), reached=False)
        result.retrying += 1
        return False
    _settle(command, CommandState.DONE, now, "")
    _seen(device, now)
    result.delivered += 1
    return True


def _retry(command: DeviceCommand, now: datetime, error: str, *, reached: bool = True) -> None:
    """Queue ``command`` again after its back-off. A one-shot action that never ``reached`` the
    device gives its claim back: it was certainly not carried out, and may be sent again within
    its time to live (the door still opens when the terminal is back within the minute)."""
    fields: dict[str, Any] = {
        "next_attempt_at": now + backoff(command.attempts),
        "last_error": error[:300],
    }
    if not reached and command.kind in ONE_SHOT:
        fields["attempts"] = command.attempts = max(0, command.attempts - 1)
    DeviceCommand.objects.filter(pk=command.pk, state=CommandState.QUEUED).update(**fields)


def _settle(command: DeviceCommand, state: str, now: datetime, error: str) -> None:
    DeviceCommand.objects.filter(pk=command.pk, state=CommandState.QUEUED).update(
        state=state, done_at=now, last_error=error[:300]
    )
    command.state = state


def _seen(device: Device, now: datetime) -> None:
    Device.objects.filter(pk=device.pk, site_id=device.site_id).update(last_seen_at=now)


def take(*, device: Device, now: datetime, limit: int = 10) -> list[DeviceCommand]:
    """For a device that polls: its queued commands in order (at most ``limit``), marked done as
    they are handed over; expired ones are settled and left out."""
    out: list[DeviceCommand] = []
    with transaction.atomic():
        queued = list(
            DeviceCommand.objects.select_for_update()
            .filter(device=device, state=CommandState.QUEUED)
            .order_by("id")[: limit * 4]
        )
        for command in queued:
            if command.expires_at is not None and now > command.expires_at:
                _settle(command, CommandState.EXPIRED, now, "未在有效期内送达")
            elif len(out) < limit:
                command.attempts += 1
                DeviceCommand.objects.filter(pk=command.pk).update(attempts=command.attempts)
                _settle(command, CommandState.DONE, now, "")
                out.append(command)
    return out


@dataclass(frozen=True)
class Lag:
    """A device's commands waiting: how many, since when (None: none waiting)."""

    waiting: int
    oldest: datetime | None
    failed: int

    def age(self, now: datetime) -> timedelta | None:
        return now - self.oldest if self.oldest is not None else None


def lags(devices: Iterable[Device]) -> dict[int, Lag]:
    """Every device's :class:`Lag`, by device id, in one query."""
    ids = [d.pk for d in devices]
    rows = (
        DeviceCommand.objects.filter(device_id__in=ids)
        .values("device_id")
        .annotate(
            waiting=Count("id", filter=Q(state=CommandState.QUEUED)),
            oldest=Min("created_at", filter=Q(state=CommandState.QUEUED)),
            failed=Count("id", filter=Q(state=CommandState.FAILED)),
        )
        .order_by()
    )
    found = {r["device_id"]: Lag(r["waiting"], r["oldest"], r["failed"]) for r in rows}
    return {pk: found.get(pk, Lag(0, None, 0)) for pk in ids}


def _drivers() -> dict[str, Driver]:
    return {vendor: import_string(path) for vendor, path in DRIVERS.items()}
