"""The pure functions issue 17 shares between the server's gate, the offline edge and the
terminal lists: the leave pass that bears on an exit and the school hours (T3-01), the end of a
returnee's home monitoring (M-03), the conflict of a pass used twice, and the window a terminal
holds a person in at an exit lane."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from gatehouse.core import campus, epidemic
from gatehouse.core.access import Decision, Duty, Obligation, Outcome
from gatehouse.core.edge import school_hours_of, uploaded_decision
from gatehouse.core.terminal import exit_window

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=SH)
H = timedelta(hours=1)


def _pass(start, end, **kw) -> campus.LeavePassFacts:
    return campus.LeavePassFacts(window_start=start, window_end=end, **kw)


def test_the_pass_at_an_exit_is_the_valid_one_else_the_nearest_to_name_the_refusal():
    # rule T3-01
    used = _pass(NOW - 2 * H, NOW + H, used=True, id=1)
    valid = _pass(NOW - H, NOW + H, id=2)
    later = _pass(NOW + 2 * H, NOW + 3 * H, id=3)
    far = _pass(NOW + 13 * H, NOW + 14 * H, id=4)
    assert campus.pass_at_exit([used, valid, later], NOW) == valid
    assert campus.pass_at_exit([used, later], NOW) == used  # refused as used
    assert campus.pass_at_exit([later], NOW) == later  # refused as too early
    assert campus.pass_at_exit([far], NOW) is None  # beyond the day: no pass
    reason = campus.student_exit(
        now=NOW, school_hours=(time(7, 40), time(16, 30)), leave_pass=campus.pass_at_exit([], NOW)
    )
    assert reason == "campus.no_leave_pass"


def test_school_hours_are_read_from_columns_or_a_snapshot():
    # rule T3-01
    assert campus.school_hours(time(7, 40), "16:30:00") == (time(7, 40), time(16, 30))
    assert campus.school_hours("7h40", time(16, 30)) is None
    site = {"kind": "campus", "school_starts": "07:40:00", "school_ends": "16:30:00"}
    assert school_hours_of(site) == (time(7, 40), time(16, 30))
    assert school_hours_of({**site, "kind": "residential"}) is None
    assert school_hours_of({}) is None  # a schema-1 site record


def test_the_monitoring_running_ends_at_the_latest_open_case():
    # rule M-03
    end1, end2 = NOW + 24 * H, NOW + 48 * H
    assert epidemic.monitoring_until([(end1, False), (end2, False)], NOW) == end2
    assert epidemic.monitoring_until([(end2, True), (end1, False)], NOW) == end1
    assert epidemic.monitoring_until([(NOW, False)], NOW) is None


def test_a_pass_used_elsewhere_first_is_the_reused_conflict():
    # rule T3-01
    edge = Decision(
        Outcome.ALLOW, "campus.leave_pass", "…", "T3-01", None, (Obligation(Duty.USE_LEAVE_PASS),)
    )
    server = Decision(Outcome.REFUSE, "campus.leave_pass_used", "…", "T3-01")
    found = uploaded_decision(
        edge, server, known_before_use=True, invitation_taken=None, leave_pass_taken=False
    )
    assert (found.outcome, found.reason, found.rule) == (
        Outcome.ALLOW,
        "edge.leave_pass_reused",
        "T3-01",
    )
    assert [o.duty for o in found.obligations] == [Duty.USE_LEAVE_PASS, Duty.NOTIFY_MONITORING]
    same = uploaded_decision(
        edge, edge, known_before_use=True, invitation_taken=None, leave_pass_taken=True
    )
    assert same == edge


def test_an_exit_terminal_holds_a_returnee_from_the_end_and_a_student_not_at_all():
    # rules M-03, T3-01
    begin, ends = NOW - 365 * 24 * H, NOW + 14 * 24 * H
    kw = {"begin": begin, "end": None, "student_at_campus": False}
    assert exit_window(exit_lane=True, monitoring_until=ends, **kw) == (ends, None)
    assert exit_window(exit_lane=False, monitoring_until=ends, **kw) == (begin, None)
    assert exit_window(exit_lane=True, monitoring_until=None, **kw) == (begin, None)
    short = {**kw, "end": NOW + 24 * H}
    assert exit_window(exit_lane=True, monitoring_until=ends, **short) is None
    student = {**kw, "student_at_campus": True}
    assert exit_window(exit_lane=True, monitoring_until=None, **student) is None
    assert exit_window(exit_lane=False, monitoring_until=None, **student) == (begin, None)
