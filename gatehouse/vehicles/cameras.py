"""Plate cameras on their vendor protocol (issue 14 §1): a push decided once and answered in the
camera's form, the heartbeat answered with what the outbox holds for the camera, the snapshot
pictures kept as evidence and purged after their time. (The barrier lifted when the fee is paid
at the booth is queued by :func:`gatehouse.vehicles.services.session_pay`.)

The protocol is :mod:`gatehouse.devices.adapters.vzenith` (its docstrings cite the vendor's
manual); the decision is :func:`gatehouse.vehicles.services.vehicle_decide`, answered once per
camera result by :func:`gatehouse.gate.nonce.answer_once`. The views are thin: one call here.

Every push is answered HTTP 200 in the camera's own form, also when it cannot be used (the
camera retries a failed push, then keeps it and sends it again for ever):

- a live result: the barrier lifted or not, the LED lines (the plate, the decision's message,
  the fee) and the voice;
- a buffered result (``isoffline: 1``): recorded as a passage that already happened, judged at
  the camera's time, answered ``ContinuePushOffline {plateid, continue: 1}`` and never lifted;
  one older than the replay window is recorded all the same and flagged late;
- no plate (``_无_``) or a plate that cannot be read: refused as a vehicle without a plate
  (V-09), barrier down, the monitoring centre told;
- not JSON, not a plate result, a serial number that is not the device's: barrier down, an
  ``error`` in the reply, nothing recorded.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from gatehouse.audit.services import audit_record
from gatehouse.core.errors import DomainError
from gatehouse.devices import outbox
from gatehouse.devices.adapters.base import BarrierAnswer, PlateRead
from gatehouse.devices.adapters.vzenith import heartbeat, protocol
from gatehouse.devices.models import CommandState, Device, DeviceCommand, DeviceKind
from gatehouse.gate import reads, rows
from gatehouse.gate.nonce import Decided, DeviceAnswer, answer_once, decision_json
from gatehouse.vehicles import services
from gatehouse.vehicles.models import PlateCapture

logger = logging.getLogger("gatehouse.cameras")

# The RS-485 port of the LED/voice board (manual §2.6.2: 0 is 485 port 1).
SERIAL_CHANNEL = 0
SERIAL_MISMATCH = "推送的相机序列号与本设备登记的序列号不一致，请核对相机配置"
NOT_A_CAMERA = "本设备不是车牌识别相机或道闸，不能使用相机心跳"
# The devices that take their commands on the camera heartbeat.
POLLING_KINDS = frozenset({DeviceKind.PLATE_CAMERA, DeviceKind.BARRIER})
# How often a held heartbeat looks at the outbox again (s).
HOLD_STEP = 0.2


def decision_body(result: services.VehicleResult) -> dict[str, Any]:
    """The decision as the device API answers it (and as the nonce stores it)."""
    body = decision_json(result.decision, result.event)
    fee = result.fee
    body["plate"] = result.plate
    body["fee"] = {"amount_fen": fee.amount, "text": services.fee_text(fee.amount)} if fee else None
    return body


@dataclass(frozen=True)
class CameraAnswer:
    """A push decided: the read, the decision as stored under its nonce, whether it was
    buffered (answered with ``ContinuePushOffline``) and whether it came too late."""

    read: PlateRead
    answer: DeviceAnswer
    late: bool


def _speak() -> str:
    return str(getattr(settings, "GATEHOUSE_CAMERA_VOICE", "both"))


def _read_time(read: PlateRead, now: datetime) -> tuple[datetime | None, bool]:
    """When a result is judged: a buffered one at the camera's time (None for a live one, or a
    camera clock ahead of the server's: judged on arrival); and whether it is older than the
    replay window (recorded all the same, flagged late)."""
    if not read.replayed or read.at is None or read.at > now + reads.MAX_CLOCK_SKEW:
        return None, False
    return read.at, read.at < now - reads.MAX_REPLAY_AGE


def camera_push(*, device: Device, body: Any, now: datetime) -> CameraAnswer:
    """Decide one push once (the camera's result id and frame time are the nonce) and keep what
    the camera saw beside the event. Raises ``InvalidInput`` / ``DomainError`` for a push that
    is not a plate result or a camera without a lane; ``camera.serial`` for another camera's
    serial number."""
    read = protocol.parse(body)
    if device.serial_no and read.camera != device.serial_no:
        raise DomainError("camera.serial", SERIAL_MISMATCH, {"serialno": read.camera})
    at, late = _read_time(read, now)
    # 无牌车 (V-09): the camera's "_无_", or a result that is not a plate: decided and recorded
    # as a vehicle without a plate (barrier down, the guard told), never refused.
    unreadable = not services.readable_plate(read.plate)

    def prepare() -> services.VehicleInput:
        lane = reads.device_lane(device=device, lane_ref=None)
        description = "" if services.is_no_plate(read.plate) else f"相机识别结果：{read.plate}"
        return services.VehicleInput(
            lane=lane,
            plate="" if unreadable else read.plate,
            no_plate=unreadable,
            description=description[:60],
        )

    def decide(inp: services.VehicleInput) -> Decided:
        result = services.vehicle_decide(inp, now=now, at=at, device=device, source="device")
        _capture(device, read, result, now, late)
        return Decided(decision_body(result), result.event)

    answer = answer_once(
        device=device,
        nonce=f"vz-{read.record}"[:64],
        body={"camera": read.camera, "record": read.record, "plate": read.plate},
        now=now,
        prepare=prepare,
        decide=decide,
    )
    return CameraAnswer(read, answer, late)


def _capture(
    device: Device, read: PlateRead, result: services.VehicleResult, now: datetime, late: bool
) -> PlateCapture:
    type_label = (
        protocol.PLATE_TYPES.get(read.plate_type, "") if read.plate_type is not None else ""
    )
    return rows.insert(
        PlateCapture(
            site=result.event.site,
            event=result.event,
            device=device,
            camera_serial=read.camera[:64],
            record=read.record[:64],
            license=read.plate[:32],
            colour=protocol.colour_name(read.colour),
            plate_type=read.plate_type
            if read.plate_type is not None and read.plate_type >= 0
            else None,
            plate_type_label=type_label,
            fake=read.fake,
            confidence=read.confidence
            if read.confidence is not None and 0 <= read.confidence <= 100
            else None,
            seen_at=read.at,
            received_at=now,
            offline=read.replayed,
            late=late,
            picture=read.picture,
            picture_small=read.picture_small,
        )
    )


def lane_lines(decided: Mapping[str, Any]) -> tuple[list[str], str]:
    """The LED lines (the plate, the decision's message, the fee) and the voice of a decision."""
    fee = decided.get("fee")
    lines = [str(decided.get("plate") or ""), str(decided.get("message") or "")]
    voice = str(decided.get("message") or "")
    if fee:
        lines.append(f"请缴费{fee['text']}")
        voice = f"请缴费{fee['text']}"
    return lines, voice


def camera_reply(answer: CameraAnswer, body: Any) -> dict[str, Any]:
    """The camera's reply to a decided push: ``ContinuePushOffline`` for a buffered result;
    for a live one, lift on allow, the LED lines and the voice."""
    pid = answer.read.plate_id
    if answer.read.replayed and pid is not None:
        return protocol.offline_reply(pid)
    decided = answer.answer.body
    fee = decided.get("fee")
    lines, voice = lane_lines(decided)
    barrier = BarrierAnswer(
        open=decided["outcome"] == "allow",
        display=lines[0],
        voice=voice,
        fee_fen=fee["amount_fen"] if fee else None,
    )
    return protocol.reply(barrier, body, lines=lines, speak=_speak(), channel=SERIAL_CHANNEL)


def push_reply(*, device: Device, raw: bytes, now: datetime) -> dict[str, Any]:
    """One HTTP push, from its raw body to the reply the camera gets (always HTTP 200)."""
    try:
        body = json.loads(raw or b"")
    except ValueError:
        logger.warning("camera %s pushed a body that is not JSON", device.pk)
        return protocol.error_reply("camera.json", "推送内容不是 JSON", None)
    try:
        answer = camera_push(device=device, body=body, now=now)
    except DomainError as exc:
        # A result that can never be taken (not a plate result) lets the camera go on with its
        # backlog; a configuration fault (another camera's serial, no lane) keeps the backlog
        # on the camera until someone fixes it.
        more = exc.code == "camera.payload"
        logger.warning("camera %s push refused: %s %s", device.pk, exc.code, exc.message)
        return protocol.error_reply(exc.code, exc.message, body, more=more)
    return camera_reply(answer, body)


# --------------------------------------------------------------------------------------------
# The heartbeat / comet polling
# --------------------------------------------------------------------------------------------


def heartbeat_reply(*, device: Device, fields: Mapping[str, str], now: datetime) -> dict[str, Any]:
    """The reply to one heartbeat: the commands the outbox holds for the camera, taken (marked
    delivered) as they are handed over. A heartbeat naming another camera's serial takes
    nothing: the commands wait for the right camera; so does a device that is not a camera or a
    barrier (``camera.kind``)."""
    if device.kind not in POLLING_KINDS:
        # Another kind of device (a terminal's key) must not take its commands here.
        return protocol.error_reply("camera.kind", NOT_A_CAMERA, None)
    serial = fields.get("serialno", "")
    if device.serial_no and serial and serial != device.serial_no:
        logger.warning("camera %s heartbeat from serial %r", device.pk, serial)
        return protocol.error_reply("camera.serial", SERIAL_MISMATCH, None)
    commands = _take_or_wait(device, now)
    return heartbeat.comet_reply(
        ((c.kind, c.payload) for c in commands), speak=_speak(), channel=SERIAL_CHANNEL
    )


def _take_or_wait(device: Device, now: datetime) -> list[Any]:
    """The device's queued commands; when there are none, the heartbeat is held up to
    ``GATEHOUSE_CAMERA_POLL_HOLD_MS``, looking again every :data:`HOLD_STEP` seconds, so that a
    comet camera polls about once a second and a lift queued meanwhile goes out at once."""
    hold = int(getattr(settings, "GATEHOUSE_CAMERA_POLL_HOLD_MS", 0)) / 1000
    started = time.monotonic()

    def elapsed() -> float:
        return time.monotonic() - started

    while True:
        commands = outbox.take(device=device, now=now + timedelta(seconds=elapsed()))
        if commands or elapsed() >= hold:
            return commands
        while True:  # wait for a command or the end of the hold
            # An Event's wait, not time.sleep: the same pause, and it also works under a
            # shifted clock (libfaketime refuses time.sleep's absolute monotonic deadline).
            threading.Event().wait(max(0.0, min(HOLD_STEP, hold - elapsed())))
            if elapsed() >= hold or _queued(device):
                break


def _queued(device: Device) -> bool:
    return DeviceCommand.objects.filter(device=device, state=CommandState.QUEUED).exists()


# --------------------------------------------------------------------------------------------
# The evidence's time
# --------------------------------------------------------------------------------------------


@transaction.atomic
def purge_pictures(*, now: datetime, days: int | None = None) -> int:
    """Empty the snapshot pictures received more than ``days`` ago (default
    ``GATEHOUSE_PLATE_PICTURE_DAYS``); the capture's other fields stay with the event. Returns
    the captures purged; one audit entry records the purge."""
    keep = days if days is not None else int(settings.GATEHOUSE_PLATE_PICTURE_DAYS)
    cutoff = now - timedelta(days=keep)
    purged = PlateCapture.objects.filter(
        received_at__lt=cutoff, picture_purged_at__isnull=True
    ).update(picture=b"", picture_small=b"", picture_purged_at=now)
    if purged:
        audit_record(
            action="plate_picture.purge",
            object_type="vehicles.platecapture",
            after={"purged": purged, "received_before": cutoff.isoformat(), "days": keep},
            at=now,
        )
    return purged
