"""An edge's health on the server (issue 15 §Health): what it reports with every snapshot
request (``X-Edge-*`` headers) and what the server handed it last, kept per edge and shown on the
devices page and the monitoring board."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from gatehouse.edge.models import EdgeStatus
from gatehouse.edge.services import read_report
from tests.api.conftest import ApiClient, assert_error_shape
from tests.conftest import NOW, _user

ISSUED = (NOW - timedelta(minutes=42)).isoformat()
REPORT = {
    "X-Edge-Pending": "17",
    "X-Edge-Rejected": "2",
    "X-Edge-Snapshot-Issued-At": ISSUED,
    "X-Edge-Fire": "1",
}


@pytest.fixture
def edge_api(edge_device, frozen_now) -> ApiClient:
    return ApiClient(headers={"X-Device-Key": edge_device[1]})


def test_snapshot_request_keeps_the_edges_report_and_what_it_was_handed(edge_api, edge_device):
    # rule §12: a gate's backlog and refusals are visible on the server
    response = edge_api.get("/edge/snapshot", **REPORT)
    assert response.status_code == 200
    cursor = json.loads(response.json()["payload"])["cursor"]
    status = EdgeStatus.objects.get(device=edge_device[0])
    assert (status.pending, status.rejected, status.fire) == (17, 2, True)
    assert status.snapshot_issued_at == NOW - timedelta(minutes=42)
    assert (status.served_at, status.served_kind, status.cursor) == (NOW, "full", cursor)
    assert status.reported_at == NOW
    # a delta afterwards: the cursor follows, an empty issue time says "no snapshot held"
    edge_api.get("/edge/snapshot", {"since": cursor}, **{"X-Edge-Snapshot-Issued-At": ""})
    status.refresh_from_db()
    assert (status.served_kind, status.cursor, status.snapshot_issued_at) == ("delta", cursor, None)
    assert status.pending == 17  # not sent this time: left as it was


def test_malformed_report_values_are_ignored_never_an_error(edge_api, edge_device):
    edge_api.get("/edge/snapshot", **REPORT)
    bad = {
        "X-Edge-Pending": "-3",
        "X-Edge-Rejected": "lots",
        "X-Edge-Snapshot-Issued-At": "2026-11-24T09:00:00",  # no offset
        "X-Edge-Fire": "yes",
    }
    response = edge_api.get("/edge/snapshot", **bad)
    assert response.status_code == 200
    status = EdgeStatus.objects.get(device=edge_device[0])
    assert (status.pending, status.rejected, status.fire) == (17, 2, True)
    assert status.snapshot_issued_at == NOW - timedelta(minutes=42)


def test_read_report_reads_only_well_formed_values():
    assert read_report({}) == {}
    assert read_report({"X-Edge-Pending": " 5 ", "X-Edge-Fire": "0"}) == {
        "pending": 5,
        "fire": False,
    }
    assert read_report({"X-Edge-Pending": "١٢", "X-Edge-Rejected": "9" * 70}) == {}
    assert read_report({"X-Edge-Snapshot-Issued-At": "tomorrow"}) == {}


def test_a_non_edge_key_reports_nothing(turnstile_key, frozen_now):
    _device, key = turnstile_key
    response = ApiClient(headers={"X-Device-Key": key}).get("/edge/snapshot", **REPORT)
    assert_error_shape(response, 403, "edge.required")
    assert not EdgeStatus.objects.exists()


def test_devices_page_and_board_show_the_edges_health(
    client, edge_api, edge_device, site_a, manager_a
):
    edge_api.get("/edge/snapshot", **REPORT)
    monitor = _user("monitor_edge", site=site_a, role="monitoring")
    client.force_login(monitor)
    body = client.get(reverse("devices:index")).content.decode()
    device = edge_device[0]
    row = body[body.index(f'data-testid="edge-{device.pk}"') :].split("</tr>")[0]
    assert "快照时间" in row and "11-24 08:48:00" in row
    assert "待上传" in row and 'edge-pending refuse">17<' in row
    assert "被拒记录" in row and 'edge-rejected refuse">2<' in row
    assert "消防模式" in row and "开启" in row
    cursor = EdgeStatus.objects.get(device=device).cursor
    assert f"游标 {cursor}" in row
    board = client.get(reverse("guard:board")).content.decode()
    line = board[board.index(f'data-testid="edge-{device.pk}"') :].split("</li>")[0]
    assert "待上传 17 条" in line and "消防模式" in line
    # the edge's own count of refused entries never goes down: the board counts the server's
    # unhandled ones (none kept here)
    assert "被拒记录" not in line


def test_an_edge_that_never_reported_says_so(client, edge_device, site_a):
    monitor = _user("monitor_edge", site=site_a, role="monitoring")
    client.force_login(monitor)
    body = client.get(reverse("devices:index")).content.decode()
    row = body[body.index(f'data-testid="edge-{edge_device[0].pk}"') :].split("</tr>")[0]
    assert "从未获取" in row and "尚未上报" in row
