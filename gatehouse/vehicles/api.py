"""Device API of vehicle decisions: a plate camera or barrier card reader posts what it read
and gets allow / refuse / pending back — as generic JSON (``X-Device-Key``) or in the HTTP push
of Vzenith-style lane cameras (see :mod:`gatehouse.devices.adapters.vzenith`), which
authenticate by their push address token (``/cameras/gc_…/plate``), by ``X-Device-Key`` or, for
cameras that can do neither, by ``?key=``."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Status
from ninja.security import APIKeyHeader, APIKeyQuery

from gatehouse.apiauth import DeviceUnauthenticated, device_auth, error_responses
from gatehouse.core.errors import DomainError
from gatehouse.devices.adapters.vzenith import heartbeat
from gatehouse.devices.models import Device
from gatehouse.devices.services import camera_authenticate, device_authenticate
from gatehouse.gate import reads
from gatehouse.gate.nonce import Decided, DeviceAnswer, answer_once
from gatehouse.throttle import client_address, key_throttle
from gatehouse.vehicles import cameras, services
from gatehouse.vehicles.schemas import VehicleDecisionIn, VehicleDecisionOut

router = Router(tags=["车辆通行判定"])

_STATUS_OF = {"nonce.reused": 409, "lane.unknown": 404, "lane.other_site": 403}

DESCRIPTION = """\
车牌识别相机或道闸读卡器提交一次识别，服务器按车辆规则（V-01…V-13）判定放行、拒绝或待确认，
并在同一事务中写入通行记录、停车记录（入场/出场配对）、外来车辆登记和告警通知。

* 出场须缴临时停车费时返回 `pending: payment` 和 `fee`（分）；缴费（岗亭收费）后再次识别即放行。
* 幂等与补传同人员通行接口：同一 `nonce` 重发返回第一次的结果；`at` 为识别时间，停车费按此计算。
* 车牌号码按 GA 36 校验，格式错误返回 422 `plate.format` 等，不写入任何记录。
* 无牌车：`no_plate: true`（或 plate 为“无牌”）并在 `description` 中写明车辆特征，按 V-09 拒绝进入，
  写入通行记录、外来车辆登记并通知监控中心。
* 场所或车道的通行规则配置无法读取时，返回 200 `refuse` / `policy.invalid`，记录并通知监控中心。
"""


def _clock() -> datetime:
    """The server's time (tests replace this)."""
    return timezone.now()


def _decide_once(
    *,
    device: Device,
    nonce: str,
    body: dict[str, Any],
    lane_ref: str | None,
    plate: str,
    card: str,
    at: datetime | None,
    now: datetime,
    no_plate: bool = False,
    description: str = "",
) -> DeviceAnswer:
    def prepare() -> services.VehicleInput:
        lane = reads.device_lane(device=device, lane_ref=lane_ref)
        reads.check_read_time(at=at, now=now)
        return services.VehicleInput(
            lane=lane, plate=plate, card_number=card, no_plate=no_plate, description=description
        )

    def decide(inp: services.VehicleInput) -> Decided:
        result = services.vehicle_decide(inp, now=now, at=at, device=device, source="device")
        return Decided(cameras.decision_body(result), result.event)

    return answer_once(
        device=device, nonce=nonce, body=body, now=now, prepare=prepare, decide=decide
    )


@router.post(
    "/vehicle/decisions",
    auth=device_auth,
    response={200: VehicleDecisionOut, **error_responses(401, 403, 404, 409, 422)},
    operation_id="vehicle_decision_create",
    summary="车牌相机或道闸读卡器提交一次识别，获得通行判定",
    description=DESCRIPTION,
    by_alias=True,
)
def vehicle_decision_create(request: HttpRequest, payload: VehicleDecisionIn) -> Any:
    device: Device = request.auth  # type: ignore[attr-defined]
    try:
        answer = _decide_once(
            device=device,
            nonce=payload.nonce,
            body=payload.model_dump(mode="json", exclude={"nonce"}),
            lane_ref=payload.lane,
            plate=payload.plate,
            card=payload.card,
            at=payload.at,
            now=_clock(),
            no_plate=payload.no_plate,
            description=payload.description,
        )
    except DomainError as exc:
        status = _STATUS_OF.get(exc.code)
        if status is None:
            raise
        return Status(status, exc.as_dict())
    return Status(200, answer.body)


class CameraHeaderAuth(APIKeyHeader):
    """``X-Device-Key: gd_…`` on the push, for cameras that can add a header (preferred over the
    query key). Without the header the query key is tried."""

    param_name = "X-Device-Key"
    openapi_description = "设备密钥放在请求头：X-Device-Key: gd_…（相机支持自定义请求头时优先使用）"

    def authenticate(self, request: HttpRequest, key: str | None) -> Device | None:
        if not key:
            return None
        key_throttle.check(request)
        device = device_authenticate(key, address=client_address(request), now=_clock())
        if device is None:
            raise DeviceUnauthenticated()
        return device


class CameraKeyAuth(APIKeyQuery):
    """``?key=gd_…``: for lane cameras that post to a fixed URL and can neither add a header nor
    use a push address token (the key then travels in the URL: proxies may log it)."""

    param_name = "key"
    openapi_description = "设备密钥放在推送地址的查询参数中：…/vzenith?key=gd_…"

    def authenticate(self, request: HttpRequest, key: str | None) -> Device:
        key_throttle.check(request)
        device = device_authenticate(key, address=client_address(request), now=_clock())
        if device is None:
            raise DeviceUnauthenticated()
        return device


CAMERA_DESCRIPTION = (
    "相机把识别结果推送到此地址（臻识 HTTP 推送协议 AlarmInfoPlate），始终以 HTTP 200 回复 "
    "Response_AlarmInfoPlate：content 为 retransfer_stop（已收到，不再重传）；实时结果 info 为 ok "
    "时开闸，显示屏和语音内容（车牌、判定信息、费用）放在 serialData（RS-485 显示屏/语音板帧）和 "
    "playserver_json_request（相机自带语音）中。离线补传（isoffline=1）按识别时间判定并记录，回复 "
    "ContinuePushOffline（continue=1，继续推送下一条），不开闸；超过补传期限的也照常记录并标记。"
    "同一识别结果（相机序列号、结果编号和识别时间）重推时返回第一次的结果，不重复记录。"
    "无牌车（license 为 _无_）或无法识别的车牌按无牌车处理：拒绝进入（V-09），道闸不抬杆，"
    "登记并通知监控中心。推送内容不是 JSON、不是识别结果，或序列号与设备登记的不一致时，"
    "回复 info 为 no 并附 error，不记录任何内容。"
)
HEARTBEAT_DESCRIPTION = (
    "相机的心跳 / comet 轮询（臻识协议“设备注册”，multipart/form-data，含 serialno 等字段）。"
    "回复 Response_AlarmInfoPlate，带上为该相机排队的指令：抬杆（info 为 ok 或 ivs_ioctrl）、"
    "显示屏文字（serialData）、语音（serialData 语音帧和/或 playserver_json_request）；"
    "没有指令时 info 为 no。每次心跳更新设备的最近通信时间。"
)


def _camera_by_token(request: HttpRequest, token: str) -> Device:
    key_throttle.check(request)
    device = camera_authenticate(token, address=client_address(request), now=_clock())
    if device is None:
        raise DeviceUnauthenticated()
    return device


def _camera_bytes(reply: dict[str, Any]) -> bytes:
    """A camera's reply as JSON (Chinese as Chinese), the same bytes from both stacks."""
    return json.dumps(reply, cls=DjangoJSONEncoder, ensure_ascii=False).encode()


def _camera_json(reply: dict[str, Any]) -> HttpResponse:
    return HttpResponse(_camera_bytes(reply), content_type="application/json")


@router.post(
    "/cameras/vzenith/heartbeat",
    auth=[CameraHeaderAuth(), CameraKeyAuth()],
    response={200: dict[str, Any], **error_responses(401)},
    operation_id="camera_vzenith_heartbeat",
    summary="臻识（Vzenith）等车牌相机的心跳 / comet 轮询（密钥认证）",
    description=HEARTBEAT_DESCRIPTION,
)
def camera_vzenith_heartbeat(request: HttpRequest) -> Any:
    device: Device = request.auth  # type: ignore[attr-defined]
    return _camera_json(_heartbeat(request, device))


@router.post(
    "/cameras/{token}/heartbeat",
    auth=None,
    response={200: dict[str, Any], **error_responses(401)},
    operation_id="camera_heartbeat",
    url_name="camera_heartbeat",
    summary="车牌相机的心跳 / comet 轮询（地址含相机令牌）",
    description=HEARTBEAT_DESCRIPTION,
)
def camera_heartbeat(request: HttpRequest, token: str) -> Any:
    return _camera_json(_heartbeat(request, _camera_by_token(request, token)))


def _heartbeat(request: HttpRequest, device: Device) -> dict[str, Any]:
    try:
        form: Any = request.POST
    except Exception:
        form = {}
    fields = heartbeat.read_form(request.content_type or "", request.body, form)
    return cameras.heartbeat_reply(device=device, fields=fields, now=_clock())


@router.post(
    "/cameras/{token}/plate",
    auth=None,
    response={200: dict[str, Any], **error_responses(401)},
    operation_id="camera_plate_push",
    url_name="camera_plate_push",
    summary="车牌相机推送（推送地址含相机令牌，无需密钥）",
    description=CAMERA_DESCRIPTION
    + "推送地址在后台为车牌相机签发密钥时一并生成（/api/v1/cameras/gc_…/plate），只显示一次，"
    "随密钥轮换；地址中不含设备密钥。心跳地址为同一令牌下的 /heartbeat。",
)
def camera_plate_push(request: HttpRequest, token: str) -> Any:
    device = _camera_by_token(request, token)
    return _camera_json(cameras.push_reply(device=device, raw=request.body, now=_clock()))


def camera_push_fast(token: str, body: bytes) -> bytes | None:
    """:func:`camera_plate_push` for :mod:`gatehouse.fastpath`: the same reply as bytes, or
    None for a token that is no live camera's (the full stack then answers 401 and counts the
    failure against the address)."""
    device = camera_authenticate(token, now=_clock())
    if device is None:
        return None
    return _camera_bytes(cameras.push_reply(device=device, raw=body, now=_clock()))


@router.post(
    "/cameras/vzenith",
    auth=[CameraHeaderAuth(), CameraKeyAuth()],
    response={200: dict[str, Any], **error_responses(401)},
    operation_id="camera_vzenith_push",
    summary="臻识（Vzenith）等车牌相机的 HTTP 推送（AlarmInfoPlate）",
    description=CAMERA_DESCRIPTION
    + "密钥放在 X-Device-Key 请求头，或（相机无法自定义请求头时）放在查询参数 key 中。",
)
def camera_vzenith_push(request: HttpRequest) -> Any:
    device: Device = request.auth  # type: ignore[attr-defined]
    return _camera_json(cameras.push_reply(device=device, raw=request.body, now=_clock()))
