"""The guard-operations part of the demo (issue 5): one gap tomorrow, a missed checkpoint last
night, one open anomaly; deterministic and idempotent."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from gatehouse.core.guard import CheckState
from gatehouse.demo import sites as demo
from gatehouse.demo.guard import load_guard_demo
from gatehouse.demo.load import build_demo
from gatehouse.guard.models import Anomaly, PatrolRoute, Shift
from gatehouse.guard.patrol.selectors import route_status
from gatehouse.guard.roster.selectors import roster_view, week_grid

from .conftest import SH

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=SH)


def test_the_guard_demo(db):
    build_demo(scale=0.05, now=NOW)
    site = demo.Site.objects.get(code="donghu")
    tomorrow = datetime(2026, 11, 25, tzinfo=SH)
    view = roster_view(site, tomorrow, tomorrow + timedelta(days=1))
    # rule S-01: exactly one gap tomorrow
    assert [g["message"] for g in view.gaps] == [
        "西门非机动车道岗 2026年11月25日 14:00–20:00 缺1人（需2人，已排1人）"
    ]
    assert view.conflicts == [] and view.leader_gaps == ()
    # rule S-01: this week's grid (Monday 23 to Sunday 29 November) shows that gap and no other
    assert _week_gaps(site, NOW) == [("西门非机动车道岗", date(2026, 11, 25), "14:00", "20:00", 1)]
    week = roster_view(site, datetime(2026, 11, 23, tzinfo=SH), datetime(2026, 11, 30, tzinfo=SH))
    assert week.leader_gaps == ()
    # rule S-04: last night's round 2 missed 燃气调压站, round 3's last checkpoint was late
    route = PatrolRoute.objects.get(site=site)
    _night, states = route_status(route, NOW, NOW.date() - timedelta(days=1))
    assert [(s.round_no, s.checkpoint) for s in states if s.state is CheckState.MISSED] == [
        (2, "cp06")
    ]
    assert [s.checkpoint for s in states if s.state is CheckState.LATE] == ["cp08"]
    assert Anomaly.objects.filter(site=site, closed_at__isnull=True).count() == 1
    shifts = Shift.objects.count()
    assert load_guard_demo(now=NOW) == {} and Shift.objects.count() == shifts


def _week_gaps(site, now):
    view = week_grid(site, None, now)
    return [
        (post.name, c.day, g.start_hm, g.end_hm, g.short)
        for post, row in view.rows
        for c in row.cells
        for g in c.gaps
    ]


def test_the_demo_week_on_a_sunday_still_shows_its_gap(db):
    # rule S-01: on a Sunday tomorrow is next week; the gap is yesterday's, in this week's grid
    sunday = datetime(2026, 11, 29, 9, 30, tzinfo=SH)
    build_demo(scale=0.05, now=sunday)
    site = demo.Site.objects.get(code="donghu")
    assert _week_gaps(site, sunday) == [
        ("西门非机动车道岗", date(2026, 11, 28), "14:00", "20:00", 1)
    ]
