"""Alarms end to end (issue 15 §Alarms, §Health): ``python -m gatehouse_edge`` as its own process
against the real server (Django's live server on 127.0.0.1). The edge raises an alarm, the real
``POST /api/v1/edge/alarms`` records it with its notice to the monitoring centre, and once
acknowledged the edge stops sending it. A snapshot the edge refuses also reaches the server's
periodic health check, which alerts once and records the end when the edge recovers.

The edge keeps its own clock, as a gate box does: these tests keep the machine's clock."""

from __future__ import annotations

import base64
import time
from types import SimpleNamespace

import pytest
from django.db.utils import OperationalError
from django.urls import reverse
from django.utils import timezone

from gatehouse.access.models import Notice
from gatehouse.edge import services
from gatehouse.edge.health import EdgesChecked, edges_check
from gatehouse.edge.models import EdgeAlarm, EdgeEpisode, EdgeStatus
from tests.edge.conftest import SEED
from tests.edge.test_edge_process import _PAUSE, fire, free_port, start_edge, stop, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_clock]


@pytest.fixture
def posted(monkeypatch) -> list[list[int]]:
    """The seqs of every alarm request the server handled, one list per request."""
    calls: list[list[int]] = []
    real = services.edge_alarms

    def counting(*, edge, alarms, now):
        calls.append([a.seq for a in alarms])
        return real(edge=edge, alarms=alarms, now=now)

    monkeypatch.setattr(services, "edge_alarms", counting)
    return calls


def rounds(port: int, n: int) -> None:
    """Let the edge run ``n`` more sync rounds (it reaches the server on each)."""
    for _ in range(n):
        seen = wait_for(port, lambda s: s["last_reached"] is not None, "a round")["last_reached"]
        wait_for(port, lambda s, seen=seen: s["last_reached"] != seen, "another round")


def until(check, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OperationalError:  # see :func:`check_edges`
            pass
        _PAUSE.wait(0.1)
    raise AssertionError(f"no {what}")


def check_edges() -> EdgesChecked:
    """The device worker's periodic check, now. On the in-memory SQLite test database a write
    beside the live server's fails at once ("database table is locked") where the project's
    file database waits: the check is run again, as the next periodic pass would (each step
    of it is its own transaction, and an episode is opened and alerted once)."""
    for _ in range(100):
        try:
            return edges_check(now=timezone.now())
        except OperationalError:
            _PAUSE.wait(0.05)
    raise AssertionError("the database stayed locked")


def test_a_fire_alarm_reaches_the_server_once_and_is_not_sent_again(
    live_server, tmp_path, site_a, edge_device, posted, client, manager_a
):
    # rule S-13 / S-05: an emergency at the gate is reported up at once, and recorded
    server = SimpleNamespace(url=live_server.url)
    port = free_port()
    edge = start_edge(server, edge_device[1], site_a.pk, tmp_path / "edge.sqlite3", port)
    try:
        wait_for(port, lambda s: s["online"] and s["cursor"], "its snapshot")
        assert fire(port, True) == {"fire_mode": True}
        sent = wait_for(
            port, lambda s: s["alarms"] and s["pending_alarms"] == 0, "the alarm acknowledged"
        )
        assert [(a["seq"], a["code"], a["sent"]) for a in sent["alarms"]] == [
            (1, "edge.fire_on", True)
        ]
        row = EdgeAlarm.objects.get(edge=edge_device[0])
        assert (row.seq, row.code) == (1, "edge.fire_on")
        assert "消防应急模式" in row.message and "测试" in row.message
        notice = Notice.objects.get(pk=row.notice_id)
        assert (notice.audience, notice.kind, notice.site_id) == (
            "monitoring",
            "edge.alarm",
            site_a.pk,
        )
        assert "东门边缘网关" in notice.message and "edge.fire_on" in notice.message

        rounds(port, 5)  # acknowledged: five more rounds post nothing
        assert posted == [[1]]
        # the health header of the next snapshot request says fire mode is on
        until(
            lambda: EdgeStatus.objects.filter(device=edge_device[0], fire=True).exists(),
            "fire mode reported",
        )

        assert fire(port, False) == {"fire_mode": False}
        wait_for(port, lambda s: len(s["alarms"]) == 2 and s["pending_alarms"] == 0, "fire off")
        rounds(port, 3)
        assert posted == [[1], [2]]
        assert list(EdgeAlarm.objects.order_by("seq").values_list("code", flat=True)) == [
            "edge.fire_on",
            "edge.fire_off",
        ]
        assert Notice.objects.filter(kind="edge.alarm").count() == 2
    finally:
        stop(edge)
    assert edge.returncode == 0

    # the manager marks the alarm handled on the edge's page: its notice is acknowledged
    client.force_login(manager_a)
    url = reverse("devices:alarm_handle", args=[row.pk])
    assert client.post(url, {"note": "消防演练，已核实"}).status_code == 302
    row.refresh_from_db()
    assert row.handled_by == manager_a
    assert Notice.objects.get(pk=row.notice_id).acknowledged_by == manager_a


OTHER_SEED = base64.b64encode(bytes(range(1, 33))).decode()  # a key the edge does not know


def reported(device, check) -> bool:
    status = EdgeStatus.objects.filter(device=device).first()
    return status is not None and status.reported_at is not None and check(status)


def test_a_refused_snapshot_is_alarmed_by_the_edge_and_by_the_health_check(
    live_server, tmp_path, site_a, edge_device, settings, posted
):
    # rule §12: an edge that stops taking the server's snapshot is known to the monitoring
    # centre (it would go on admitting revoked cards offline)
    settings.GATEHOUSE_EDGE_STALE_SECONDS = 3
    server = SimpleNamespace(url=live_server.url)
    port = free_port()
    edge = start_edge(server, edge_device[1], site_a.pk, tmp_path / "edge.sqlite3", port)
    device = edge_device[0]
    try:
        wait_for(port, lambda s: s["cursor"] and s["snapshot_usable"], "its snapshot")
        # the server's key changes behind the edge's back: the next delta is signed by a key it
        # does not know
        settings.GATEHOUSE_EDGE_SIGNING_KEY = OTHER_SEED
        refused = wait_for(
            port, lambda s: s["alarms"] and s["pending_alarms"] == 0, "its alarm acknowledged"
        )
        assert {a["code"] for a in refused["alarms"]} == {"snapshot.key"}
        assert refused["snapshot_usable"] is False
        seqs = sorted(a["seq"] for a in refused["alarms"])
        recorded = EdgeAlarm.objects.filter(edge=device).order_by("seq")
        assert [(a.seq, a.code) for a in recorded] == [(q, "snapshot.key") for q in seqs]
        assert all(Notice.objects.get(pk=a.notice_id).kind == "edge.alarm" for a in recorded)
        rounds(port, 3)
        # each alarm posted until acknowledged, then never again
        assert sorted(q for call in posted for q in call) == seqs
        # the server's periodic check: an old snapshot reported, seen at one check ...
        stale = lambda s: (s.reported_at - s.snapshot_issued_at).total_seconds() > 3  # noqa: E731
        until(lambda: reported(device, stale), "an old snapshot reported")
        first = timezone.now()
        assert check_edges().raised == []
        episode = EdgeEpisode.objects.get(edge=device)
        assert (episode.kind, episode.raised_at) == ("edge.snapshot_stale", None)
        # ... and alerted once a later report still says so, once
        until(lambda: reported(device, lambda s: s.reported_at > first), "a later report")
        assert check_edges().raised == ["东门边缘网关: edge.snapshot_stale"]
        assert check_edges().raised == []
        [notice] = Notice.objects.filter(kind="edge.snapshot_stale")
        assert "东门边缘网关" in notice.message and "未更新" in notice.message

        # the key is put right: the edge keeps the next snapshot, and the episode ends
        settings.GATEHOUSE_EDGE_SIGNING_KEY = SEED
        wait_for(port, lambda s: s["snapshot_usable"], "a snapshot kept")
        fresh = lambda s: (s.reported_at - s.snapshot_issued_at).total_seconds() < 2  # noqa: E731
        until(lambda: reported(device, fresh), "the new snapshot reported")
        assert check_edges().ended == ["东门边缘网关: edge.snapshot_stale"]
        episode.refresh_from_db()
        notice.refresh_from_db()
        assert episode.ended_at is not None and notice.acknowledged_at == episode.ended_at
    finally:
        stop(edge)
    assert edge.returncode == 0


def test_an_edge_that_never_kept_a_snapshot_is_alerted_by_the_health_check(
    live_server, tmp_path, site_a, edge_device, settings
):
    # rule §12: an edge set up with the wrong public key could never decide offline
    settings.GATEHOUSE_EDGE_SIGNING_KEY = OTHER_SEED
    server = SimpleNamespace(url=live_server.url)
    port = free_port()
    edge = start_edge(server, edge_device[1], site_a.pk, tmp_path / "edge.sqlite3", port)
    device = edge_device[0]
    try:
        wait_for(port, lambda s: s["last_error"].startswith("snapshot.key"), "a refusal")
        until(lambda: reported(device, lambda s: s.snapshot_issued_at is None), "a report")
        first = timezone.now()
        check_edges()
        until(lambda: reported(device, lambda s: s.reported_at > first), "a later report")
        assert check_edges().raised == ["东门边缘网关: edge.snapshot_stale"]
        [notice] = Notice.objects.filter(kind="edge.snapshot_stale")
        assert "没有可用的通行名单快照" in notice.message
    finally:
        stop(edge)
    assert edge.returncode == 0
