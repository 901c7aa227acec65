"""Device API of gate decisions: a turnstile, card reader or face terminal posts what it read and
gets allow / refuse / pending back (``X-Device-Key``).

Statuses beyond the API's shared table (see :mod:`gatehouse.api`):

=====================================  ======  ==========================================
case                                   status  code
=====================================  ======  ==========================================
same nonce, different body             409     ``nonce.reused``
lane not found at the device's site    404     ``lane.unknown`` (also a lane of another site)
device bound to another site's lane    403     ``lane.other_site``
=====================================  ======  ==========================================
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Status

from gatehouse.access.schemas import GateDecisionIn, GateDecisionOut
from gatehouse.apiauth import device_auth, error_responses
from gatehouse.core.errors import DomainError
from gatehouse.devices.models import Device
from gatehouse.gate import decide, nonce
from gatehouse.visitors.services import health_facts

router = Router(tags=["通行判定"], auth=device_auth)

# Codes of DomainError this endpoint answers with their own status.
_STATUS_OF = {"nonce.reused": 409, "lane.unknown": 404, "lane.other_site": 403}

DESCRIPTION = """\
闸机、读卡器或人脸终端把一次读取提交给服务器，服务器按当前管理模式和规则判定放行、拒绝或待确认，
并在同一事务中写入通行记录（append-only）、在场状态、来客登记和告警通知。

* **幂等**：每次读取带一个唯一的 `nonce`。网络超时后用同一 `nonce` 和同一内容重发，
  服务器返回第一次的结果（`replayed: true`），不会重复记录；
  同一 `nonce` 换了内容则返回 409 `nonce.reused`。
* **补传**：断网期间的读取可带 `at`（读取时间，须带时区）补传，规则按该时间判定；不早于 7 天前、
  不晚于服务器时间 2 分钟，否则 422 `at.invalid`。
* **错误**：请求格式错误、伪造或过期的二维码（`qr.invalid` / `qr.expired`）、格式不正确的卡号等返回
  422，且不写入任何记录；未登记的卡不是错误，而是判定为拒绝（`credential.unknown`）并记录。
* 通道不存在于本设备的场所 → 404 `lane.unknown`；设备绑定了其他场所的通道 → 403 `lane.other_site`。
"""


def _clock() -> datetime:
    """The server's time (tests replace this)."""
    return timezone.now()


@router.post(
    "/gate/decisions",
    response={200: GateDecisionOut, **error_responses(401, 403, 404, 409, 422)},
    operation_id="gate_decision_create",
    summary="设备提交一次读取，获得通行判定",
    description=DESCRIPTION,
    by_alias=True,
)
def gate_decision_create(request: HttpRequest, payload: GateDecisionIn) -> Any:
    device: Device = request.auth  # type: ignore[attr-defined]
    try:
        answer = _decide(device, payload)
    except DomainError as exc:
        status = _STATUS_OF.get(exc.code)
        if status is None:
            raise
        return Status(status, exc.as_dict())
    return HttpResponse(answer_bytes(answer), content_type="application/json; charset=utf-8")


def gate_decision_fast(device: Device, body: bytes) -> bytes | None:
    """:func:`gate_decision_create` for :mod:`gatehouse.fastpath`: the same answer as bytes, or
    None when the request is not valid (the full stack then answers with the error)."""
    try:
        payload = GateDecisionIn.model_validate(json.loads(body))  # as django-ninja parses it
        return answer_bytes(_decide(device, payload))
    except (ValueError, DomainError):  # malformed JSON, ValidationError, InvalidInput …
        return None


def _decide(device: Device, payload: GateDecisionIn) -> nonce.DeviceAnswer:
    health = None
    if (
        payload.temperature is not None
        or payload.health_code is not None
        or payload.travel_code is not None
    ):
        health = health_facts(
            temperature=payload.temperature,
            code=payload.health_code or "",
            travel=payload.travel_code or "",
        )
    return decide.device_decide(
        device=device,
        nonce=payload.nonce,
        body=payload.model_dump(mode="json", exclude={"nonce"}),
        lane_ref=payload.lane,
        kind=payload.credential.kind,
        value=payload.credential.value,
        at=payload.at,
        health=health,
        now=_clock(),
    )


def answer_bytes(answer: nonce.DeviceAnswer) -> bytes:
    """The JSON of a 200 answer (shaped as :class:`GateDecisionOut`; both stacks send these
    bytes, so the response model is documentation and a test, not a per-request validation)."""
    return json.dumps(answer.body, ensure_ascii=False).encode("utf-8")
