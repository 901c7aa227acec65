"""A terminal's event push (ISAPI HTTP listening, ``httpHosts``): one access event becomes an
access event of the gate and its register row, once.

The terminal posts to ``/api/v1/terminals/<token>/events`` (the token is the device's push
address token, :func:`gatehouse.devices.services.push_authenticate`): ``multipart/form-data``
with the event JSON in the part ``event_log`` (or ``AccessControllerEvent``) and an optional
``Picture``; a bare JSON body is taken too. The picture is not kept (personal data is
minimised; the terminal keeps its own).

The terminal already decided: its decision is recorded, with the card or employee number
mapped to the credential and person, beside what the gate would have decided
(:func:`gatehouse.core.terminal.terminal_decision`): a passage the terminal allowed that the
gate would refuse alerts the monitoring centre; a refusal the gate would have allowed re-sends
the person to the terminal.

Every answer is the ISAPI ``ResponseStatus`` JSON with an HTTP status the terminal understands
(:class:`PushAnswer`): 200 recorded (or a replay of an event already recorded: the terminal's
event ``serialNo`` is the nonce, nothing is written twice), 400 a body that is not an access
event, 401 an unknown token, 403 a serial number that is not the device's, 409 an event number
reused for another event or a terminal bound to no lane.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from gatehouse.access.models import EventSource
from gatehouse.core.access import Decision
from gatehouse.core.errors import DomainError
from gatehouse.core.masking import mask_card
from gatehouse.core.terminal import terminal_decision
from gatehouse.devices.adapters.hikvision import isapi
from gatehouse.devices.models import Device
from gatehouse.devices.selectors import DOOR_KINDS
from gatehouse.devices.services import push_authenticate
from gatehouse.devices.sync import sync_person
from gatehouse.gate.decide import gate_decide, gate_judge, gate_record
from gatehouse.gate.facts import GateInput
from gatehouse.gate.nonce import Decided, answer_once, decision_json
from gatehouse.gate.reads import read_input
from gatehouse.sites.models import Lane

EVENT_PARTS = ("event_log", "AccessControllerEvent")
MAX_BODY = 2 * 1024 * 1024


@dataclass(frozen=True)
class PushAnswer:
    status: int
    body: dict[str, Any]


def _status(http: int, code: int, sub: str, message: str = "", **extra: Any) -> PushAnswer:
    return PushAnswer(http, {**isapi.status_body(code, sub, message=message), **extra})


def terminal_push(
    *, token: str, content_type: str, body: bytes, address: str | None, now: datetime
) -> PushAnswer:
    """Authenticate a terminal's push by its address token and record its event once."""
    device = push_authenticate(
        token, address=address, now=now, kind="terminal token", device_kinds=DOOR_KINDS
    )
    if device is None:
        return _status(401, isapi.INVALID_OPERATION, "unAuthorized", "推送地址令牌无效")
    try:
        event = parse_push(content_type, body)
    except isapi.ProtocolError as exc:
        return _status(400, isapi.INVALID_CONTENT, exc.sub, str(exc))
    if event.device_id and device.serial_no and event.device_id != device.serial_no:
        return _status(
            403, isapi.INVALID_OPERATION, "deviceSerialMismatch", "设备序列号与登记的不一致"
        )
    if not event.is_passage:
        # A door state, an alarm, a tamper: acknowledged, not a passage of anyone.
        return _status(200, isapi.OK, "ok", recorded=False)
    try:
        return record_event(device=device, event=event, now=now)
    except DomainError as exc:
        if exc.code == "nonce.reused":
            return _status(409, isapi.INVALID_CONTENT, "eventSerialNoReused", exc.message)
        return _status(409, isapi.INVALID_OPERATION, exc.code, exc.message)


def parse_push(content_type: str, body: bytes) -> isapi.AccessEvent:
    """The access event of a push body (multipart with its JSON part, or bare JSON)."""
    if len(body) > MAX_BODY:
        raise isapi.ProtocolError("推送内容过大", "badParameters")
    if content_type.lower().startswith("multipart/"):
        parts = isapi.multipart_parts(content_type, body)
        data = next((parts[name] for name in EVENT_PARTS if name in parts), None)
        if data is None:
            raise isapi.ProtocolError("推送内容缺少事件部分 event_log")
        return isapi.parse_event(data)
    return isapi.parse_event(body)


def _lane(device: Device) -> Lane:
    lane = device.lane
    if lane is None or lane.gate.site_id != device.site_id:
        raise DomainError("lane.required", "终端未绑定本场所的通道，无法记录通行", {})
    return lane


def read_of(lane: Lane, event: isapi.AccessEvent, when: datetime) -> GateInput:
    """What the terminal read, as the gate's input: the card (mapped to its credential and
    holder) or, for a face, the person by employee number; a number Gatehouse does not know
    stands as an unknown credential."""
    if event.card_no:
        try:
            return read_input(
                lane=lane, kind="card", value=isapi.gatehouse_card_no(event.card_no), when=when
            )
        except DomainError:
            return GateInput(
                lane=lane, presented_kind="card", presented_masked=mask_card(event.card_no)
            )
    if event.employee_no:
        try:
            return read_input(lane=lane, kind="face", value=event.employee_no, when=when)
        except DomainError:
            pass
    return GateInput(lane=lane, presented_kind="face", presented_masked="face:unknown")


class _Lost(Exception):
    """The gate's path refused a visitor's passage the terminal made: undo what it wrote."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(decision.reason)
        self.decision = decision


def _visitor_passage(
    inp: GateInput, device: Device, now: datetime, at: datetime
) -> Decided | Decision:
    """Record a visitor's passage by the gate's own path (visit, uses); or, writing nothing,
    that path's refusal (the invitation used up at another gate meanwhile)."""
    try:
        with transaction.atomic():
            result = gate_decide(inp, now=now, at=at, device=device, source=str(EventSource.DEVICE))
            if not result.decision.allowed:
                raise _Lost(result.decision)
    except _Lost as lost:
        return lost.decision
    return Decided(decision_json(result.decision, result.event), result.event)


def record_event(*, device: Device, event: isapi.AccessEvent, now: datetime) -> PushAnswer:
    """Record one access event of ``device`` once (its ``serialNo`` is the nonce)."""
    # A terminal's clock ahead of the server's is taken as now: the passage happened.
    at = min(event.at, now)
    body = event.identity()

    def prepare() -> GateInput:
        return read_of(_lane(device), event, at)

    def decide(inp: GateInput) -> Decided:
        ours = gate_judge(inp, at=at)
        decision = terminal_decision(event.passed, ours)
        if decision is ours and ours.allowed and (inp.invitation or inp.pass_) is not None:
            # A visitor's code (an invitation's or pass's terminal code) both allowed: the gate's
            # own path records it, using the invitation up and writing the register row (VI-02).
            visitor = _visitor_passage(inp, device, now, at)
            if isinstance(visitor, Decided):
                return visitor
            # Another gate used it up in between: the terminal's passage is against the rule.
            decision = terminal_decision(True, visitor)
        result = gate_record(
            inp, decision, now=now, at=at, device=device, source=str(EventSource.DEVICE)
        )
        person = inp.subject()
        if decision.reason == "terminal.refused" and person is not None:
            sync_person(person.pk, now, reason="终端拒绝了应放行的人员，重新下发", force=True)
        return Decided(decision_json(decision, result.event), result.event)

    answer = answer_once(
        device=device,
        nonce=f"isapi:{event.serial_no}",
        body=body,
        now=now,
        prepare=prepare,
        decide=decide,
    )
    return _status(
        200,
        isapi.OK,
        "ok",
        recorded=True,
        replayed=answer.replayed,
        eventId=answer.body.get("event_id"),
        outcome=answer.body.get("outcome"),
    )
