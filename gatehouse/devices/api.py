"""API for devices: authenticated by their own key (``X-Device-Key``), never by a person; a
terminal's event push by its push address token in the URL (it cannot send a key header)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from ninja import Router

from gatehouse.apiauth import device_auth, error_responses
from gatehouse.devices.models import Device
from gatehouse.devices.schemas import DeviceWhoAmIOut, IsapiStatusOut
from gatehouse.devices.terminals import terminal_push
from gatehouse.throttle import client_address, key_throttle

router = Router(tags=["设备"], auth=device_auth)


def _clock() -> datetime:
    """The server's time (tests replace this)."""
    return timezone.now()


@router.get(
    "/device/whoami",
    response={200: DeviceWhoAmIOut, **error_responses(401)},
    operation_id="device_whoami",
    summary="设备自检：本设备及其场所、车道",
)
def device_whoami(request: HttpRequest) -> Device:
    device: Device = request.auth  # type: ignore[attr-defined]
    return device


@router.post(
    "/terminals/{token}/events",
    auth=None,
    response={
        **dict.fromkeys((200, 400, 401, 403, 409), IsapiStatusOut),
        **error_responses(),
    },
    operation_id="terminal_event_push",
    url_name="terminal_event_push",
    summary="门禁/人脸终端事件推送（海康 ISAPI HTTP 监听，推送地址含终端令牌）",
    description=(
        "海康门禁一体机/人脸终端的“HTTP 监听”（httpHosts）推送地址。请求为 multipart/form-data，"
        "事件 JSON 在 event_log（或 AccessControllerEvent）部分，可附 Picture 图片（不保存）。"
        "应答为 ISAPI ResponseStatus JSON：200 已记录（重复推送同一 serialNo 的事件也答 200，"
        "不重复记录），400 内容不是门禁事件，401 令牌无效，403 设备序列号不符，"
        "409 事件编号被另一事件占用或终端未绑定通道。"
    ),
)
def terminal_event_push(request: HttpRequest, token: str) -> JsonResponse:
    key_throttle.check(request)
    answer = terminal_push(
        token=token,
        content_type=request.headers.get("Content-Type", ""),
        body=request.body,
        address=client_address(request),
        now=_clock(),
    )
    return JsonResponse(
        answer.body, status=answer.status, json_dumps_params={"ensure_ascii": False}
    )
