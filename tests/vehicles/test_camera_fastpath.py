"""A plate camera's push address (``/api/v1/cameras/gc_…/plate``) through the device fast path
(:mod:`gatehouse.fastpath`): the same reply and headers as the full stack, what it cannot take
handed over, nothing written twice."""

from __future__ import annotations

import json

import pytest

from gatehouse.access.models import AccessEvent, DeviceRequest
from tests.api.conftest import FastPathClient

# --------------------------------------------------------------------------------------------


@pytest.fixture
def camera_token(site_a, manager_a, vlanes, monkeypatch):
    from gatehouse.devices.models import Device
    from gatehouse.devices.services import device_issue_camera_token, device_issue_key
    from tests.conftest import NOW

    monkeypatch.setattr("gatehouse.vehicles.api._clock", lambda: NOW)
    camera = Device.objects.create(
        site=site_a, lane=vlanes["garage/in"], name="相机", kind="plate_camera", vendor="vzenith"
    )
    device_issue_key(device=camera, actor=manager_a, now=NOW)
    return device_issue_camera_token(device=camera, actor=manager_a, now=NOW)


def _push(client: FastPathClient, token: str, body: object) -> object:
    raw = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return client.post(f"/api/v1/cameras/{token}/plate", raw, content_type="application/json")


def _camera_result(plate: str, record: int) -> dict:
    from tests.conftest import NOW

    result = {"license": plate, "plateid": record, "isoffline": 0, "confidence": 95}
    result["timeStamp"] = {"Timeval": {"sec": int(NOW.timestamp()), "usec": 0}}
    return {"AlarmInfoPlate": {"serialno": "e2ab41d6-8c9f4a01", "result": {"PlateResult": result}}}


def test_a_camera_push_gets_the_same_reply_and_headers_from_either_stack(camera_token):
    # rule V-07
    from gatehouse.vehicles.models import ParkingSession, PlateCapture

    fast, full = FastPathClient(), FastPathClient(full=True)
    a = _push(fast, camera_token, _camera_result("京A12345", 1))
    b = _push(full, camera_token, _camera_result("京B12345", 2))
    assert (fast.fast, full.fast) == (1, 0)
    assert (a.status_code, b.status_code) == (200, 200)
    differ = {"Content-Length", "X-Request-ID"}  # each request has its own id
    assert {k: v for k, v in a.items() if k not in differ} == {
        k: v for k, v in b.items() if k not in differ
    }
    assert a["Content-Type"] == "application/json" and int(a["Content-Length"]) == len(a.content)
    # The same function's bytes: the full stack answers the same result pushed again with
    # what the fast path answered (and the fast path, a result the full stack took).
    assert _push(full, camera_token, _camera_result("京A12345", 1)).content == a.content
    assert _push(fast, camera_token, _camera_result("京B12345", 2)).content == b.content
    assert (fast.fast, full.fast) == (2, 0)
    assert a.json()["Response_AlarmInfoPlate"]["info"] == "ok"
    assert ParkingSession.objects.filter(status="open").count() == 2
    assert PlateCapture.objects.count() == AccessEvent.objects.count() == 2
    # Nothing was written twice.
    assert AccessEvent.objects.count() == DeviceRequest.objects.count() == 2


def test_a_camera_push_that_is_refused_is_answered_alike_and_writes_nothing(camera_token):
    from gatehouse.throttle import key_throttle

    fast, full = FastPathClient(), FastPathClient(full=True)
    # An unknown token: the full stack answers 401 (and counts the failed token).
    wrong = "gc_" + "x" * 43
    a, b = _push(fast, wrong, _camera_result("京A12345", 1)), _push(full, wrong, {})
    assert (a.status_code, b.status_code) == (401, 401) and fast.fast == 0
    assert a.json()["code"] == b.json()["code"] == "unauthenticated"
    key_throttle.reset()
    # Not JSON, not a plate result: the camera's error reply (HTTP 200, barrier down), the same
    # bytes from either stack, nothing written.
    for body in ("{not json", {"AlarmInfoPlate": {"result": {}}}):
        a, b = _push(fast, camera_token, body), _push(full, camera_token, body)
        assert (a.status_code, b.status_code) == (200, 200) and a.content == b.content
        assert a.json()["Response_AlarmInfoPlate"]["info"] == "no"
    assert fast.fast == 2
    assert AccessEvent.objects.count() == DeviceRequest.objects.count() == 0
