"""POST /api/v1/vehicle/decisions and the Vzenith-style camera push."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.test import Client

from gatehouse.access.models import AccessEvent, DeviceRequest
from gatehouse.devices.adapters.vzenith import led
from gatehouse.devices.models import Device
from gatehouse.devices.services import device_issue_key
from gatehouse.vehicles.models import ParkingSession
from tests.api.conftest import ApiClient, assert_error_shape
from tests.conftest import NOW

PLATE = "京A12345"


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr("gatehouse.vehicles.api._clock", lambda: NOW)
    return NOW


@pytest.fixture
def camera(site_a, manager_a, vlanes, clock):
    """The garage entrance camera, bound to ``garage/in``."""
    device = Device.objects.create(
        site=site_a,
        lane=vlanes["garage/in"],
        name="车库入口相机",
        kind="plate_camera",
        vendor="vzenith",
    )
    return device, device_issue_key(device=device, actor=manager_a, now=NOW)


def push(plate: str, plate_id: int, sec: int, offline: int = 0) -> dict:
    return {
        "AlarmInfoPlate": {
            "serialno": "e2ab41d6-8c9f4a01",
            "result": {
                "PlateResult": {
                    "license": plate,
                    "plateid": plate_id,
                    "confidence": 96,
                    "isoffline": offline,
                    "timeStamp": {"Timeval": {"sec": sec, "usec": 0}},
                }
            },
        }
    }


def post_push(key: str, body) -> tuple[int, dict]:
    response = Client().post(
        f"/api/v1/cameras/vzenith?key={key}", body, content_type="application/json"
    )
    return response.status_code, response.json()


def test_camera_push_opens_the_barrier_for_a_temporary_car(camera):
    # rule V-07
    _, key = camera
    status, body = post_push(key, push(PLATE, 1187, int(NOW.timestamp())))
    assert status == 200
    reply = body["Response_AlarmInfoPlate"]
    assert reply["info"] == "ok" and reply["plateid"] == 1187
    assert reply["content"] == "retransfer_stop" and reply["is_pay"] == "true"
    assert _shown(reply)[0] == PLATE
    session = ParkingSession.objects.get()
    assert (session.plate, session.status) == (PLATE, "open")
    event = AccessEvent.objects.get()
    assert (event.source, event.reason, event.plate) == ("device", "vehicle.temporary_card", PLATE)


def test_the_same_result_pushed_again_is_answered_once(camera):
    # rule V-07: a camera re-pushing a result after a timeout writes nothing new
    _, key = camera
    body = push(PLATE, 1187, int(NOW.timestamp()))
    first = post_push(key, body)
    again = post_push(key, body)
    assert first == again
    assert (AccessEvent.objects.count(), DeviceRequest.objects.count()) == (1, 1)
    assert ParkingSession.objects.count() == 1


def test_an_offline_result_is_judged_at_its_own_time(camera):
    # rule V-07: a buffered result uses the camera's time for the stay
    _, key = camera
    seen = NOW - timedelta(minutes=40)
    post_push(key, push(PLATE, 1200, int(seen.timestamp()), offline=1))
    assert ParkingSession.objects.get().entered_at == seen


def test_exit_camera_asks_for_the_fee(site_a, manager_a, vlanes, clock, camera):
    # rule V-07: the barrier stays down and the display shows the fee
    _, key = camera
    post_push(key, push(PLATE, 1, int((NOW - timedelta(hours=2)).timestamp()), offline=1))
    exit_cam = Device.objects.create(
        site=site_a,
        lane=vlanes["garage/out"],
        name="出口相机",
        kind="plate_camera",
        vendor="vzenith",
    )
    exit_key = device_issue_key(device=exit_cam, actor=manager_a, now=NOW)
    status, body = post_push(exit_key, push(PLATE, 2, int(NOW.timestamp())))
    reply = body["Response_AlarmInfoPlate"]
    assert status == 200 and reply["info"] == "no" and reply["is_pay"] == "false"
    assert "请缴费￥10.00" in _shown(reply)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"hello": 1}, "camera.payload"),
        (
            {"AlarmInfoPlate": {"serialno": "x", "result": {"PlateResult": {"plateid": 1}}}},
            "camera.payload",
        ),
    ],
)
def test_bad_pushes_are_answered_200_barrier_down_and_write_nothing(camera, body, code):
    # A 4xx is a failed push to the camera, which sends it again for ever: 200, in its form.
    _, key = camera
    status, answer = post_push(key, body)
    reply = answer["Response_AlarmInfoPlate"]
    assert status == 200 and reply["info"] == "no" and reply["content"] == "retransfer_stop"
    assert reply["error"]["code"] == code and reply["error"]["message"]
    assert not AccessEvent.objects.exists()


def _shown(reply: dict) -> list[str]:
    """The texts of the LED board frames in a reply."""
    frames = [led.decode(base64.b64decode(item["data"])) for item in reply["serialData"]]
    return [f.text for f in frames if f.cmd == led.SHOW_TEXT]


def test_push_without_a_valid_key_is_401(camera):
    status, _ = post_push("gd_nope", push(PLATE, 1, int(NOW.timestamp())))
    assert status == 401


def test_generic_json_decision_and_replay(camera):
    # rule V-07
    _, key = camera
    api = ApiClient(headers={"X-Device-Key": key})
    body = {"plate": PLATE, "nonce": "c-1"}
    first = api.post("/vehicle/decisions", body)
    assert first.status_code == 200
    data = first.json()
    assert (data["outcome"], data["reason"], data["plate"], data["fee"]) == (
        "allow",
        "vehicle.temporary_card",
        PLATE,
        None,
    )
    again = api.post("/vehicle/decisions", body).json()
    assert again["replayed"] is True and again["event_id"] == data["event_id"]
    conflict = api.post("/vehicle/decisions", {"plate": "京A54321", "nonce": "c-1"})
    assert_error_shape(conflict, 409, "nonce.reused")
    bad = api.post("/vehicle/decisions", {"plate": "京A1", "nonce": "c-2"})
    assert bad.status_code == 422
    assert AccessEvent.objects.count() == 1


def test_simulator_pushes_in_process(camera):
    # rule V-07: the simulator drives the same path as the camera's HTTP push
    from io import StringIO

    from django.core.management import call_command

    device, _ = camera
    out = StringIO()
    call_command("simulate_camera", device=device.pk, plate=[PLATE], count=2, stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3 and lines[0].startswith(PLATE)
    assert '"info": "ok"' in lines[0] and '"content": "retransfer_stop"' in lines[0]
    assert ParkingSession.objects.count() == 3
    assert AccessEvent.objects.filter(device=device).count() == 3


def test_alert_command_raises_dwell_alerts_once(vlanes, site_a):
    # rule V-11
    from io import StringIO

    from django.core.management import call_command

    from gatehouse.core.vehicle import VehicleKind
    from gatehouse.vehicles import services

    services.vehicle_decide(
        services.VehicleInput(lane=vlanes["north/in"], plate="京B12345", kind=VehicleKind.TAXI),
        now=NOW - timedelta(hours=1),
    )
    out = StringIO()
    call_command("vehicle_alerts", stdout=out)
    call_command("vehicle_alerts", stdout=out)
    assert out.getvalue().splitlines() == ["1 条新提醒", "0 条新提醒"]
