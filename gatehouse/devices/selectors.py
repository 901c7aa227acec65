"""Reads about a site's devices: who is online, what waits in the outbox, what a command became.

Every function takes the site (or ids already scoped to it) and answers rows of that site only;
the devices page, the monitoring board and the booth call these and hold no query of their own.

A device is *online* when it was heard from (``last_seen_at``) within its site's
``device_offline_minutes``; a live device never heard from counts from when its key was issued.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from gatehouse.devices.models import CommandKind, CommandState, Device, DeviceCommand, DeviceKind
from gatehouse.devices.outbox import Lag, lags
from gatehouse.edge.models import EdgeAlarm, EdgeEpisode, EdgeRejection, EdgeStatus
from gatehouse.sites.models import Gate, Lane, LaneKind, Site

# The devices that open a people lane's door, and those that lift a vehicle lane's barrier.
DOOR_KINDS = (DeviceKind.TURNSTILE, DeviceKind.FACE_TERMINAL, DeviceKind.CARD_READER)
BARRIER_KINDS = (DeviceKind.PLATE_CAMERA, DeviceKind.BARRIER)
OPENING = (CommandKind.DOOR_OPEN, CommandKind.BARRIER_LIFT)
RECENT_COMMANDS = 30


def opening_for(lane: Lane) -> tuple[str, tuple[str, ...]]:
    """What opens ``lane`` and on which device kinds: a door for people, a barrier for cars."""
    if lane.kind == LaneKind.NON_MOTOR:
        return CommandKind.DOOR_OPEN, tuple(DOOR_KINDS)
    return CommandKind.BARRIER_LIFT, tuple(BARRIER_KINDS)


def live_devices(site: Site) -> QuerySet[Device]:
    """The site's devices that may be sent commands: a key issued and not revoked (as
    :func:`gatehouse.devices.outbox.enqueue_lane` chooses them)."""
    return Device.objects.filter(site=site, revoked_at__isnull=True).exclude(key_hash="")


def lane_opens_itself(lane: Lane) -> bool:
    """True when ``lane`` has a live device that opens it (a door or a barrier)."""
    _kind, kinds = opening_for(lane)
    return (
        Device.objects.filter(lane=lane, kind__in=kinds, revoked_at__isnull=True)
        .exclude(key_hash="")
        .exists()
    )


def openable_lanes(site: Site, gate: Gate | None = None) -> list[Lane]:
    """The lanes of ``site`` (of ``gate`` when given) that a remote "open" can reach."""
    door = Q(kind=LaneKind.NON_MOTOR, devices__kind__in=DOOR_KINDS)
    barrier = ~Q(kind=LaneKind.NON_MOTOR) & Q(devices__kind__in=BARRIER_KINDS)
    # One filter() call: the kind, the key and the revocation are of the same device.
    found = Lane.objects.filter(
        door | barrier,
        gate__site=site,
        devices__revoked_at__isnull=True,
        devices__key_hash__gt="",
    )
    if gate is not None:
        found = found.filter(gate=gate)
    return list(found.select_related("gate").distinct().order_by("gate__code", "code"))


def lane_at(site: Site, pk: int) -> Lane | None:
    return Lane.objects.filter(gate__site=site, pk=pk).select_related("gate__site").first()


# -- online / offline ---------------------------------------------------------------------------


def heard_at(device: Device) -> datetime | None:
    """When the device was last heard from; a live device never heard from: its key's issue."""
    return device.last_seen_at or device.key_issued_at


def is_online(device: Device, site: Site, now: datetime) -> bool:
    """Heard from within the site's ``device_offline_minutes`` (never heard from: offline)."""
    if device.last_seen_at is None:
        return False
    return now - device.last_seen_at <= timedelta(minutes=site.device_offline_minutes)


def offline_for(device: Device, site: Site, now: datetime) -> timedelta | None:
    """How long the device has been silent, when that is longer than the site's setting allows
    (None: online, or no key ever issued). A live device never heard from counts from its key."""
    heard = heard_at(device)
    if heard is None or now - heard <= timedelta(minutes=site.device_offline_minutes):
        return None
    return now - heard


@dataclass(frozen=True)
class EdgeHealth:
    """An edge agent's health (issue 15): what the server handed it last (when, the cursor)
    and what it reported of itself with that request (``gatehouse.edge.models.EdgeStatus``),
    with the refused entries and the alarms the server keeps that nobody has marked handled,
    and the troubles the periodic check has alerted and not seen end."""

    status: EdgeStatus | None
    kept_rejections: int  # not yet handled
    now: datetime
    open_alarms: int = 0  # not yet handled
    troubles: tuple[str, ...] = ()  # the kinds' labels of the alerted episodes still open

    def _age(self, at: datetime | None) -> int | None:
        return int((self.now - at).total_seconds() // 60) if at is not None else None

    @property
    def snapshot_minutes(self) -> int | None:
        """Age in minutes of the snapshot the edge holds (as it reported it)."""
        return self._age(self.status.snapshot_issued_at if self.status else None)

    @property
    def served_minutes(self) -> int | None:
        """Minutes since the edge last got a snapshot or a delta from the server."""
        return self._age(self.status.served_at if self.status else None)

    @property
    def warn(self) -> bool:
        """Whether the board shows it: refused entries or alarms not handled, decisions
        waiting, fire mode on, a trouble alerted and not over. (The edge's own count of refused
        entries never goes down: the server's unhandled ones count instead.)"""
        s = self.status
        if self.kept_rejections or self.open_alarms or self.troubles:
            return True
        return s is not None and bool(s.pending or s.fire)


def _counts(rows: QuerySet[Any]) -> dict[int, int]:
    found: dict[int, int] = {}
    for edge_id in rows.values_list("edge_id", flat=True):
        found[edge_id] = found.get(edge_id, 0) + 1
    return found


def edge_health(devices: Iterable[Device], now: datetime) -> dict[int, EdgeHealth]:
    """The health of the edge agents among ``devices``, by device id."""
    ids = [d.pk for d in devices if d.kind == DeviceKind.EDGE]
    if not ids:
        return {}
    statuses = {s.device_id: s for s in EdgeStatus.objects.filter(device_id__in=ids)}
    kept = _counts(EdgeRejection.objects.filter(edge_id__in=ids, handled_at__isnull=True))
    alarms = _counts(EdgeAlarm.objects.filter(edge_id__in=ids, handled_at__isnull=True))
    troubles: dict[int, list[str]] = {}
    alerted = EdgeEpisode.objects.filter(
        edge_id__in=ids, ended_at__isnull=True, raised_at__isnull=False
    )
    for episode in alerted.order_by("started_at"):
        troubles.setdefault(episode.edge_id, []).append(str(episode.get_kind_display()))
    return {
        i: EdgeHealth(
            statuses.get(i),
            kept.get(i, 0),
            now,
            open_alarms=alarms.get(i, 0),
            troubles=tuple(troubles.get(i, ())),
        )
        for i in ids
    }


@dataclass(frozen=True)
class DeviceRow:
    device: Device
    online: bool
    silent_for: timedelta | None  # since last heard from (None: never)
    lag: Lag
    oldest_age: timedelta | None
    edge: EdgeHealth | None = None  # an edge agent's health; None for other devices

    @property
    def live(self) -> bool:
        return self.device.is_active

    @property
    def silent_minutes(self) -> int | None:
        return int(self.silent_for.total_seconds() // 60) if self.silent_for is not None else None

    @property
    def oldest_seconds(self) -> int | None:
        return int(self.oldest_age.total_seconds()) if self.oldest_age is not None else None


def device_rows(site: Site, now: datetime) -> list[DeviceRow]:
    """Every device of ``site`` with its status and sync lag, by gate, lane and name."""
    devices = list(
        Device.objects.filter(site=site)
        .select_related("lane__gate")
        .order_by("lane__gate__code", "lane__code", "name", "pk")
    )
    waiting = lags(devices)
    health = edge_health(devices, now)
    rows = []
    for d in devices:
        lag = waiting[d.pk]
        rows.append(
            DeviceRow(
                device=d,
                online=d.is_active and is_online(d, site, now),
                silent_for=now - d.last_seen_at if d.last_seen_at else None,
                lag=lag,
                oldest_age=lag.age(now),
                edge=health.get(d.pk),
            )
        )
    return rows


def edge_alarms(device: Device, *, handled: bool, limit: int = RECENT_COMMANDS) -> list[EdgeAlarm]:
    """An edge's alarms, handled or not, newest first."""
    found = EdgeAlarm.objects.filter(edge=device, handled_at__isnull=not handled)
    return list(found.select_related("handled_by").order_by("-at", "-seq")[:limit])


def edge_rejections(
    device: Device, *, handled: bool, limit: int = RECENT_COMMANDS
) -> list[EdgeRejection]:
    """The journal entries of an edge the server refused and keeps, handled or not, newest
    first."""
    found = EdgeRejection.objects.filter(edge=device, handled_at__isnull=not handled)
    return list(found.select_related("handled_by").order_by("-recorded_at", "-seq")[:limit])


def edge_episodes(device: Device, limit: int = 10) -> list[EdgeEpisode]:
    """An edge's troubles the periodic check alerted, the open ones first, then the latest."""
    found = EdgeEpisode.objects.filter(edge=device, raised_at__isnull=False)
    return list(found.order_by(F("ended_at").desc(nulls_first=True), "-started_at")[:limit])


def edge_alarm_at(site: Site, pk: int) -> EdgeAlarm | None:
    """An alarm of an edge of ``site``."""
    return EdgeAlarm.objects.filter(edge__site=site, pk=pk).select_related("edge").first()


def edge_rejection_at(site: Site, pk: int) -> EdgeRejection | None:
    """A refused journal entry of an edge of ``site``."""
    return EdgeRejection.objects.filter(edge__site=site, pk=pk).select_related("edge").first()


def device_at(site: Site, pk: int) -> Device | None:
    return Device.objects.filter(site=site, pk=pk).select_related("lane__gate").first()


def recent_commands(device: Device, limit: int = RECENT_COMMANDS) -> list[DeviceCommand]:
    """The device's latest commands, newest first."""
    found = DeviceCommand.objects.filter(device=device).select_related("created_by")
    return list(found.order_by("-id")[:limit])


# -- what a command became, as the guard reads it -----------------------------------------------


@dataclass(frozen=True)
class CommandView:
    command: DeviceCommand
    label: str
    tone: str  # "wait", "ok", "bad"

    @property
    def settled(self) -> bool:
        return self.command.state != CommandState.QUEUED


def command_view(command: DeviceCommand) -> CommandView:
    """The command's state in the guard's words (已开门 / 已抬杆 / 失败：…)."""
    door = command.kind == CommandKind.DOOR_OPEN
    lift = command.kind == CommandKind.BARRIER_LIFT
    state = command.state
    error = command.last_error
    if state == CommandState.QUEUED:
        label = _("开门指令已排队，等待设备执行") if door else _("指令已排队，等待设备执行")
        if error:
            label = f"{label}（{error}）"
        return CommandView(command, label, "wait")
    if state == CommandState.DONE:
        if door:
            return CommandView(command, _("已开门"), "ok")
        if lift:
            return CommandView(command, _("已抬杆"), "ok")
        return CommandView(command, _("已送达"), "ok")
    if state == CommandState.EXPIRED:
        label = _("未开门：指令过期未送达") if door or lift else _("指令过期未送达")
    elif state == CommandState.FAILED:
        label = _("开门失败") if door else (_("抬杆失败") if lift else _("指令失败"))
    else:
        label = str(command.get_state_display())
    if error:
        label = f"{label}：{error}"
    return CommandView(command, label, "bad")


def commands_for_requests(request_ids: Iterable[int]) -> dict[int, list[CommandView]]:
    """The opening commands queued for gate requests (``payload["request"]``), by request id."""
    ids = [int(i) for i in request_ids]
    out: dict[int, list[CommandView]] = {i: [] for i in ids}
    if not ids:
        return out
    found = (
        DeviceCommand.objects.filter(kind__in=OPENING, payload__request__in=ids)
        .select_related("device")
        .order_by("id")
    )
    for command in found:
        out.setdefault(int(command.payload["request"]), []).append(command_view(command))
    return out


def commands_at(site: Site, ids: Iterable[int]) -> list[CommandView]:
    """The commands ``ids`` of ``site``'s devices (others are left out), in order."""
    wanted = [int(i) for i in ids][:20]
    found = DeviceCommand.objects.filter(device__site=site, pk__in=wanted).select_related("device")
    return [command_view(c) for c in found.order_by("id")]


# -- the monitoring board -----------------------------------------------------------------------


@dataclass(frozen=True)
class Board:
    offline: list[DeviceRow]
    lagging: list[DeviceRow]
    total: int
    lanes: list[Lane]
    opened: list[CommandView]
    edges: list[DeviceRow] = field(default_factory=list)  # edge agents needing attention


def board(site: Site, now: datetime, *, lag_after: timedelta = timedelta(minutes=1)) -> Board:
    """What the monitoring board shows of the devices: the live ones offline, those whose
    commands wait longer than ``lag_after`` or failed, the lanes it can open, and the remote
    openings of the last ten minutes."""
    rows = [r for r in device_rows(site, now) if r.live]
    offline = [r for r in rows if not r.online]
    lagging = [
        r for r in rows if r.lag.failed or (r.oldest_age is not None and r.oldest_age >= lag_after)
    ]
    recent = (
        DeviceCommand.objects.filter(
            device__site=site, kind__in=OPENING, created_at__gte=now - timedelta(minutes=10)
        )
        .select_related("device__lane__gate", "created_by")
        .order_by("-id")[:8]
    )
    return Board(
        offline=offline,
        lagging=lagging,
        total=len(rows),
        lanes=openable_lanes(site),
        opened=[command_view(c) for c in recent],
        edges=[r for r in rows if r.edge is not None and r.edge.warn],
    )
