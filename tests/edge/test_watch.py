"""The core's judgement of an edge's health (issue 15 §Health,
``gatehouse.core.edge.edge_troubles``): silent, holding a stale snapshot or none, a journal that
does not drain; when each is due an alert. Pure: every call is handed ``now``."""

from __future__ import annotations

from datetime import timedelta

from gatehouse.core.edge import EdgeLimits, EdgeReport, EdgeTrouble, edge_troubles
from tests.conftest import NOW

LIMITS = EdgeLimits(
    silent_after=timedelta(minutes=5),
    stale_after=timedelta(minutes=10),
    backlog_above=1000,
    backlog_for=timedelta(minutes=5),
)
MINUTE = timedelta(minutes=1)


def healthy(**kw) -> EdgeReport:
    """An edge heard a few seconds ago, its snapshot renewed at its last round."""
    base = {
        "heard_at": NOW - timedelta(seconds=5),
        "reported_at": NOW - timedelta(seconds=5),
        "snapshot_issued_at": NOW - timedelta(seconds=10),
        "pending": 0,
    }
    return EdgeReport(**{**base, **kw})


def test_a_healthy_edge_is_in_no_trouble():
    assert edge_troubles(healthy(), limits=LIMITS, now=NOW) == []
    # just at the limits: still fine
    at_limits = healthy(
        heard_at=NOW - 5 * MINUTE,
        reported_at=NOW - 5 * MINUTE,
        snapshot_issued_at=NOW - 15 * MINUTE,
        pending=1000,
    )
    assert edge_troubles(at_limits, limits=LIMITS, now=NOW) == []


def test_a_silent_edge_is_alerted_at_once_and_nothing_else_is_judged():
    # rule S-05 / §12: a gate deciding alone (or down) is reported to the monitoring centre
    report = healthy(
        heard_at=NOW - 7 * MINUTE,
        reported_at=NOW - 7 * MINUTE,
        snapshot_issued_at=NOW - timedelta(hours=3),
        pending=50_000,
    )
    [trouble] = edge_troubles(report, limits=LIMITS, now=NOW)
    assert (trouble.kind, trouble.since, trouble.due) == (
        EdgeTrouble.SILENT,
        NOW - 7 * MINUTE,
        True,
    )
    assert "已 7 分钟无通信" in trouble.message
    # an episode already open keeps its start
    [again] = edge_troubles(
        report, limits=LIMITS, now=NOW, open_since={EdgeTrouble.SILENT: NOW - 6 * MINUTE}
    )
    assert again.since == NOW - 6 * MINUTE and again.due


def test_an_edge_never_heard_from_is_alerted_once_it_stays_silent():
    report = EdgeReport(heard_at=None)
    [first] = edge_troubles(report, limits=LIMITS, now=NOW)
    assert (first.kind, first.since, first.due) == (EdgeTrouble.SILENT, NOW, False)
    assert "从未通信" in first.message
    opened = {EdgeTrouble.SILENT: NOW - 6 * MINUTE}
    [later] = edge_troubles(report, limits=LIMITS, now=NOW, open_since=opened)
    assert later.due


def test_a_stale_snapshot_is_alerted_once_a_later_report_still_shows_it():
    # rule §12: an edge that syncs yet keeps an old snapshot would admit revoked cards offline
    report = healthy(reported_at=NOW - MINUTE, snapshot_issued_at=NOW - 40 * MINUTE)
    [first] = edge_troubles(report, limits=LIMITS, now=NOW)
    assert (first.kind, first.since, first.due) == (EdgeTrouble.SNAPSHOT_STALE, NOW, False)
    # the next check: a report made after the episode began still carries the old snapshot
    later = healthy(reported_at=NOW + timedelta(seconds=10), snapshot_issued_at=NOW - 40 * MINUTE)
    [second] = edge_troubles(
        later,
        limits=LIMITS,
        now=NOW + timedelta(seconds=15),
        open_since={EdgeTrouble.SNAPSHOT_STALE: NOW},
    )
    assert second.due and second.since == NOW
    assert "已 40 分钟未更新" in second.message


def test_the_first_report_after_an_outage_is_no_stale_snapshot():
    # back online, the edge reports the snapshot it held offline; the next round has a new one
    back = healthy(reported_at=NOW - timedelta(seconds=3), snapshot_issued_at=NOW - 2 * 60 * MINUTE)
    [seen] = edge_troubles(back, limits=LIMITS, now=NOW)
    assert not seen.due
    renewed = healthy(reported_at=NOW + timedelta(seconds=2), snapshot_issued_at=NOW)
    assert (
        edge_troubles(
            renewed,
            limits=LIMITS,
            now=NOW + timedelta(seconds=15),
            open_since={EdgeTrouble.SNAPSHOT_STALE: NOW},
        )
        == []
    )


def test_no_snapshot_held_is_a_stale_snapshot():
    report = healthy(snapshot_issued_at=None)
    [trouble] = edge_troubles(
        report, limits=LIMITS, now=NOW, open_since={EdgeTrouble.SNAPSHOT_STALE: NOW - MINUTE}
    )
    assert (trouble.kind, trouble.due) == (EdgeTrouble.SNAPSHOT_STALE, True)
    assert "没有可用的通行名单快照" in trouble.message


def test_a_backlog_is_alerted_when_it_stays_above_the_threshold():
    # rule §12: decisions the registers do not hold yet
    report = healthy(pending=1001)
    [first] = edge_troubles(report, limits=LIMITS, now=NOW)
    assert (first.kind, first.since, first.due) == (EdgeTrouble.BACKLOG, NOW, False)
    opened = {EdgeTrouble.BACKLOG: NOW - 4 * MINUTE}
    [not_yet] = edge_troubles(report, limits=LIMITS, now=NOW, open_since=opened)
    assert not not_yet.due
    opened = {EdgeTrouble.BACKLOG: NOW - 5 * MINUTE}
    [due] = edge_troubles(report, limits=LIMITS, now=NOW, open_since=opened)
    assert due.due and "1001 条离线记录待上传" in due.message and "已 5 分钟" in due.message


def test_an_old_report_of_an_edge_still_heard_is_not_judged():
    # heard (a journal upload) but its last report is older than the silence limit
    report = healthy(reported_at=NOW - 6 * MINUTE, snapshot_issued_at=None, pending=9999)
    assert edge_troubles(report, limits=LIMITS, now=NOW) == []
    # never reported at all
    assert edge_troubles(EdgeReport(heard_at=NOW - MINUTE), limits=LIMITS, now=NOW) == []


def test_two_troubles_at_once():
    report = healthy(snapshot_issued_at=None, pending=5000)
    kinds = [t.kind for t in edge_troubles(report, limits=LIMITS, now=NOW)]
    assert kinds == [EdgeTrouble.SNAPSHOT_STALE, EdgeTrouble.BACKLOG]
