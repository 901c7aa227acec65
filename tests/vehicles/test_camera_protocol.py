"""The Vzenith camera protocol against the simulated camera, over real HTTP to a live server
(issue 14 §1): pushes, buffered records, no plate, bad pushes, the heartbeat and the barrier
lifted when the fee is paid at the booth. Runs on SQLite and, with DATABASE_URL, PostgreSQL."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest

from gatehouse.access.models import AccessEvent, DeviceRequest, Notice
from gatehouse.devices import outbox
from gatehouse.devices.adapters.vzenith import heartbeat, led, protocol
from gatehouse.devices.adapters.vzenith.simulator import SimulatedCamera
from gatehouse.devices.models import CommandKind, CommandState, Device, DeviceCommand
from gatehouse.devices.services import device_issue_camera_token, device_issue_key
from gatehouse.vehicles import services
from gatehouse.vehicles.models import ParkingSession, PlateCapture
from tests.conftest import NOW

PLATE = "京A12345"
SERIAL = "fe71e106-57263272"
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40 + b"\xff\xd9"

live = pytest.mark.django_db(transaction=True)


# --------------------------------------------------------------------------------------------
# The protocol's pieces, checked against the manual and integrators' published frames
# --------------------------------------------------------------------------------------------


def test_the_board_frames_are_the_ones_integrators_send():
    # A PHP parking system's published voice frame for "粤B12345,欢迎光临" (CRC-16/MODBUS).
    assert base64.b64encode(led.voice_frame("粤B12345,欢迎光临")) == (
        b"AGT//zASAdTBQjEyMzQ1LLu206254sHZapE="
    )
    raw = led.text_frame(1, "京A12345 欢迎回家", colour=led.RED)
    assert raw[:6] == bytes((0x00, 0x64, 0xFF, 0xFF, 0x62, len(raw) - 8))
    assert led.decode(raw) == led.Decoded(led.SHOW_TEXT, "京A12345 欢迎回家", 1)
    with pytest.raises(ValueError, match="CRC"):
        led.decode(raw[:-1] + bytes((raw[-1] ^ 1,)))
    # A text longer than a frame holds is cut on a character boundary.
    assert len(led.text_frame(0, "长" * 200)) <= 6 + 255 + 2


def test_a_push_is_read_with_colour_type_fake_flag_and_pictures():
    body = protocol.push(SERIAL, "粤B D12345", 9, NOW, colour=5, plate_type=24, picture=JPEG)
    body["AlarmInfoPlate"]["result"]["PlateResult"]["isFakePlate"] = 1
    del body["AlarmInfoPlate"]["result"]["PlateResult"]["is_fake_plate"]
    read = protocol.parse(body)
    assert (read.plate_id, read.colour, read.plate_type, read.fake) == (9, 5, 24, True)
    assert read.picture == JPEG and protocol.colour_name(read.colour) == "green"
    # A picture that is not base64 is dropped; the read stays.
    body["AlarmInfoPlate"]["result"]["PlateResult"]["imageFile"] = "not base64!"
    assert protocol.parse(body).picture == b""


def test_the_heartbeat_fields_are_read_from_the_manuals_own_example():
    # FAQ 4.4's body, as the manual prints it (not well-formed multipart).
    raw = (
        b'------------------------------cd9a1a32759bContent-Disposition: form-data; name="device_name"'
        b'IVS------------------------------cd9a1a32759bContent-Disposition: form-data; name="serialno"'
        b"fcb68a83-ee8409dd------------------------------cd9a1a32759b--"
    )
    fields = heartbeat.read_form("multipart/form-data", raw, {})
    assert fields["serialno"] == "fcb68a83-ee8409dd"
    assert heartbeat.read_form("application/json", b'{"serialno": "abc"}', {}) == {
        "serialno": "abc"
    }


def test_an_empty_heartbeat_reply_keeps_the_barrier_down():
    assert heartbeat.comet_reply([]) == {"Response_AlarmInfoPlate": {"info": "no"}}
    reply = heartbeat.comet_reply([("barrier.lift", {"io": 1}), ("barrier.lift", {})])
    inner = reply["Response_AlarmInfoPlate"]
    assert inner["ivs_ioctrl"] == {"delay": 500, "io": 1, "value": 2} and inner["info"] == "no"


# --------------------------------------------------------------------------------------------
# Against the live server
# --------------------------------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr("gatehouse.vehicles.api._clock", lambda: NOW)
    return NOW


def _camera(site, lane, manager, *, serial: str = SERIAL) -> tuple[Device, str]:
    device = Device.objects.create(
        site=site, lane=lane, name=f"相机{lane.pk}", kind="plate_camera", vendor="vzenith"
    )
    device_issue_key(device=device, actor=manager, now=NOW)
    token = device_issue_camera_token(device=device, actor=manager, now=NOW)
    Device.objects.filter(pk=device.pk).update(serial_no=serial)
    device.refresh_from_db()
    return device, token


@pytest.fixture
def entrance(site_a, manager_a, vlanes, clock, live_server, settings):
    settings.GATEHOUSE_CAMERA_POLL_HOLD_MS = 0  # empty heartbeats answered at once (see below)
    device, token = _camera(site_a, vlanes["garage/in"], manager_a)
    camera = SimulatedCamera(live_server.url, serial=SERIAL, token=token, first_id=1000)
    yield device, camera
    camera.close()


@pytest.fixture
def exit_camera(site_a, manager_a, vlanes, clock, live_server):
    device, token = _camera(site_a, vlanes["garage/out"], manager_a, serial="exit-0001")
    camera = SimulatedCamera(live_server.url, serial="exit-0001", token=token, first_id=5000)
    yield device, camera
    camera.close()


@live
def test_a_live_push_lifts_shows_and_speaks_and_keeps_the_evidence(entrance):
    # rule V-07: a temporary car enters the garage; the reply is the protocol's, not text
    device, camera = entrance
    reply = camera.see(PLATE, NOW, colour=2, plate_type=3, picture=JPEG, picture_small=b"crop")
    answer = reply["Response_AlarmInfoPlate"]
    assert answer["info"] == "ok" and answer["content"] == "retransfer_stop"
    assert answer["plateid"] == 1000 and answer["is_pay"] == "true"
    assert camera.board.lifts == 1
    event = AccessEvent.objects.get()
    assert (event.reason, event.plate, event.device_id) == (
        "vehicle.temporary_card",
        PLATE,
        device.pk,
    )
    assert camera.board.lines[0] == PLATE and camera.board.lines[1] == event.message
    assert camera.board.spoken == [event.message, event.message]  # the board and the camera
    capture = PlateCapture.objects.get(event=event)
    assert (capture.colour, capture.plate_type, capture.plate_type_label) == (
        "yellow",
        3,
        "单排黄牌",
    )
    assert bytes(capture.picture) == JPEG and bytes(capture.picture_small) == b"crop"
    assert (capture.offline, capture.late, capture.camera_serial) == (False, False, SERIAL)
    assert ParkingSession.objects.get().plate == PLATE
    device.refresh_from_db()
    assert device.last_seen_at == NOW


@live
def test_the_exit_shows_the_fee_on_the_led_and_keeps_the_barrier_down(entrance, exit_camera):
    # rule V-07 / PK-01: a temporary car pays the tariff at exit before the barrier opens
    _, camera_in = entrance
    camera_in.online = False  # the entry two hours ago reaches the server late
    camera_in.see(PLATE, NOW - timedelta(hours=2))
    assert camera_in.drain() == 1
    _, camera_out = exit_camera
    answer = camera_out.see(PLATE, NOW)["Response_AlarmInfoPlate"]
    assert answer["info"] == "no" and answer["is_pay"] == "false"
    assert camera_out.board.lifts == 0
    assert camera_out.board.lines[2] == "请缴费￥10.00"  # GBK has the full-width yen
    assert "请缴费¥10.00" in camera_out.board.spoken  # the camera speaks UTF-8


@live
def test_a_backlog_drains_completely_judged_at_its_own_time_and_never_lifts(entrance):
    # rule V-07: buffered records are passages that already happened
    _, camera = entrance
    camera.online = False
    plates = [f"京A{n:05d}" for n in range(40)]
    for i, plate in enumerate(plates):
        camera.see(plate, NOW - timedelta(hours=3, minutes=-i))
    assert camera.pushes == 0 and len(camera.buffer) == 40
    assert camera.drain() == 40 and not camera.buffer
    assert camera.board.lifts == 0 and camera.board.shown == [] and camera.board.spoken == []
    for reply in camera.replies:
        answer = reply["Response_AlarmInfoPlate"]
        assert "info" not in answer and answer["ContinuePushOffline"]["continue"] == 1
    assert AccessEvent.objects.count() == ParkingSession.objects.count() == 40
    first = ParkingSession.objects.get(plate=plates[0])
    assert first.entered_at == NOW - timedelta(hours=3)
    assert PlateCapture.objects.filter(offline=True).count() == 40


@live
def test_records_pushed_again_are_recorded_once(entrance):
    # rule V-07: the camera may send a buffered record twice (manual §2.1.2 item 7)
    _, camera = entrance
    camera.online = False
    for i in range(5):
        camera.see(f"京B{i:05d}", NOW - timedelta(minutes=30 - i))
    again = list(camera.buffer)
    assert camera.drain() == 5
    camera.buffer.extend(again)
    assert camera.drain() == 5
    assert AccessEvent.objects.count() == DeviceRequest.objects.count() == 5
    assert PlateCapture.objects.count() == 5


@live
def test_a_record_older_than_the_replay_window_is_recorded_and_flagged_late(entrance):
    # rule V-07: never refused with a 4xx the camera would retry for ever
    _, camera = entrance
    camera.online = False
    camera.see(PLATE, NOW - timedelta(days=9))
    camera.see("京C00001", NOW - timedelta(minutes=5))
    assert camera.drain() == 2
    late = PlateCapture.objects.get(license=PLATE)
    assert late.late and late.event.at == NOW - timedelta(days=9)
    assert not PlateCapture.objects.get(license="京C00001").late


@live
def test_no_plate_and_an_unreadable_plate_keep_the_barrier_down_and_tell_the_guard(entrance):
    # rule V-09: a vehicle without a plate is refused, registered and told to the monitoring
    _, camera = entrance
    for plate in ("_无_", "#?1"):
        answer = camera.see(plate, NOW)["Response_AlarmInfoPlate"]
        assert answer["info"] == "no" and answer["content"] == "retransfer_stop"
    assert camera.board.lifts == 0
    events = list(AccessEvent.objects.order_by("pk"))
    assert [e.outcome for e in events] == ["refuse", "refuse"]
    assert all(e.plate == services.NO_PLATE for e in events)
    assert Notice.objects.filter(audience="monitoring", event__in=events).count() == 2
    assert camera.board.lines[0] == services.NO_PLATE


@live
def test_malformed_pushes_are_answered_in_the_cameras_form_and_record_nothing(entrance):
    _, camera = entrance
    client = camera.client
    not_json = client.post(
        camera.push_url, content=b"{nope", headers={"Content-Type": "text/plain"}
    )
    assert not_json.status_code == 200
    answer = not_json.json()["Response_AlarmInfoPlate"]
    assert (answer["info"], answer["content"], answer["error"]["code"]) == (
        "no",
        "retransfer_stop",
        "camera.json",
    )
    no_plate_result = client.post(camera.push_url, json={"AlarmInfoPlate": {"serialno": SERIAL}})
    assert no_plate_result.json()["Response_AlarmInfoPlate"]["error"]["code"] == "camera.payload"
    assert not AccessEvent.objects.exists() and not DeviceRequest.objects.exists()


@live
def test_another_cameras_serial_is_refused_and_its_backlog_stays_on_the_camera(entrance):
    _, camera = entrance
    camera.serial = "someone-else"
    answer = camera.see(PLATE, NOW)["Response_AlarmInfoPlate"]
    assert answer["info"] == "no" and answer["error"]["code"] == "camera.serial"
    camera.online = False
    camera.see("京D00001", NOW - timedelta(minutes=3))
    assert camera.drain() == 0 and len(camera.buffer) == 1
    reply = camera.replies[-1]["Response_AlarmInfoPlate"]
    assert "ContinuePushOffline" not in reply and reply["error"]["code"] == "camera.serial"
    assert not AccessEvent.objects.exists()
    assert camera.board.lifts == 0


@live
def test_the_heartbeat_delivers_the_outbox_once(entrance):
    device, camera = entrance
    assert camera.poll() == {"Response_AlarmInfoPlate": {"info": "no"}}
    outbox.enqueue(device=device, kind=CommandKind.SHOW_TEXT, now=NOW, payload={"text": "欢迎"})
    outbox.enqueue(device=device, kind=CommandKind.PLAY_VOICE, now=NOW, payload={"voice": "请通行"})
    outbox.enqueue(device=device, kind=CommandKind.BARRIER_LIFT, now=NOW, payload={})
    answer = camera.poll()["Response_AlarmInfoPlate"]
    assert answer["info"] == "ok" and camera.board.lifts == 1
    assert camera.board.lines[0] == "欢迎" and camera.board.spoken == ["请通行", "请通行"]
    assert camera.poll() == {"Response_AlarmInfoPlate": {"info": "no"}}
    assert camera.board.lifts == 1
    states = set(DeviceCommand.objects.values_list("state", flat=True))
    assert states == {CommandState.DONE}
    device.refresh_from_db()
    assert device.last_seen_at == NOW


@live
def test_a_heartbeat_from_another_serial_takes_nothing(entrance):
    device, camera = entrance
    outbox.enqueue(device=device, kind=CommandKind.BARRIER_LIFT, now=NOW)
    camera.serial = "someone-else"
    answer = camera.poll()["Response_AlarmInfoPlate"]
    assert answer["error"]["code"] == "camera.serial" and camera.board.lifts == 0
    assert DeviceCommand.objects.get().state == CommandState.QUEUED


@live
def test_the_fee_paid_at_the_booth_lifts_the_exit_barrier_on_the_next_heartbeat(
    entrance, exit_camera, vlanes, guard_a
):
    # rule V-07 / PK-01: paid at the booth, the exit camera lifts without another read
    _, camera_in = entrance
    camera_in.online = False  # the entry two hours ago reaches the server late
    camera_in.see(PLATE, NOW - timedelta(hours=2))
    assert camera_in.drain() == 1
    exit_device, camera_out = exit_camera
    camera_out.see(PLATE, NOW)  # the barrier stays down: the fee is due
    session = ParkingSession.objects.get(plate=PLATE)
    paid = services.session_pay(
        session=session, lane=vlanes["garage/out"], method="cash", guard=guard_a, now=NOW
    )
    assert paid == 1000
    command = DeviceCommand.objects.get(device=exit_device)
    assert (command.kind, command.state) == (CommandKind.BARRIER_LIFT, CommandState.QUEUED)
    assert camera_out.board.lifts == 0
    camera_out.poll()
    assert camera_out.board.lifts == 1
    assert camera_out.board.lines == {0: PLATE, 1: "已缴费￥10.00", 2: "一路顺风"}


def test_a_payment_that_fails_queues_no_lift(site_a, manager_a, vlanes, guard_a):
    # rule V-07: no payment, no lift (the lift is queued in the payment's transaction)
    _camera(site_a, vlanes["garage/out"], manager_a)
    session = ParkingSession.objects.create(
        site=site_a, plate=PLATE, kind="temporary", entered_at=NOW - timedelta(minutes=5)
    )
    with pytest.raises(services.DomainError):
        services.session_pay(
            session=session, lane=vlanes["garage/out"], method="barter", guard=guard_a, now=NOW
        )
    assert not DeviceCommand.objects.exists()


def test_pictures_are_purged_after_their_days(site_a, manager_a, vlanes, settings):
    from django.core.management import call_command

    from gatehouse.audit.models import AuditEntry
    from gatehouse.vehicles.cameras import camera_push

    settings.GATEHOUSE_PLATE_PICTURE_DAYS = 90
    device, _ = _camera(site_a, vlanes["garage/in"], manager_a)
    old, new = NOW - timedelta(days=91), NOW - timedelta(days=89)
    for pid, at in ((1, old), (2, new)):
        camera_push(
            device=device,
            body=protocol.push(SERIAL, f"京E0000{pid}", pid, at, picture=JPEG),
            now=at,
        )
    call_command("purge_plate_pictures", now=NOW.isoformat())
    purged = PlateCapture.objects.get(license="京E00001")
    kept = PlateCapture.objects.get(license="京E00002")
    assert bytes(purged.picture) == b"" and purged.picture_purged_at == NOW
    assert bytes(kept.picture) == JPEG and kept.picture_purged_at is None
    assert purged.colour == "blue"  # the rest of the evidence stays
    assert AuditEntry.objects.filter(action="plate_picture.purge").count() == 1


def test_the_admin_shows_a_capture_with_its_picture(client, site_a, manager_a, vlanes):
    from django.http import HttpRequest
    from django.urls import reverse

    from gatehouse.vehicles.cameras import camera_push

    device, _ = _camera(site_a, vlanes["garage/in"], manager_a)
    camera_push(device=device, body=protocol.push(SERIAL, PLATE, 1, NOW, picture=JPEG), now=NOW)
    capture = PlateCapture.objects.get()
    assert client.login(request=HttpRequest(), username="manager_a", password="pass-1234")
    page = client.get(reverse("admin:vehicles_platecapture_change", args=[capture.pk]))
    assert page.status_code == 200
    assert base64.b64encode(JPEG).decode() in page.content.decode()
    listing = client.get(reverse("admin:vehicles_platecapture_changelist")).content.decode()
    assert PLATE in listing


@live
def test_simulate_camera_drives_the_simulator_over_http(entrance, live_server):
    # rule V-07: the command plays the camera over HTTP, backlog and heartbeat included
    from io import StringIO

    from django.core.management import call_command

    device, camera = entrance
    token = camera.push_url.rsplit("/", 2)[-2]
    out = StringIO()
    call_command(
        "simulate_camera",
        url=live_server.url,
        token=token,
        serial=SERIAL,
        offline=3,
        plate=[PLATE],
        heartbeats=1,
        period=0,
        stdout=out,
    )
    text = out.getvalue()
    assert "离线补传：3/3" in text and '"info": "ok"' in text
    assert AccessEvent.objects.filter(device=device).count() == 4


def test_a_device_that_is_no_camera_takes_nothing_on_the_heartbeat(site_a, manager_a, vlanes):
    from gatehouse.vehicles.cameras import heartbeat_reply

    device, _ = _camera(site_a, vlanes["garage/in"], manager_a)
    Device.objects.filter(pk=device.pk).update(kind="face_terminal")
    device.refresh_from_db()
    outbox.enqueue(device=device, kind=CommandKind.DOOR_OPEN, now=NOW)
    reply = heartbeat_reply(device=device, fields={"serialno": SERIAL}, now=NOW)
    assert reply["Response_AlarmInfoPlate"]["error"]["code"] == "camera.kind"
    assert DeviceCommand.objects.get().state == CommandState.QUEUED


@live
def test_an_empty_heartbeat_is_held_and_a_lift_queued_meanwhile_goes_out_at_once(
    site_a, manager_a, vlanes, settings, monkeypatch
):
    # A comet camera polls again as soon as it is answered: an empty poll is held (about once a
    # second), and a lift queued during the hold leaves with it.
    import threading
    import time

    from django.db import connection

    from gatehouse.vehicles import cameras
    from gatehouse.vehicles.cameras import heartbeat_reply

    device, _ = _camera(site_a, vlanes["garage/out"], manager_a)
    settings.GATEHOUSE_CAMERA_POLL_HOLD_MS = 3000
    # The test database is SQLite's shared in-memory cache, whose table locks fail at once
    # instead of waiting: the hold's look and the payer's write take turns here (a file
    # database, or PostgreSQL, lets them overlap).
    turns = threading.Lock()
    look = cameras._queued

    def queued_in_turn(device):
        with turns:
            return look(device)

    monkeypatch.setattr(cameras, "_queued", queued_in_turn)

    def pay_meanwhile() -> None:
        threading.Event().wait(0.4)
        with turns:
            outbox.enqueue(device=device, kind=CommandKind.BARRIER_LIFT, now=NOW)
        connection.close()

    payer = threading.Thread(target=pay_meanwhile)
    payer.start()
    started = time.monotonic()
    reply = heartbeat_reply(device=device, fields={"serialno": SERIAL}, now=NOW)
    took = time.monotonic() - started
    payer.join()
    assert reply["Response_AlarmInfoPlate"]["info"] == "ok"
    assert 0.4 <= took < 2.0
    settings.GATEHOUSE_CAMERA_POLL_HOLD_MS = 300
    started = time.monotonic()
    empty = heartbeat_reply(device=device, fields={"serialno": SERIAL}, now=NOW)
    assert empty == {"Response_AlarmInfoPlate": {"info": "no"}}
    assert time.monotonic() - started >= 0.3
