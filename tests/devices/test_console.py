"""The devices page, the remote open of the booth and the board, and the offline alarm
(issue 14 §3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from gatehouse.access.models import Notice
from gatehouse.audit.models import AuditEntry
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.devices import alarms, commands, outbox, selectors
from gatehouse.devices.models import CommandKind, CommandState, Device, DeviceCommand
from tests.conftest import NOW
from tests.devices.conftest import live_device

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


# -- open_lane -----------------------------------------------------------------------------------


def test_open_lane_queues_a_door_open_for_a_people_lane_and_audits_who(
    guard_a, walk_in_a, door_a, camera_a
):
    (command,) = commands.open_lane(lane=walk_in_a, actor=guard_a, now=NOW, reason="门岗远程开门")
    assert command.kind == CommandKind.DOOR_OPEN and command.device == door_a
    assert command.state == CommandState.QUEUED and command.created_by == guard_a
    assert command.expires_at == NOW + outbox.ONE_SHOT_TTL  # never opens a minute late
    entry = AuditEntry.objects.get(action="device.open_lane")
    assert entry.actor == guard_a and entry.object_id == str(walk_in_a.pk)
    assert entry.after == {"kind": "door.open", "reason": "门岗远程开门", "commands": [command.pk]}


def test_open_lane_lifts_the_barrier_of_a_vehicle_lane(monitor_a, lanes_a, door_a, camera_a):
    (command,) = commands.open_lane(
        lane=lanes_a["east/motor-in"], actor=monitor_a, now=NOW, reason="监控中心远程开门"
    )
    assert command.kind == CommandKind.BARRIER_LIFT and command.device == camera_a


def test_open_lane_without_a_live_device_is_refused_and_writes_nothing(
    guard_a, manager_a, walk_out_a, walk_in_a, door_a
):
    with pytest.raises(DomainError) as refused:
        commands.open_lane(lane=walk_out_a, actor=guard_a, now=NOW, reason="")
    assert refused.value.code == "device.none_on_lane"
    # A revoked device opens nothing either.
    Device.objects.filter(pk=door_a.pk).update(revoked_at=NOW)
    with pytest.raises(DomainError):
        commands.open_lane(lane=walk_in_a, actor=guard_a, now=NOW, reason="")
    assert not DeviceCommand.objects.exists()
    assert not AuditEntry.objects.filter(action="device.open_lane").exists()


def test_booth_open_button_queues_and_follows_the_command(
    client, guard_a, walk_in_a, door_a, terminal
):
    client.force_login(guard_a)
    page = client.get(reverse("booth:index")).content.decode()
    assert f'data-testid="open-lane-{walk_in_a.pk}"' in page and "开门 · " in page
    url = reverse("devices:open_lane", args=[walk_in_a.pk])
    response = client.post(url, {"where": "booth"}, **HX)
    assert response.status_code == 200
    (command,) = DeviceCommand.objects.all()
    assert command.reason == "门岗远程开门" and command.created_by == guard_a
    body = response.content.decode()
    assert "开门指令已排队" in body and f"ids={command.pk}" in body and "every 2s" in body
    later = command.created_at + timedelta(seconds=1)
    outbox.deliver_due(now=lambda: later, drivers={"fake": terminal})
    follow = client.get(reverse("devices:command_states"), {"ids": str(command.pk)}, **HX)
    text = follow.content.decode()
    assert "已开门" in text and "every 2s" not in text  # settled: the polling stops


def test_a_lane_is_openable_by_its_live_device_even_beside_a_keyless_one(
    site_a, walk_in_a, walk_out_a, door_a, camera_a, lanes_a
):
    Device.objects.create(site=site_a, lane=walk_in_a, name="旧闸机", kind="turnstile")
    Device.objects.create(site=site_a, lane=walk_out_a, name="出口闸机", kind="turnstile")
    lanes = selectors.openable_lanes(site_a)
    assert lanes == [lanes_a["east/motor-in"], walk_in_a]  # not the keyless exit


def test_booth_open_of_a_lane_without_device_answers_422(client, guard_a, walk_out_a, door_a):
    client.force_login(guard_a)
    response = client.post(reverse("devices:open_lane", args=[walk_out_a.pk]), **HX)
    assert response.status_code == 422
    assert "没有可远程开启的在用设备" in response.content.decode()
    assert not DeviceCommand.objects.exists()


def test_open_of_another_sites_lane_is_404_and_a_resident_403(
    client, guard_b, resident_user_a, walk_in_a, door_a, lanes_a
):
    client.force_login(guard_b)
    assert client.post(reverse("devices:open_lane", args=[walk_in_a.pk])).status_code in (403, 404)
    client.force_login(resident_user_a)
    assert client.post(reverse("devices:open_lane", args=[walk_in_a.pk])).status_code == 403
    assert not DeviceCommand.objects.exists()


def test_command_states_leave_out_another_sites_commands(
    client, guard_b, site_b, guard_a, walk_in_a, door_a
):
    (command,) = commands.open_lane(lane=walk_in_a, actor=guard_a, now=NOW, reason="x")
    client.force_login(guard_b)
    body = client.get(reverse("devices:command_states"), {"ids": str(command.pk)}).content
    assert door_a.name not in body.decode()


# -- the devices page ----------------------------------------------------------------------------


def test_devices_page_lists_the_sites_devices_with_status_and_lag(
    client, monitor_a, site_a, site_b, manager_b, walk_in_a, door_a, camera_a, guard_a
):
    foreign = Device.objects.create(site=site_b, name="西岭大门终端", kind="face_terminal")
    commands.open_lane(lane=walk_in_a, actor=guard_a, now=NOW - timedelta(minutes=3), reason="x")
    failed = outbox.enqueue(device=door_a, kind=CommandKind.PERSON_SYNC, now=NOW, subject="p:1")
    DeviceCommand.objects.filter(pk=failed.pk).update(state=CommandState.FAILED)
    client.force_login(monitor_a)
    body = client.get(reverse("devices:index")).content.decode()
    assert foreign.name not in body
    door_row = body[body.index(f'data-testid="device-{door_a.pk}"') :].split("</tr>")[0]
    assert "东门人脸终端" in door_row and "人脸识别终端" in door_row and "东门walk-in" in door_row
    assert "在线" in door_row and "离线" not in door_row
    assert 'class="device-waiting">1<' in door_row and "3 分钟" in door_row
    camera_row = body[body.index(f'data-testid="device-{camera_a.pk}"') :].split("</tr>")[0]
    assert "离线" in camera_row and "从未通信" in camera_row
    # The fragment for the poll.
    fragment = client.get(reverse("devices:index"), **HX).content.decode()
    assert "<html" not in fragment and f"device-{door_a.pk}" in fragment


def test_device_page_shows_recent_commands_with_state_and_error(
    client, manager_a, guard_a, walk_in_a, door_a, terminal, site_b, manager_b
):
    commands.open_lane(lane=walk_in_a, actor=guard_a, now=NOW, reason="门岗远程开门")
    terminal.fail = outbox.Refused("设备拒绝：门已常闭")
    outbox.deliver_due(now=lambda: NOW, drivers={"fake": terminal})
    client.force_login(manager_a)
    body = client.get(reverse("devices:detail", args=[door_a.pk])).content.decode()
    assert "远程开门" in body and "门岗远程开门" in body and "设备拒绝：门已常闭" in body
    assert "失败" in body and "guard_a" in body
    client.force_login(manager_b)
    assert client.get(reverse("devices:detail", args=[door_a.pk])).status_code == 404


def test_devices_page_is_for_monitoring_and_managers(client, guard_a, desk_a, monitor_a, site_a):
    for user, status in ((guard_a, 403), (desk_a, 403), (monitor_a, 200)):
        client.force_login(user)
        assert client.get(reverse("devices:index")).status_code == status
    client.force_login(monitor_a)
    assert "设备状态" in client.get(reverse("console:home")).content.decode()


def test_manager_sets_the_offline_minutes_validated_and_audited(
    client, manager_a, monitor_a, site_a
):
    client.force_login(monitor_a)
    url = reverse("devices:offline_minutes")
    assert client.post(url, {"minutes": "9"}).status_code == 403
    client.force_login(manager_a)
    bad = client.post(url, {"minutes": "0"})
    assert bad.status_code == 422 and "1 至 1440 分钟" in bad.content.decode()
    site_a.refresh_from_db()
    assert site_a.device_offline_minutes == 5
    assert client.post(url, {"minutes": "9"}).status_code == 302
    site_a.refresh_from_db()
    assert site_a.device_offline_minutes == 9
    entry = AuditEntry.objects.get(action="site.device_offline_minutes")
    assert entry.before == {"device_offline_minutes": 5} and entry.actor == manager_a
    with pytest.raises(InvalidInput):
        alarms.offline_minutes_set(site=site_a, actor=manager_a, minutes=2000, now=NOW)


# -- the offline alarm ---------------------------------------------------------------------------


def _alerts():
    return list(Notice.objects.filter(kind=alarms.KIND).order_by("id"))


def test_an_offline_device_alerts_the_monitoring_centre_once_per_outage(site_a, door_a):
    # Within the site's five minutes: online, no alert.
    assert alarms.devices_check(now=NOW + timedelta(minutes=5)).raised == []
    later = NOW + timedelta(minutes=6)
    checked = alarms.devices_check(now=later)
    assert checked.raised == ["东门人脸终端"] and checked.offline == 1
    (alert,) = _alerts()
    assert alert.audience == "monitoring" and alert.acknowledged_at is None
    assert "设备离线：东门人脸终端" in alert.message and "6 分钟" in alert.message
    assert AuditEntry.objects.filter(action="device.offline_alert").count() == 1
    # Every later round finds the alert it raised: still one.
    for minutes in (7, 30, 600):
        assert alarms.devices_check(now=NOW + timedelta(minutes=minutes)).raised == []
    assert len(_alerts()) == 1
    # The device is heard from again: the alert is cleared.
    back = NOW + timedelta(minutes=40)
    Device.objects.filter(pk=door_a.pk).update(last_seen_at=back)
    assert alarms.devices_check(now=back).cleared == ["东门人脸终端"]
    (alert,) = _alerts()
    assert alert.acknowledged_at == back
    assert AuditEntry.objects.filter(action="device.online_again").count() == 1
    # A new silence is a new outage and a new alert.
    checked = alarms.devices_check(now=back + timedelta(minutes=6))
    assert checked.raised == ["东门人脸终端"] and len(_alerts()) == 2


def test_the_sites_setting_decides_when_a_device_is_offline(site_a, door_a):
    site_a.device_offline_minutes = 30
    site_a.save(update_fields=["device_offline_minutes"])
    assert alarms.devices_check(now=NOW + timedelta(minutes=20)).raised == []
    assert alarms.devices_check(now=NOW + timedelta(minutes=31)).raised == ["东门人脸终端"]


def test_a_device_never_heard_from_counts_from_its_key_and_a_keyless_one_not(
    site_a, lanes_a, manager_a, walk_in_a
):
    Device.objects.create(site=site_a, lane=walk_in_a, name="未启用闸机", kind="turnstile")
    camera = live_device(
        site_a, lanes_a["east/motor-in"], "东门车牌相机", "plate_camera", manager_a
    )
    assert camera.last_seen_at is None and camera.key_issued_at == NOW
    assert alarms.devices_check(now=NOW + timedelta(minutes=4)).raised == []
    checked = alarms.devices_check(now=NOW + timedelta(minutes=6))
    assert checked.raised == ["东门车牌相机"]
    assert "从未通信" in _alerts()[0].message


def _silent_for_ten_minutes(device):
    Device.objects.filter(pk=device.pk).update(last_seen_at=NOW - timedelta(minutes=10))


def test_check_devices_command_and_the_worker_round_raise_the_alert(site_a, door_a, capsys):
    _silent_for_ten_minutes(door_a)
    call_command("check_devices")
    assert "offline: 东门人脸终端" in capsys.readouterr().out
    call_command("run_scheduler", "--once")
    call_command("run_tasks", "--once")
    call_command("check_devices")
    assert len(_alerts()) == 1


def test_the_scheduled_job_checks_the_devices(site_a, door_a):
    _silent_for_ten_minutes(door_a)
    call_command("run_scheduler", "--once")
    call_command("run_tasks", "--once")
    from gatehouse.jobs.models import JobRun

    assert JobRun.objects.get(job="check_devices").summary.startswith("offline 1, raised 1")
    assert len(_alerts()) == 1


# -- the monitoring board ------------------------------------------------------------------------


def test_the_board_shows_offline_devices_lag_and_opens_a_lane(
    client, monitor_a, site_a, walk_in_a, door_a, camera_a, guard_a
):
    outbox.enqueue(
        device=door_a, kind=CommandKind.PERSON_SYNC, now=NOW - timedelta(minutes=5), subject="p:1"
    )
    client.force_login(monitor_a)
    body = client.get(reverse("guard:board"), **HX).content.decode()
    assert f'data-testid="offline-{camera_a.pk}"' in body  # never heard from
    assert f'data-testid="offline-{door_a.pk}"' not in body
    assert f'data-testid="lagging-{door_a.pk}"' in body and "待下发 1 条" in body
    assert f'data-testid="board-open-{walk_in_a.pk}"' in body
    response = client.post(reverse("guard:board_open", args=[walk_in_a.pk]), **HX)
    assert response.status_code == 200
    command = DeviceCommand.objects.get(kind=CommandKind.DOOR_OPEN)
    assert command.reason == "监控中心远程开门" and command.created_by == monitor_a
    assert AuditEntry.objects.get(action="device.open_lane").actor == monitor_a
    text = response.content.decode()
    assert "最近远程开门" in text and "开门指令已排队" in text


def test_selectors_online_rule(site_a, door_a):
    assert selectors.is_online(door_a, site_a, NOW + timedelta(minutes=5))
    assert not selectors.is_online(door_a, site_a, NOW + timedelta(minutes=5, seconds=1))


def test_the_setting_is_in_the_admins_site_form(client, superuser, site_a):
    client.force_login(superuser)
    page = client.get(reverse("admin:sites_site_change", args=[site_a.pk])).content.decode()
    assert 'name="device_offline_minutes"' in page and "设备离线告警（分钟）" in page
