"""The pure rules of screenings and campaigns (seed template T3, rules T3-05 and T3-06)."""

from __future__ import annotations

from datetime import date

from gatehouse.core import screening as rules

D = date(2026, 11, 24)


def test_restricted_fields_are_read_by_the_kinds_handler_only():
    # rule T3-05
    assert rules.may_read("mental_health", ["counsellor"])
    assert not rules.may_read("mental_health", ["security_manager", "school_safety"])
    assert rules.may_read("dispute", ["school_safety"])
    assert not rules.may_read("dispute", ["counsellor"])
    assert rules.shown("情绪低落", readable=False) == "受限"
    assert rules.shown("情绪低落", readable=True) == "情绪低落"
    assert rules.shown("", readable=False) == ""


def test_a_case_is_about_the_right_people():
    # rule T3-05
    assert rules.subject_problem("dispute", "teacher") == (
        "screening.subject",
        "矛盾纠纷排查的对象应为本校学生",
    )
    assert rules.subject_problem("mental_health", "teacher") is None
    assert rules.subject_problem("key_personnel", "student") is not None
    assert rules.subject_problem("nonsense", "student") == ("screening.kind", "请选择排查类型")


def test_a_follow_up_is_overdue_after_its_due_day():
    # rule T3-05
    assert not rules.followup_overdue(due_on=D, done_on=None, today=D)
    assert rules.followup_overdue(due_on=D, done_on=None, today=date(2026, 11, 25))
    assert not rules.followup_overdue(due_on=D, done_on=D, today=date(2026, 12, 25))


def test_closing_needs_a_reason_done_follow_ups_and_care_for_an_isolated_student():
    # rule T3-05 (T3·12: care for isolated students)
    done = rules.FollowUpFacts(done=True, care=False)
    care = rules.FollowUpFacts(done=True, care=True)
    open_ = rules.FollowUpFacts(done=False, care=True)
    kw = {"closed": False, "reason": "已好转"}
    assert rules.close_problem(**kw, isolated=False, followups=[open_])[0] == (
        "screening.open_followups"
    )
    assert rules.close_problem(**kw, isolated=True, followups=[done])[0] == "screening.no_care"
    assert rules.close_problem(**kw, isolated=True, followups=[done, care]) is None
    assert rules.close_problem(closed=False, reason="", isolated=False, followups=[])[0] == (
        "screening.close_reason"
    )
    assert rules.close_problem(closed=True, reason="x", isolated=False, followups=[])[0] == (
        "screening.closed"
    )


def test_campaign_progress_counts_places_open_and_overdue_findings():
    # rule T3-06
    p = rules.campaign_progress(
        places=[True, False, True, False],
        findings=[
            rules.FindingFacts(deadline=date(2026, 11, 20), fixed_on=None),  # overdue
            rules.FindingFacts(deadline=date(2026, 11, 30), fixed_on=None),
            rules.FindingFacts(deadline=date(2026, 11, 20), fixed_on=date(2026, 11, 19)),
        ],
        today=D,
    )
    assert (p.places_done, p.places_total, p.findings_open, p.findings_overdue) == (2, 4, 2, 1)
    assert p.findings_total == 3 and p.percent == 50
    assert rules.campaign_progress(places=[], findings=[], today=D).percent == 0
