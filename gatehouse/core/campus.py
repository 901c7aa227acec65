"""Campus closed management (seed template T3, 校园全封闭管理): who may pass a campus gate.

T3 puts the campus under full closed management ("校园实施全封闭管理"): parents and outsiders
come in only by an appointment their host (a teacher) has confirmed, and a student does not
leave during school hours without the class teacher's leave pass (请假条/出门条). The
rules are pure: :func:`student_exit` and :func:`walk_in` name the reason code the gate decides
by (:mod:`gatehouse.core.access` turns it into its decision), :func:`leave_pass_problem` judges a
pass the teacher is about to issue.

Rule ids (cited by the tests, SPEC has no campus section yet):

* T3-01 — during school hours a student leaves only with a valid leave pass; the pass is used
  once, on the way out.
* T3-02 — parents and outsiders enter a campus by a confirmed appointment only; a walk-in is
  refused with the reason, and an appointment the teacher has not confirmed does not admit.
* T3-03 — the canteen keeps a sample of every dish (at least 125 g) for 48 hours, then
  disposes of it; a sample still kept after 48 hours is flagged overdue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

#: The longest window a leave pass may cover (one school day at most).
LEAVE_PASS_MAX = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class LeavePassFacts:
    """A student's leave pass as the gate reads it."""

    window_start: datetime
    window_end: datetime
    used: bool = False
    revoked: bool = False
    id: int | None = None  # the pass's number, for marking it used (not judged)


def school_hours(start: object, end: object) -> tuple[time, time] | None:
    """T3-01: a campus's school hours from its two columns, when both are readable times (a
    ``time`` or ``HH:MM[:SS]`` text); None otherwise (the rule then has nothing to say)."""
    hours = []
    for value in (start, end):
        if isinstance(value, str):
            try:
                value = time.fromisoformat(value)
            except ValueError:
                return None
        if not isinstance(value, time):
            return None
        hours.append(value)
    return (hours[0], hours[1])


#: How far ahead a pass not open yet still bears on a student leaving (one school day).
PASS_LOOKAHEAD = timedelta(hours=12)


def pass_at_exit(passes: Iterable[LeavePassFacts], when: datetime) -> LeavePassFacts | None:
    """T3-01: of a student's leave passes, the one that bears on leaving at ``when``: the first
    (by window start) valid one whose window holds ``when``; else the first one not over yet
    that opens within :data:`PASS_LOOKAHEAD` (used, revoked or too early: the refusal names
    it); else None. The server and an offline edge both choose by this."""
    near = sorted(
        (p for p in passes if p.window_end > when and p.window_start <= when + PASS_LOOKAHEAD),
        key=lambda p: p.window_start,
    )
    for p in near:
        if p.window_start <= when and not p.revoked and not p.used:
            return p
    return near[0] if near else None


def in_school_hours(now: datetime, hours: tuple[time, time] | None) -> bool:
    """Whether ``now`` (aware) falls in the campus's school hours [start, end), wall-clock in
    Shanghai; no hours set (not a campus) is never school hours."""
    if hours is None:
        return False
    start, end = hours
    clock = now.astimezone(SHANGHAI).time()
    return start <= clock < end


def pass_valid(p: LeavePassFacts, now: datetime) -> bool:
    return not p.used and not p.revoked and p.window_start <= now < p.window_end


def student_exit(
    *, now: datetime, school_hours: tuple[time, time] | None, leave_pass: LeavePassFacts | None
) -> str | None:
    """T3-01: the reason a student leaving at ``now`` is decided by, or None when the campus
    rule has nothing to say (outside school hours)."""
    if not in_school_hours(now, school_hours):
        return None
    if leave_pass is None:
        return "campus.no_leave_pass"
    if leave_pass.revoked:
        return "campus.leave_pass_revoked"
    if leave_pass.used:
        return "campus.leave_pass_used"
    if not pass_valid(leave_pass, now):
        return "campus.leave_pass_window"
    return "campus.leave_pass"


def walk_in(*, campus: bool, entering: bool) -> str | None:
    """T3-02: a parent or outsider walking in without an appointment is refused at a campus."""
    if campus and entering:
        return "campus.no_appointment"
    return None


def leave_pass_problem(
    *, window_start: datetime, window_end: datetime, now: datetime
) -> tuple[str, str] | None:
    """What is wrong with a leave pass a teacher is issuing (code, Chinese message), or None."""
    if window_end <= window_start:
        return ("leave_pass.window_order", "返校/截止时间必须晚于离校时间")
    if window_end <= now:
        return ("leave_pass.window_past", "请假时段已经过去，请重新选择时间")
    if window_end - window_start > LEAVE_PASS_MAX:
        return ("leave_pass.window_too_long", "一张请假条最长12小时，跨天请分次开具")
    return None


# -- the canteen's daily sample keeping (留样, T3 "严把食品运输、索证、加工、用餐、留样等关口") --

#: A sample is kept 48 hours, then disposed of (rule T3-03).
SAMPLE_KEEP = timedelta(hours=48)
#: Each dish's sample weighs at least this many grams.
SAMPLE_MIN_GRAMS = 125


def sample_dispose_due(kept_at: datetime) -> datetime:
    """T3-03: when a sample kept at ``kept_at`` is to be disposed of."""
    return kept_at + SAMPLE_KEEP


def sample_overdue(*, kept_at: datetime, disposed_at: datetime | None, now: datetime) -> bool:
    """T3-03: a sample still kept after its 48 hours is flagged for disposal."""
    return disposed_at is None and now >= sample_dispose_due(kept_at)


def sample_problem(*, grams: int, kept_at: datetime, now: datetime) -> tuple[str, str] | None:
    """What is wrong with a sample being recorded (code, Chinese message), or None."""
    if grams < SAMPLE_MIN_GRAMS:
        return ("sample.too_light", f"每个品种留样不少于{SAMPLE_MIN_GRAMS}克")
    if kept_at > now:
        return ("sample.future", "留样时间不能晚于现在")
    return None


def dispose_problem(
    *, kept_at: datetime, disposed_at: datetime | None, now: datetime
) -> tuple[str, str] | None:
    """T3-03: a sample is disposed of once, and not before its 48 hours are over."""
    if disposed_at is not None:
        return ("sample.disposed", "该留样已经处理")
    if now < sample_dispose_due(kept_at):
        return ("sample.too_early", "留样须保存满48小时后方可处理")
    return None
