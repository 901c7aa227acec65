"""API for devices: authenticated by their own key (``X-Device-Key``), never by a person."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from gatehouse.apiauth import device_auth, error_responses
from gatehouse.devices.models import Device
from gatehouse.devices.schemas import DeviceWhoAmIOut

router = Router(tags=["设备"], auth=device_auth)


@router.get(
    "/device/whoami",
    response={200: DeviceWhoAmIOut, **error_responses(401)},
    operation_id="device_whoami",
    summary="设备自检：本设备及其场所、车道",
)
def device_whoami(request: HttpRequest) -> Device:
    device: Device = request.auth  # type: ignore[attr-defined]
    return device
