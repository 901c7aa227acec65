"""An edge's own page under /devices/ (issue 15 §Health): its health, the alarms it raised and
the journal entries the server refused and keeps."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from gatehouse.core.errors import InvalidInput
from gatehouse.devices.models import Device
from gatehouse.devices.services import device_issue_key
from gatehouse.edge.models import EdgeStatus
from gatehouse.edge.services import AlarmIn, edge_alarms, keep_rejection
from tests.conftest import NOW


def test_edge_page_shows_health_alarms_and_refused_entries(client, site_a, manager_a, manager_b):
    # rule §12: what a gate decided but the server could not record stays visible
    edge = Device.objects.create(site=site_a, name="东门边缘网关", kind="edge")
    device_issue_key(device=edge, actor=manager_a, now=NOW - timedelta(days=1))
    EdgeStatus.objects.create(
        device=edge,
        served_at=NOW - timedelta(minutes=1),
        served_kind="delta",
        cursor=88,
        reported_at=NOW - timedelta(minutes=1),
        pending=4,
        rejected=1,
        snapshot_issued_at=NOW - timedelta(minutes=30),
        fire=False,
    )
    edge_alarms(
        edge=edge,
        alarms=[AlarmIn(7, "snapshot.expired", "本地通行名单已过期", NOW - timedelta(minutes=2))],
        now=NOW,
    )
    entry = {
        "seq": 12,
        "device_id": 5,
        "at": NOW.isoformat(),
        "request": {"lane": "east/walk-in", "credential": {"kind": "card", "value": "0A1B2C3D"}},
        "decision": {"reason": "resident.card"},
    }
    keep_rejection(edge, 12, entry, InvalidInput("device.unknown", "本场所没有这台设备"), NOW)
    client.force_login(manager_a)
    body = client.get(reverse("devices:detail", args=[edge.pk])).content.decode()
    health = body[body.index('data-testid="edge-health"') :].split("</dl>")[0]
    assert "游标 88" in health and "（30 分钟前）" in health and "关闭" in health
    assert "未处理的被拒记录 1 条" in health  # counts the unhandled ones
    assert "snapshot.expired" in body and "本地通行名单已过期" in body
    row = body[body.index('data-testid="rejection-') :].split("</tr>")[0]
    assert "device.unknown" in row and "本场所没有这台设备" in row and ">12<" in row
    assert "0A1B2C3D" not in body  # the card number is kept masked
    client.force_login(manager_b)
    assert client.get(reverse("devices:detail", args=[edge.pk])).status_code == 404
