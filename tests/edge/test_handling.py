"""The edge's page (``/devices/<id>/``, issue 15): the monitoring centre or the security manager
marks each alarm and each refused journal entry handled with a short note. Who and when are
kept and audited, the notice is acknowledged with it, handled rows fold away but stay listed,
and the devices page and the board count only unhandled ones."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from gatehouse.access.models import Notice
from gatehouse.audit.models import AuditEntry
from gatehouse.core.errors import InvalidInput
from gatehouse.devices.models import Device
from gatehouse.edge import services
from gatehouse.edge.models import EdgeAlarm, EdgeRejection, EdgeStatus
from tests.conftest import NOW, _user


@pytest.fixture
def edge(edge_device) -> Device:
    return edge_device[0]


@pytest.fixture
def alarm(edge) -> EdgeAlarm:
    services.edge_alarms(
        edge=edge,
        alarms=[
            services.AlarmIn(
                seq=7,
                code="snapshot.expired",
                message="本地通行名单已过期",
                at=NOW - timedelta(hours=1),
            )
        ],
        now=NOW - timedelta(minutes=50),
    )
    return EdgeAlarm.objects.get(edge=edge, seq=7)


@pytest.fixture
def rejection(edge) -> EdgeRejection:
    entry = {"seq": 3, "device_id": 999, "request": {}, "at": NOW.isoformat(), "decision": {}}
    error = InvalidInput("device.unknown", "本场所没有这台设备")
    services.keep_rejection(edge, 3, entry, error, NOW - timedelta(minutes=40))
    return EdgeRejection.objects.get(edge=edge, seq=3)


@pytest.fixture
def monitor(site_a):
    return _user("monitor_edge", site=site_a, role="monitoring")


def page(client, edge) -> str:
    return client.get(reverse("devices:detail", args=[edge.pk])).content.decode()


def test_the_monitoring_centre_marks_an_alarm_handled(client, edge, alarm, monitor):
    # rule S-06: the monitoring centre follows each alarm to its end; the step is audited
    client.force_login(monitor)
    body = page(client, edge)
    row = body[body.index(f'data-testid="alarm-{alarm.pk}"') :].split("</tr>")[0]
    assert "标记已处理" in row and "处理说明" in row
    url = reverse("devices:alarm_handle", args=[alarm.pk])
    response = client.post(url, {"note": "  已到现场，网关重新获取名单  "})
    assert response.status_code == 302 and response.url == reverse("devices:detail", args=[edge.pk])

    alarm.refresh_from_db()
    assert alarm.handled_by == monitor and alarm.handled_note == "已到现场，网关重新获取名单"
    assert alarm.handled_at is not None
    notice = Notice.objects.get(pk=alarm.notice_id)
    assert (notice.acknowledged_by, notice.acknowledged_at) == (monitor, alarm.handled_at)
    entry = AuditEntry.objects.get(action="edge.alarm_handle")
    assert (entry.actor, entry.object_id, entry.site_id) == (monitor, str(alarm.pk), edge.site_id)
    assert entry.before["handled_at"] is None and entry.after["handled_note"] == alarm.handled_note

    # folded away, still listed, with who and the note
    body = page(client, edge)
    folded = body[body.index('data-testid="alarms-handled"') :].split("</details>")[0]
    assert "已处理的告警 1 条" in folded and "monitor_edge" in folded
    assert "已到现场，网关重新获取名单" in folded and "snapshot.expired" in folded
    assert 'data-testid="edge-alarms"' not in body and "没有未处理的告警" in body


def test_a_refused_entry_is_marked_handled_and_leaves_the_counts(
    client, edge, rejection, alarm, manager_a
):
    EdgeStatus.objects.create(device=edge, reported_at=NOW, rejected=1, pending=0)
    client.force_login(manager_a)
    devices = client.get(reverse("devices:index")).content.decode()
    row = devices[devices.index(f'data-testid="edge-{edge.pk}"') :].split("</tr>")[0]
    assert "未处理的被拒记录 1 条" in row and "未处理的告警 1 条" in row
    board = client.get(reverse("guard:board")).content.decode()
    assert f'data-testid="edge-{edge.pk}"' in board

    url = reverse("devices:rejection_handle", args=[rejection.pk])
    assert client.post(url, {"note": "人工补录通行记录"}).status_code == 302
    client.post(reverse("devices:alarm_handle", args=[alarm.pk]), {"note": "已核实"})
    rejection.refresh_from_db()
    assert rejection.handled_by == manager_a and rejection.handled_note == "人工补录通行记录"
    assert AuditEntry.objects.filter(action="edge.rejection_handle", actor=manager_a).count() == 1

    devices = client.get(reverse("devices:index")).content.decode()
    row = devices[devices.index(f'data-testid="edge-{edge.pk}"') :].split("</tr>")[0]
    assert "未处理的被拒记录" not in row and "未处理的告警" not in row
    assert 'edge-rejected refuse">1<' in row  # what the edge itself reports stays shown
    board = client.get(reverse("guard:board")).content.decode()
    assert f'data-testid="edge-{edge.pk}"' not in board  # nothing left to attend to
    body = page(client, edge)
    folded = body[body.index('data-testid="rejections-handled"') :].split("</details>")[0]
    assert "已处理的被拒记录 1 条" in folded and "device.unknown" in folded


@pytest.mark.parametrize("note", ["", "   ", "\u200b", "长" * 201])
def test_a_note_is_required_and_short(client, edge, alarm, monitor, note):
    client.force_login(monitor)
    response = client.post(reverse("devices:alarm_handle", args=[alarm.pk]), {"note": note})
    assert response.status_code == 422
    body = response.content.decode()
    row = body[body.index(f'data-testid="alarm-{alarm.pk}"') :].split("</tr>")[0]
    assert "field-error" in row  # the error shows on the row it came from
    alarm.refresh_from_db()
    assert alarm.handled_at is None and not AuditEntry.objects.filter(action="edge.alarm_handle")
    assert Notice.objects.get(pk=alarm.notice_id).acknowledged_at is None


def test_an_item_is_handled_once(client, edge, alarm, monitor):
    client.force_login(monitor)
    url = reverse("devices:alarm_handle", args=[alarm.pk])
    client.post(url, {"note": "已处理"})
    again = client.post(url, {"note": "再处理一次"})
    assert again.status_code == 422 and "这一条已经处理过了" in again.content.decode()
    alarm.refresh_from_db()
    assert alarm.handled_note == "已处理"
    assert AuditEntry.objects.filter(action="edge.alarm_handle").count() == 1


def test_only_the_board_roles_of_the_site_may_handle(
    client, edge, alarm, rejection, guard_a, manager_b
):
    client.force_login(guard_a)
    assert client.get(reverse("devices:detail", args=[edge.pk])).status_code == 403
    url = reverse("devices:alarm_handle", args=[alarm.pk])
    assert client.post(url, {"note": "门岗处理"}).status_code == 403
    client.force_login(manager_b)  # another site's manager: not found at their site
    assert client.post(url, {"note": "别的场所"}).status_code == 404
    url = reverse("devices:rejection_handle", args=[rejection.pk])
    assert client.post(url, {"note": "别的场所"}).status_code == 404
    assert not EdgeAlarm.objects.filter(handled_at__isnull=False).exists()
    assert not EdgeRejection.objects.filter(handled_at__isnull=False).exists()


def test_the_service_refuses_a_user_without_the_role(edge, alarm, guard_a):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.edge_item_handle(item=alarm, actor=guard_a, note="门岗", now=NOW)
    alarm.refresh_from_db()
    assert alarm.handled_at is None
