"""Alerts on an edge's health (issue 15 §Health, ``gatehouse.edge.health.edges_check``): the
periodic check of the device worker raises one notice to the monitoring centre per episode
(silent, stale snapshot, journal backlog), whatever the number of checks, and records when the
episode ends."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from gatehouse.access.models import Notice
from gatehouse.audit.models import AuditEntry
from gatehouse.devices.models import Device
from gatehouse.edge.health import edges_check
from gatehouse.edge.models import EdgeEpisode, EdgeStatus
from tests.conftest import NOW

MINUTE = timedelta(minutes=1)


def heard(edge: Device, at, **report) -> None:
    """The edge's request at ``at`` with its report (what ``GET /edge/snapshot`` keeps)."""
    Device.objects.filter(pk=edge.pk).update(last_seen_at=at)
    defaults = {"reported_at": at, "served_at": at, "snapshot_issued_at": at, "pending": 0}
    EdgeStatus.objects.update_or_create(device=edge, defaults={**defaults, **report})


@pytest.fixture
def edge(edge_device) -> Device:
    return edge_device[0]


def notices(kind: str) -> list[Notice]:
    return list(Notice.objects.filter(kind=kind).order_by("pk"))


def test_a_backlog_is_alerted_once_per_episode_and_its_end_recorded(edge):
    # rule S-05 / S-06: reported at once to the monitoring centre, and recorded
    heard(edge, NOW, pending=4000)
    assert edges_check(now=NOW).raised == []  # seen: the episode begins
    episode = EdgeEpisode.objects.get(edge=edge)
    assert (episode.kind, episode.started_at, episode.raised_at) == ("edge.backlog", NOW, None)
    assert not notices("edge.backlog")

    heard(edge, NOW + 5 * MINUTE, pending=3900)
    checked = edges_check(now=NOW + 5 * MINUTE)
    assert checked.raised == ["东门边缘网关: edge.backlog"]
    [notice] = notices("edge.backlog")
    assert (notice.audience, notice.site_id, notice.created_at) == (
        "monitoring",
        edge.site_id,
        NOW + 5 * MINUTE,
    )
    assert notice.message.startswith("东门边缘网关：边缘网关有 3900 条离线记录待上传")
    episode.refresh_from_db()
    assert (episode.raised_at, episode.notice_id) == (NOW + 5 * MINUTE, notice.pk)
    alert = AuditEntry.objects.get(action="edge.trouble_alert")
    assert (alert.object_id, alert.site_id) == (str(episode.pk), edge.site_id)
    assert alert.after["notice"] == notice.pk

    # more checks while it lasts: nothing new
    for minutes in (6, 7, 8):
        heard(edge, NOW + minutes * MINUTE, pending=3000)
        assert edges_check(now=NOW + minutes * MINUTE).raised == []
    assert len(notices("edge.backlog")) == 1

    # drained: the episode ends, its notice is cleared, the end is audited
    heard(edge, NOW + 9 * MINUTE, pending=12)
    assert edges_check(now=NOW + 9 * MINUTE).ended == ["东门边缘网关: edge.backlog"]
    episode.refresh_from_db()
    notice.refresh_from_db()
    assert episode.ended_at == NOW + 9 * MINUTE and notice.acknowledged_at == NOW + 9 * MINUTE
    assert AuditEntry.objects.filter(action="edge.trouble_ended", object_id=str(episode.pk))

    # a new backlog later is a new episode and, once it lasts, a new notice
    heard(edge, NOW + 20 * MINUTE, pending=2000)
    edges_check(now=NOW + 20 * MINUTE)
    heard(edge, NOW + 26 * MINUTE, pending=2000)
    edges_check(now=NOW + 26 * MINUTE)
    assert len(notices("edge.backlog")) == 2
    assert EdgeEpisode.objects.filter(edge=edge).count() == 2


def test_a_backlog_that_drains_in_time_leaves_nothing(edge):
    heard(edge, NOW, pending=4000)
    edges_check(now=NOW)
    heard(edge, NOW + 2 * MINUTE, pending=300)
    checked = edges_check(now=NOW + 2 * MINUTE)
    assert checked.raised == checked.ended == []
    assert not EdgeEpisode.objects.exists() and not Notice.objects.exists()


def test_a_silent_edge_is_alerted_at_once_and_cleared_when_heard_again(edge):
    # rule §12: a gate that lost the server is known to the monitoring centre
    heard(edge, NOW - 12 * MINUTE, pending=40)
    assert edges_check(now=NOW).raised == ["东门边缘网关: edge.silent"]
    assert edges_check(now=NOW + MINUTE).raised == []
    [notice] = notices("edge.silent")
    assert "已 12 分钟无通信" in notice.message
    episode = EdgeEpisode.objects.get(edge=edge, kind="edge.silent")
    assert episode.started_at == NOW - 12 * MINUTE

    heard(edge, NOW + 2 * MINUTE)
    assert edges_check(now=NOW + 2 * MINUTE).ended == ["东门边缘网关: edge.silent"]
    episode.refresh_from_db()
    assert episode.ended_at == NOW + 2 * MINUTE


def test_a_stale_snapshot_is_alerted_when_the_next_report_still_shows_it(edge):
    old = NOW - timedelta(hours=2)
    heard(edge, NOW, snapshot_issued_at=old)
    edges_check(now=NOW)
    assert not Notice.objects.exists()
    heard(edge, NOW + 10 * timedelta(seconds=1), snapshot_issued_at=old)
    assert edges_check(now=NOW + 15 * timedelta(seconds=1)).raised == [
        "东门边缘网关: edge.snapshot_stale"
    ]
    [notice] = notices("edge.snapshot_stale")
    assert "已 120 分钟未更新" in notice.message


def test_thresholds_come_from_settings(edge, settings):
    settings.GATEHOUSE_EDGE_SILENT_SECONDS = 3600
    heard(edge, NOW - 12 * MINUTE)
    assert edges_check(now=NOW).raised == []
    settings.GATEHOUSE_EDGE_BACKLOG = 10
    settings.GATEHOUSE_EDGE_BACKLOG_SECONDS = 0
    heard(edge, NOW, pending=11)
    assert edges_check(now=NOW).raised == ["东门边缘网关: edge.backlog"]


def test_a_revoked_edge_and_other_devices_are_not_checked(edge, turnstile_key):
    heard(turnstile_key[0], NOW - timedelta(hours=3))
    Device.objects.filter(pk=edge.pk).update(revoked_at=NOW - timedelta(hours=1))
    heard(edge, NOW - timedelta(hours=2))
    assert edges_check(now=NOW).raised == []
    assert not EdgeEpisode.objects.exists()


def test_the_scheduled_job_runs_the_check(edge):
    heard(edge, NOW - timedelta(hours=1))
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("run_scheduler", "--once", stdout=out)
        call_command("run_tasks", "--once", stdout=out)
    assert len(notices("edge.silent")) == 1
    with time_machine.travel(NOW + MINUTE, tick=False):
        call_command("check_devices", stdout=StringIO())
    assert len(notices("edge.silent")) == 1  # once per episode, whoever checks
