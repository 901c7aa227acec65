"""Tests for gatehouse.core.guard: staffing, duty leader, handover, keys, booth absence, patrols,
anomalies and escalation, the emergency chain, cleaning rota, hazard inspections, hotline
tickets, spot checks and the penalty ladder (SPEC §7, S-01 … S-13).

Tables first, one per rule; Hypothesis properties at the end.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gatehouse.core.access import Duty, Register
from gatehouse.core.errors import InvalidInput
from gatehouse.core.goods import HandoffStage, ShiftSlips, SlipHandoff
from gatehouse.core.guard import (
    CLEANING_MAX_DAYS,
    Absence,
    AnomalyKind,
    CallState,
    ChainStep,
    CheckState,
    EscalationPolicy,
    Finding,
    FindingKind,
    FixState,
    Handover,
    HazardFinding,
    KeyEvent,
    KeyPlace,
    LeaderDuty,
    MidshiftRow,
    PastViolation,
    PatrolNight,
    PenaltyKind,
    PenaltyPolicy,
    PostRequirement,
    RosterShift,
    Route,
    Scan,
    Severity,
    ShiftArrival,
    Ticket,
    TicketPolicy,
    TicketStep,
    VisitorRow,
    WeekRegisters,
    anomaly_obligations,
    arrival_status,
    assess_penalties,
    chain_state,
    check_absence,
    check_handover,
    cleaner_on,
    cleaning_rota,
    cleaning_span,
    days_overdue,
    duty_leader_gaps,
    escalation_due,
    hazard_state,
    key_custody,
    patrol_status,
    penalty_for,
    required_at,
    roster_conflicts,
    spot_check,
    staffing_gaps,
    t4_example_posts,
    ticket_alerts,
)

SH = ZoneInfo("Asia/Shanghai")
DAY0 = date(2026, 11, 24)  # a Tuesday


def at(hour: int, minute: int = 0, *, day: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 11, 24, tzinfo=SH) + timedelta(
        days=day, hours=hour, minutes=minute, seconds=second
    )


def hm(moment: datetime) -> str:
    return moment.astimezone(SH).strftime("%d %H:%M")


# == S-01: posts, headcount, roster gaps =========================================================

GATE = PostRequirement("东门", 2)
NIGHT_ONLY = (PostRequirement("车库", 1, 0, 6), PostRequirement("车库", 1, 22, 24))


def shift(guard: str, start: datetime, end: datetime, post: str = "东门") -> RosterShift:
    return RosterShift(guard, post, start, end)


# fmt: off
S01 = [
    pytest.param((GATE,), (shift("甲", at(8), at(20)), shift("乙", at(8), at(20))), [], id="covered"),
    pytest.param((GATE,), (shift("甲", at(8), at(20)),), [("东门", "24 08:00", "24 20:00", 2, 1)], id="one-short-all-day"),
    pytest.param((GATE,), (shift("甲", at(8), at(20)), shift("乙", at(8), at(14)), shift("丙", at(14, 30), at(20))), [("东门", "24 14:00", "24 14:30", 2, 1)], id="half-hour-hole"),
    pytest.param((GATE,), (shift("甲", at(8), at(20)), shift("甲", at(8), at(20))), [("东门", "24 08:00", "24 20:00", 2, 1)], id="double-booked-counts-once"),
    pytest.param((GATE,), (shift("甲", at(8), at(20)), shift("乙", at(8), at(20), "西门")), [("东门", "24 08:00", "24 20:00", 2, 1)], id="other-post-does-not-count"),
    pytest.param((GATE,), (), [("东门", "24 08:00", "24 20:00", 2, 0)], id="empty-roster"),
    pytest.param((GATE, PostRequirement("东门", 3, 9, 11, on=DAY0)), (shift("甲", at(8), at(20)), shift("乙", at(8), at(20))), [("东门", "24 09:00", "24 11:00", 3, 2)], id="dated-requirement-raises"),
    pytest.param((GATE, PostRequirement("东门", 0, 12, 20, on=DAY0)), (shift("甲", at(8), at(12)), shift("乙", at(8), at(12))), [], id="dated-zero-frees-hours"),
    pytest.param((GATE, PostRequirement("东门", 3, 9, 10)), (shift("甲", at(8), at(20)), shift("乙", at(8), at(20))), [("东门", "24 09:00", "24 10:00", 3, 2)], id="strictest-weekly-applies"),
    pytest.param((PostRequirement("东门", 2, weekdays=frozenset({5, 6})),), (), [], id="weekend-only-on-a-tuesday"),
]
# fmt: on


@pytest.mark.parametrize(("reqs", "roster", "expected"), S01)
def test_s01_staffing_gaps(
    reqs: tuple[PostRequirement, ...], roster: tuple[RosterShift, ...], expected: list[Any]
) -> None:
    gaps = staffing_gaps(requirements=reqs, roster=roster, start=at(8), end=at(20))  # rule S-01
    assert [(g.post, hm(g.start), hm(g.end), g.required, g.rostered) for g in gaps] == expected
    assert all(g.short == g.required - g.rostered > 0 for g in gaps)


def test_s01_night_post_across_midnight() -> None:
    # rule S-01: a night requirement written as two parts; the roster crosses midnight
    roster = (shift("丁", at(22, 30), at(6, day=1), "车库"),)
    gaps = staffing_gaps(requirements=NIGHT_ONLY, roster=roster, start=at(20), end=at(8, day=1))
    assert [(hm(g.start), hm(g.end), g.short) for g in gaps] == [("24 22:00", "24 22:30", 1)]
    assert gaps[0].message == "车库 2026年11月24日 22:00–22:30 缺1人（需1人，已排0人）"


def test_s01_t4_example_plan() -> None:
    # rule S-01: the T4 plan needs ten guards round the clock; an empty roster shows every post
    posts = t4_example_posts()
    assert sum(p.headcount for p in posts) == 10
    assert sum(required_at(posts, p.post, at(3)) for p in posts) == 10
    gaps = staffing_gaps(requirements=posts, roster=(), start=at(0), end=at(0, day=1))
    assert {(g.post, g.short, g.end - g.start) for g in gaps} == {
        (p.post, p.headcount, timedelta(days=1)) for p in posts
    }


def test_s01_roster_conflicts() -> None:
    # rule S-01: one guard on two posts at once is listed
    a = shift("甲", at(8), at(16))
    b = shift("甲", at(15), at(20), "西门")
    c = shift("甲", at(16), at(20))  # back-to-back with a: no conflict
    d = shift("乙", at(8), at(16))
    assert roster_conflicts((a, b, c, d)) == ((a, b), (b, c))


@pytest.mark.parametrize(
    ("make", "code"),
    [
        pytest.param(lambda: PostRequirement("东门", 1, 22, 6), "staffing.hours", id="wrap"),
        pytest.param(lambda: PostRequirement("东门", -1), "staffing.headcount", id="negative"),
        pytest.param(lambda: PostRequirement(" ", 1), "staffing.post", id="no-post"),
        pytest.param(lambda: shift("甲", at(9), at(8)), "time.order", id="shift-reversed"),
        pytest.param(
            lambda: staffing_gaps(
                requirements=(GATE,), roster=(), start=datetime(2026, 11, 24), end=at(8)
            ),
            "time.naive",
            id="naive",
        ),
    ],
)
def test_s01_bad_input(make: Any, code: str) -> None:
    with pytest.raises(InvalidInput) as err:  # rule S-01
        make()
    assert err.value.code == code


# == S-02: 24-hour duty with a named leader ======================================================

# fmt: off
S02 = [
    pytest.param((LeaderDuty("张校长", at(0), at(0, day=1)),), [], id="whole-day"),
    pytest.param((LeaderDuty("张校长", at(0), at(12)), LeaderDuty("李主任", at(12), at(0, day=1))), [], id="back-to-back"),
    pytest.param((LeaderDuty("张校长", at(0), at(12)), LeaderDuty("李主任", at(13), at(0, day=1))), [("24 12:00", "24 13:00")], id="hour-gap"),
    pytest.param((LeaderDuty("张校长", at(8), at(20)), LeaderDuty("李主任", at(10), at(12))), [("24 00:00", "24 08:00"), ("24 20:00", "25 00:00")], id="overlap-and-night-uncovered"),
    pytest.param((), [("24 00:00", "25 00:00")], id="nobody"),
]
# fmt: on


@pytest.mark.parametrize(("duties", "expected"), S02)
def test_s02_duty_leader_gaps(duties: tuple[LeaderDuty, ...], expected: list[Any]) -> None:
    gaps = duty_leader_gaps(duties=duties, start=at(0), end=at(0, day=1))  # rule S-02
    assert [(hm(g.start), hm(g.end)) for g in gaps] == expected


def test_s02_leader_must_be_named() -> None:
    with pytest.raises(InvalidInput) as err:  # rule S-02
        LeaderDuty("  ", at(0), at(12))
    assert err.value.code == "duty.leader"


# == S-03: handover ==============================================================================

# fmt: off
S03_ARRIVAL = [
    pytest.param(at(7, 45), 0, False, "按时到岗", id="early"),
    pytest.param(at(7, 50), 0, False, "按时到岗", id="exactly-ten-before"),
    pytest.param(at(7, 50, second=1), 1, False, "迟到1分钟（应于07:50前到岗交接）", id="a-second-late"),
    pytest.param(at(7, 55), 5, False, "迟到5分钟", id="five-late-before-start"),
    pytest.param(at(8, 3), 13, True, "迟到13分钟", id="after-shift-start"),
]
# fmt: on


@pytest.mark.parametrize(("arrived", "late", "after_start", "says"), S03_ARRIVAL)
def test_s03_arrival_ten_minutes_early(
    arrived: datetime, late: int, after_start: bool, says: str
) -> None:
    a = arrival_status(shift_start=at(8), arrived_at=arrived)  # rule S-03
    assert (a.minutes_late, a.on_time, a.after_start) == (late, late == 0, after_start)
    assert a.due == at(7, 50)
    assert says in a.message


def test_s03_early_minutes_configurable() -> None:
    a = arrival_status(shift_start=at(8), arrived_at=at(7, 55), early_minutes=5)  # rule S-03
    assert a.on_time


PREV = Handover("H1", "甲", "乙", at(8), True, True, open_matters=("3号楼漏水待修", "快递待领"))

# fmt: off
S03_HANDOVER = [
    pytest.param(Handover("H2", "乙", "丙", at(20), True, True, open_matters=("3号楼漏水待修",), resolved=("快递待领",)), (), (), (), (), True, id="complete"),
    pytest.param(Handover("H2", "乙", "丙", at(20), True, False, open_matters=("3号楼漏水待修", "快递待领")), (), ("丙",), (), (), False, id="incoming-not-signed"),
    pytest.param(Handover("H2", "乙", "丙", at(20), open_matters=PREV.open_matters), (), ("乙", "丙"), (), (), False, id="nobody-signed"),
    pytest.param(Handover("H2", "乙", "丙", at(20), True, True, open_matters=("3号楼漏水待修",)), (), (), ("快递待领",), (), False, id="matter-dropped"),
    pytest.param(Handover("H2", "乙", "丙", at(20), True, True, open_matters=("3号楼漏水待修", "快递待领"), keys=("大门",)), ("大门", "仓库"), (), (), ("仓库",), False, id="key-kept"),
]
# fmt: on


@pytest.mark.parametrize(
    ("handover", "keys", "unsigned", "dropped", "kept", "complete"), S03_HANDOVER
)
def test_s03_s08_handover(
    handover: Handover,
    keys: tuple[str, ...],
    unsigned: tuple[str, ...],
    dropped: tuple[str, ...],
    kept: tuple[str, ...],
    complete: bool,
) -> None:
    # rule S-03 / rule S-08: signed by both, open matters carried, keys passed on
    c = check_handover(handover=handover, previous=PREV, outgoing_keys=keys)
    assert (c.unsigned_by, c.dropped_matters, c.keys_not_handed) == (unsigned, dropped, kept)
    assert c.signed is (not unsigned)
    assert c.complete is complete
    assert len(c.problems) == len(unsigned) + len(dropped) + len(kept)
    for who in unsigned:
        assert f"{who}未签字" in c.problems


# == S-08: key custody ===========================================================================


def test_s08_key_custody() -> None:
    # rule S-08: who holds which key, keys with no holder, hand-offs by a non-holder
    events = (
        KeyEvent("大门", at(8), "甲"),
        KeyEvent("仓库", at(8), "甲"),
        KeyEvent("大门", at(20), "乙", from_="甲"),
        KeyEvent("仓库", at(20, 5), "丙", from_="乙"),  # 乙 never held it: irregular
        KeyEvent("配电房", at(21), None, from_=None),  # recorded lost
        KeyEvent("大门", at(8, day=1), "丙", from_="乙"),  # not yet happened
    )
    c = key_custody(keys=("大门", "仓库", "配电房", "天台"), events=events, now=at(22))
    assert dict(c.holders) == {"大门": "乙", "仓库": "丙", "配电房": None, "天台": None}
    assert c.unheld == ("配电房", "天台")
    assert [e.key for e in c.irregular] == ["仓库"]
    assert c.held_by("乙") == ("大门",)


def test_s08_key_events_in_time_order() -> None:
    # rule S-08: events given out of order are applied in time order
    events = (KeyEvent("大门", at(20), "乙", from_="甲"), KeyEvent("大门", at(8), "甲"))
    c = key_custody(keys=("大门",), events=events, now=at(21))
    assert c.holders["大门"] == "乙"
    assert c.irregular == ()


# == S-09: temporary absence from the booth =====================================================

COMMUTE = ((time(7, 30), time(8, 30)), (time(17, 30), time(18, 30)))

# fmt: off
S09 = [
    pytest.param(Absence("甲", at(10), at(10, 10), gate_closed=True), [], id="gate-closed"),
    pytest.param(Absence("甲", at(10), at(10, 10), cover="行政人事部 刘敏"), [], id="named-cover"),
    pytest.param(Absence("甲", at(10), at(10, 10)), [FindingKind.BOOTH_UNATTENDED], id="neither"),
    pytest.param(Absence("甲", at(10), at(10, 5), cover="  "), [FindingKind.BOOTH_UNATTENDED], id="blank-cover"),
    pytest.param(Absence("甲", at(17), None, gate_closed=True), [FindingKind.LEFT_AT_COMMUTE], id="still-away-into-the-commute"),
    pytest.param(Absence("甲", at(8, 15), at(8, 20), gate_closed=True), [FindingKind.LEFT_AT_COMMUTE], id="commute-even-with-gate-closed"),
    pytest.param(Absence("甲", at(17), at(17, 40)), [FindingKind.LEFT_AT_COMMUTE, FindingKind.BOOTH_UNATTENDED], id="into-the-commute"),
    pytest.param(Absence("甲", at(17), at(17, 30), gate_closed=True), [], id="back-as-commute-starts"),
]
# fmt: on


@pytest.mark.parametrize(("absence", "kinds"), S09)
def test_s09_booth_absence(absence: Absence, kinds: list[FindingKind]) -> None:
    found = check_absence(absence=absence, now=at(17, 45), commute=COMMUTE)  # rule S-09
    assert [f.kind for f in found] == kinds
    for f in found:
        assert f.rule == "S-09"
        assert f.guard == "甲"
    if FindingKind.BOOTH_UNATTENDED in kinds:
        assert "未关大门也未安排人员照看" in found[-1].message


# == S-04: night patrol ==========================================================================

ROUTE = Route("夜巡一号线", ("北门", "仓库"), time(22, 0), rounds=3, every_minutes=120)
# rounds: 22:00–24:00, 00:00–02:00, 02:00–04:00; late up to 15 minutes after the close


def states(scans: tuple[Scan, ...], now: datetime) -> list[tuple[int, str, CheckState, int]]:
    got = patrol_status(route=ROUTE, scans=scans, now=now, night_of=DAY0)
    return [(s.round_no, s.checkpoint, s.state, s.minutes_late) for s in got]


ON, LATE, MISS = CheckState.ON_TIME, CheckState.LATE, CheckState.MISSED
OPEN, GRACE, UP = CheckState.OPEN, CheckState.GRACE, CheckState.UPCOMING

# fmt: off
S04 = [
    pytest.param((), at(21), [(1, "北门", UP, 0), (1, "仓库", UP, 0), (2, "北门", UP, 0), (2, "仓库", UP, 0), (3, "北门", UP, 0), (3, "仓库", UP, 0)], id="before-the-night"),
    pytest.param((Scan("北门", at(22, 10)),), at(23), [(1, "北门", ON, 0), (1, "仓库", OPEN, 0), (2, "北门", UP, 0), (2, "仓库", UP, 0), (3, "北门", UP, 0), (3, "仓库", UP, 0)], id="live-first-round"),
    pytest.param((Scan("北门", at(22, 10)),), at(0, 10, day=1), [(1, "北门", ON, 0), (1, "仓库", GRACE, 0), (2, "北门", OPEN, 0), (2, "仓库", OPEN, 0), (3, "北门", UP, 0), (3, "仓库", UP, 0)], id="in-grace-not-missed-yet"),
    pytest.param((Scan("北门", at(22, 10)),), at(0, 15, day=1), [(1, "北门", ON, 0), (1, "仓库", GRACE, 0), (2, "北门", OPEN, 0), (2, "仓库", OPEN, 0), (3, "北门", UP, 0), (3, "仓库", UP, 0)], id="grace-end-inclusive"),
    pytest.param((Scan("北门", at(22, 10)),), at(0, 16, day=1), [(1, "北门", ON, 0), (1, "仓库", MISS, 0), (2, "北门", OPEN, 0), (2, "仓库", OPEN, 0), (3, "北门", UP, 0), (3, "仓库", UP, 0)], id="missed-after-grace"),
    pytest.param((Scan("北门", at(22, 10)), Scan("仓库", at(0, 7, day=1)), Scan("仓库", at(1, 0, day=1)), Scan("北门", at(3, 0, day=1))), at(6, day=1), [(1, "北门", ON, 0), (1, "仓库", LATE, 7), (2, "北门", MISS, 0), (2, "仓库", ON, 0), (3, "北门", ON, 0), (3, "仓库", MISS, 0)], id="whole-night"),
    pytest.param((Scan("北门", at(21, 59)), Scan("北门", at(22, 1)), Scan("北门", at(22, 30))), at(6, day=1), [(1, "北门", ON, 0), (1, "仓库", MISS, 0), (2, "北门", MISS, 0), (2, "仓库", MISS, 0), (3, "北门", MISS, 0), (3, "仓库", MISS, 0)], id="early-scan-and-repeats-count-once"),
    pytest.param((Scan("食堂", at(22, 30)), Scan("北门", at(22, 30)), Scan("仓库", at(2, 30, day=1))), at(1, day=1), [(1, "北门", ON, 0), (1, "仓库", MISS, 0), (2, "北门", OPEN, 0), (2, "仓库", OPEN, 0), (3, "北门", UP, 0), (3, "仓库", UP, 0)], id="future-and-foreign-scans-ignored"),
]
# fmt: on


@pytest.mark.parametrize(("scans", "now", "expected"), S04)
def test_s04_patrol_status(scans: tuple[Scan, ...], now: datetime, expected: list[Any]) -> None:
    assert states(scans, now) == expected  # rule S-04


def test_s04_night_inferred_from_now() -> None:
    # rule S-04: at 03:00 and at 14:00 the night in question is the one that began yesterday
    scans = (Scan("北门", at(22, 5), "王强"),)
    for now in (at(3, day=1), at(14, day=1)):
        got = patrol_status(route=ROUTE, scans=scans, now=now)
        assert got[0].opens == at(22)
        assert (got[0].state, got[0].guard, got[0].scanned_at) == (ON, "王强", at(22, 5))
    # at 23:00 the night of today is under way
    assert patrol_status(route=ROUTE, scans=scans, now=at(23))[0].state is ON


def test_s04_window_and_grace_configurable() -> None:
    # rule S-04: a 30-minute window every hour, 5 minutes' grace
    route = Route("车库", ("B1",), time(0, 0), rounds=2, every_minutes=60, window_minutes=30,
                  grace_minutes=5)  # fmt: skip
    scans = (Scan("B1", at(0, 34)), Scan("B1", at(1, 10)))
    got = patrol_status(route=route, scans=scans, now=at(3), night_of=DAY0)
    assert [(s.state, s.minutes_late, hm(s.closes), hm(s.missed_from)) for s in got] == [
        (LATE, 4, "24 00:30", "24 00:35"),
        (ON, 0, "24 01:30", "24 01:35"),
    ]


# == S-05 / S-06: anomalies and escalation =======================================================

# fmt: off
S05_DUTIES = [
    pytest.param(AnomalyKind.FIGHT, {Duty.REGISTER, Duty.ESCALATE, Duty.ARCHIVE_VIDEO}, id="fight"),
    pytest.param(AnomalyKind.THEFT, {Duty.REGISTER, Duty.ESCALATE, Duty.ARCHIVE_VIDEO}, id="theft"),
    pytest.param(AnomalyKind.TRAFFIC_ACCIDENT, {Duty.REGISTER, Duty.ESCALATE, Duty.ARCHIVE_VIDEO}, id="accident"),
    pytest.param(AnomalyKind.FIRE, {Duty.REGISTER, Duty.ESCALATE, Duty.ARCHIVE_VIDEO}, id="fire"),
    pytest.param(AnomalyKind.SUSPICIOUS_PERSON, {Duty.REGISTER, Duty.ESCALATE, Duty.NOTIFY_PATROL}, id="suspicious-person"),
    pytest.param(AnomalyKind.SUSPICIOUS_VEHICLE, {Duty.REGISTER, Duty.ESCALATE, Duty.NOTIFY_PATROL}, id="suspicious-vehicle"),
    pytest.param(AnomalyKind.DECORATION_WASTE_IN_LIFT, {Duty.REGISTER, Duty.ESCALATE, Duty.NOTIFY_PATROL}, id="waste-in-lift"),
    pytest.param(AnomalyKind.EQUIPMENT_FAULT, {Duty.REGISTER, Duty.ESCALATE, Duty.NOTIFY_MAINTENANCE}, id="equipment-fault"),
    pytest.param(AnomalyKind.HAZARDOUS_GOODS, {Duty.REGISTER, Duty.ESCALATE}, id="hazardous-goods"),
]
# fmt: on


@pytest.mark.parametrize(("kind", "duties"), S05_DUTIES)
def test_s05_s06_anomaly_obligations(kind: AnomalyKind, duties: set[Duty]) -> None:
    obligations = anomaly_obligations(kind)  # rule S-05 / rule S-06
    assert {o.duty for o in obligations} == duties
    assert obligations[0].register is Register.ANOMALY
    assert "第一时间上报" in obligations[1].note


# fmt: off
S05_ESCALATION = [
    pytest.param(Severity.HIGH, None, at(10, 4), at(10, 5), False, False, id="within-minutes"),
    pytest.param(Severity.HIGH, None, at(10, 5), at(10, 5), True, False, id="time-up"),
    pytest.param(Severity.HIGH, at(10, 3), at(10, 30), at(10, 5), False, False, id="acknowledged"),
    pytest.param(Severity.HIGH, at(10, 8), at(10, 30), at(10, 5), False, True, id="acknowledged-late"),
    pytest.param(Severity.HIGH, at(10, 8), at(10, 6), at(10, 5), True, False, id="ack-not-yet-known"),
    pytest.param(Severity.CRITICAL, None, at(10, 2), at(10, 2), True, False, id="critical-2-minutes"),
    pytest.param(Severity.LOW, None, at(10, 29), at(10, 30), False, False, id="low-30-minutes"),
]
# fmt: on


@pytest.mark.parametrize(("severity", "ack", "now", "due", "escalate", "late"), S05_ESCALATION)
def test_s05_escalation(
    severity: Severity,
    ack: datetime | None,
    now: datetime,
    due: datetime,
    escalate: bool,
    late: bool,
) -> None:
    e = escalation_due(reported_at=at(10), acknowledged_at=ack, severity=severity, now=now)
    assert (e.due_at, e.escalate, e.acknowledged_late) == (due, escalate, late)  # rule S-05


def test_s05_escalation_policy_configurable() -> None:
    # rule S-05: a site sets its own minutes per severity; a missing one is a clear error
    policy = EscalationPolicy({Severity.MEDIUM: 1})
    e = escalation_due(
        reported_at=at(10), acknowledged_at=None, severity=Severity.MEDIUM, policy=policy,
        now=at(10, 1),
    )  # fmt: skip
    assert e.escalate
    with pytest.raises(InvalidInput) as err:
        escalation_due(
            reported_at=at(10), acknowledged_at=None, severity=Severity.LOW, policy=policy,
            now=at(10, 1),
        )  # fmt: skip
    assert err.value.code == "escalation.severity"


# == S-13: the emergency notification chain =====================================================

CHAIN = (ChainStep("值班班长", 5), ChainStep("保安经理", 5), ChainStep("物业总经理", 10))
W, C, A, F = CallState.WAITING, CallState.CALLING, CallState.ACKNOWLEDGED, CallState.FAILED

# fmt: off
S13 = [
    pytest.param({}, at(10, 2), "值班班长", [C, W, W], (), id="first-being-called"),
    pytest.param({"值班班长": at(10, 1)}, at(10, 2), "保安经理", [A, C, W], (), id="ack-calls-next-at-once"),
    pytest.param({}, at(10, 5), "保安经理", [F, C, W], ("值班班长",), id="no-ack-in-five"),
    pytest.param({}, at(10, 12), "物业总经理", [F, F, C], ("值班班长", "保安经理"), id="two-failed"),
    pytest.param({"值班班长": at(10, 7)}, at(10, 8), "保安经理", [F, C, W], ("值班班长",), id="late-ack-still-failed"),
    pytest.param({"值班班长": at(10, 5)}, at(10, 6), "保安经理", [A, C, W], (), id="ack-on-the-deadline"),
    pytest.param({"值班班长": at(10, 1), "保安经理": at(10, 3), "物业总经理": at(10, 4)}, at(10, 30), None, [A, A, A], (), id="all-acknowledged"),
    pytest.param({"物业总经理": at(10, 0)}, at(10, 1), "值班班长", [C, W, W], (), id="early-ack-waits-its-turn"),
    pytest.param({"值班班长": at(10, 1), "物业总经理": at(10, 0)}, at(10, 7), None, [A, F, A], ("保安经理",), id="early-ack-counts-at-the-call"),
    pytest.param({}, at(10, 30), None, [F, F, F], ("值班班长", "保安经理", "物业总经理"), id="nobody-answered"),
]
# fmt: on


@pytest.mark.parametrize(("acks", "now", "calling", "states_", "failed"), S13)
def test_s13_chain_state(
    acks: dict[str, datetime],
    now: datetime,
    calling: str | None,
    states_: list[CallState],
    failed: tuple[str, ...],
) -> None:
    s = chain_state(chain=CHAIN, acks=acks, started_at=at(10), now=now)  # rule S-13
    assert s.calling == calling
    assert [c.state for c in s.calls] == states_
    assert s.failed == failed
    assert s.done is (calling is None)


def test_s13_chain_call_times() -> None:
    # rule S-13: each is called when the previous acknowledged or ran out of minutes
    s = chain_state(chain=CHAIN, acks={"保安经理": at(10, 7)}, started_at=at(10), now=at(10, 9))
    assert [(c.who, c.called_at, c.deadline) for c in s.calls] == [
        ("值班班长", at(10), at(10, 5)),
        ("保安经理", at(10, 5), at(10, 10)),
        ("物业总经理", at(10, 7), at(10, 17)),
    ]
    with pytest.raises(InvalidInput):
        chain_state(chain=(*CHAIN, CHAIN[0]), acks={}, started_at=at(10), now=at(10))


# == S-07: cleaning rota =========================================================================


@pytest.mark.parametrize(
    ("day", "guard"),
    [
        pytest.param(DAY0, "甲", id="first-day"),
        pytest.param(DAY0 + timedelta(days=1), "乙", id="next"),
        pytest.param(DAY0 + timedelta(days=3), "甲", id="wraps"),
        pytest.param(DAY0 - timedelta(days=1), "丙", id="before-the-start"),
    ],
)
def test_s07_cleaning_rota(day: date, guard: str) -> None:
    assert cleaner_on(guards=("甲", "乙", "丙"), first_day=DAY0, day=day) == guard  # rule S-07


def test_s07_rota_table() -> None:
    rota = cleaning_rota(guards=("甲", "乙"), first_day=DAY0, start=DAY0, days=3)  # rule S-07
    assert rota == (
        (DAY0, "甲"),
        (DAY0 + timedelta(days=1), "乙"),
        (DAY0 + timedelta(days=2), "甲"),
    )
    with pytest.raises(InvalidInput):
        cleaner_on(guards=(), first_day=DAY0, day=DAY0)


def test_s07_rota_span() -> None:
    # rule S-07: the days the rota is listed for — a week back and two weeks ahead by default,
    # 21 days from (or up to) a single end, the range asked, at most CLEANING_MAX_DAYS
    today = DAY0 + timedelta(days=30)
    assert cleaning_span(today=today) == (today - timedelta(days=7), 21)
    assert cleaning_span(today=today, date_from=DAY0) == (DAY0, 21)
    assert cleaning_span(today=today, date_to=DAY0) == (DAY0 - timedelta(days=20), 21)
    assert cleaning_span(today=today, date_from=DAY0, date_to=DAY0) == (DAY0, 1)
    last = DAY0 + timedelta(days=CLEANING_MAX_DAYS - 1)
    assert cleaning_span(today=today, date_from=DAY0, date_to=last) == (DAY0, CLEANING_MAX_DAYS)
    with pytest.raises(InvalidInput) as too_long:
        cleaning_span(today=today, date_from=DAY0, date_to=last + timedelta(days=1))
    assert too_long.value.code == "rota.range"
    assert too_long.value.details == {"days": CLEANING_MAX_DAYS + 1}
    with pytest.raises(InvalidInput) as backwards:
        cleaning_span(today=today, date_from=DAY0, date_to=DAY0 - timedelta(days=1))
    assert backwards.value.code == "rota.range"


# == S-11: hazard inspections ====================================================================

GAS = HazardFinding(
    "YH-1", KeyPlace.GAS, "食堂燃气软管老化", "后勤 赵工", DAY0, DAY0 + timedelta(days=3)
)

# fmt: off
S11 = [
    pytest.param(None, DAY0 + timedelta(days=3), FixState.OPEN, 0, id="deadline-day-still-open"),
    pytest.param(None, DAY0 + timedelta(days=5), FixState.OVERDUE, 2, id="overdue"),
    pytest.param(DAY0 + timedelta(days=2), DAY0 + timedelta(days=5), FixState.FIXED, 0, id="fixed"),
    pytest.param(DAY0 + timedelta(days=4), DAY0 + timedelta(days=5), FixState.FIXED_LATE, 0, id="fixed-late"),
    pytest.param(DAY0 + timedelta(days=6), DAY0 + timedelta(days=5), FixState.OVERDUE, 2, id="fix-not-yet-known"),
]
# fmt: on


@pytest.mark.parametrize(("fixed", "today", "state", "overdue"), S11)
def test_s11_hazard_deadlines(
    fixed: date | None, today: date, state: FixState, overdue: int
) -> None:
    finding = HazardFinding(GAS.ref, GAS.place, GAS.description, GAS.owner, GAS.found_on,
                            GAS.deadline, fixed)  # fmt: skip
    assert hazard_state(finding, today=today) is state  # rule S-11
    assert days_overdue(finding, today=today) == overdue


# == S-12: hotline tickets =======================================================================

# fmt: off
S12 = [
    pytest.param(Ticket("T1", at(9)), at(9, 30), [], id="answer-not-yet-due"),
    pytest.param(Ticket("T1", at(9)), at(9, 31), [(TicketStep.ANSWER, at(9, 30), None)], id="not-answered"),
    pytest.param(Ticket("T1", at(9), answered_at=at(9, 40)), at(10), [(TicketStep.ANSWER, at(9, 30), at(9, 40))], id="answered-late"),
    pytest.param(Ticket("T1", at(9), answered_at=at(9, 10)), at(9, 11, day=1), [(TicketStep.FOLLOW_UP, at(9, 10, day=1), None)], id="no-follow-up"),
    pytest.param(Ticket("T1", at(9), at(9, 10), at(15), closed_at=at(16)), at(16, day=7), [], id="visit-back-not-due"),
    pytest.param(Ticket("T1", at(9), at(9, 10), at(15), closed_at=at(16)), at(16, 1, day=7), [(TicketStep.VISIT_BACK, at(16, day=7), None)], id="visit-back-overdue"),
    pytest.param(Ticket("T1", at(9), at(9, 10), at(15), at(16), visited_back_at=at(10, day=3)), at(10, day=9), [], id="all-in-time"),
    pytest.param(Ticket("T1", at(9), answered_at=at(9, 40)), at(9, 35), [(TicketStep.ANSWER, at(9, 30), None)], id="answer-not-yet-known"),
]
# fmt: on


@pytest.mark.parametrize(("ticket", "now", "expected"), S12)
def test_s12_hotline_tickets(ticket: Ticket, now: datetime, expected: list[Any]) -> None:
    alerts = ticket_alerts(ticket, now=now)  # rule S-12
    assert [(a.step, a.due_at, a.done_at) for a in alerts] == expected


def test_s12_messages_and_policy() -> None:
    # rule S-12: the deadlines are configuration; the message says what and by when
    policy = TicketPolicy(
        answer_within_minutes=5, follow_up_within_hours=2, visit_back_within_days=1
    )
    [alert] = ticket_alerts(Ticket("T1", at(9)), policy=policy, now=at(9, 6))
    assert alert.message == "答复已超时（应于2026年11月24日 09:05前完成）"
    [alert] = ticket_alerts(Ticket("T1", at(9), at(9, 3), at(12)), policy=policy, now=at(13))
    assert alert.message == "跟进处理超时完成（应于2026年11月24日 11:03前完成）"


# == S-10: weekly spot checks and the penalty ladder =============================================

MONDAY = at(9, day=6)  # the spot check, Monday 30 Nov 2026, 09:00
PATROL_ROUTE = Route("夜巡", ("北门",), time(22), rounds=1)
WEEK = WeekRegisters(
    visitors=(
        VisitorRow("V-1", "王强", at(10), at(11)),
        VisitorRow("V-2", "王强", at(15)),  # never closed
        VisitorRow("V-3", "李明", at(8, day=6)),  # today: the visitor may still be inside
    ),
    midshift=(MidshiftRow("M-1", "李明", at(14, day=1)), MidshiftRow("M-2", "李明", at(9, day=2), at(10, day=2))),
    patrols=(PatrolNight("赵刚", PATROL_ROUTE, DAY0, (Scan("北门", at(0, 10, day=1)),)),
             PatrolNight("赵刚", PATROL_ROUTE, DAY0 + timedelta(days=1))),
    handovers=(Handover("H-1", "王强", "李明", at(20), True, False),),
    arrivals=(ShiftArrival("李明", at(20), at(19, 58)),),
    slip_shifts=(ShiftSlips("王强", "孙队", at(20, day=2), ("FX-1",)),),
    slip_handoffs=(SlipHandoff("FX-1", HandoffStage.TO_SQUAD_LEADER, at(19, day=2)),),
    absences=(Absence("王强", at(12, day=3)),),
)  # fmt: skip


def test_s10_spot_check_findings_per_guard() -> None:
    found = spot_check(registers=WEEK, as_of=MONDAY)  # rule S-10
    assert [(f.guard, f.kind, f.ref, f.rule, f.register) for f in found] == [
        ("孙队", FindingKind.SLIP_NOT_HANDED_ON, "FX-1", "G-05", Register.GOODS_RELEASE),
        ("李明", FindingKind.LATE_ARRIVAL, "", "S-03", Register.HANDOVER),
        ("李明", FindingKind.HANDOVER_UNSIGNED, "H-1", "S-03", Register.HANDOVER),
        ("李明", FindingKind.MIDSHIFT_NO_RETURN, "M-1", "P-12", Register.STAFF_MIDSHIFT),
        ("王强", FindingKind.VISITOR_NO_TIME_OUT, "V-2", "VI-03", Register.VISITOR),
        ("王强", FindingKind.BOOTH_UNATTENDED, "", "S-09", None),
        ("赵刚", FindingKind.CHECKPOINT_LATE, "夜巡 第1轮 北门", "S-04", Register.NIGHT_PATROL),
        ("赵刚", FindingKind.CHECKPOINT_MISSED, "夜巡 第1轮 北门", "S-04", Register.NIGHT_PATROL),
    ]
    late = next(f for f in found if f.kind is FindingKind.CHECKPOINT_LATE)
    assert (
        late.message == "2026年11月25日 00:00 赵刚：巡查点超时打卡（夜巡 第1轮 北门，超时10分钟）"
    )
    arrival = next(f for f in found if f.kind is FindingKind.LATE_ARRIVAL)
    assert "迟到8分钟" in arrival.message


def test_s10_spot_check_of_a_clean_week_finds_nothing() -> None:
    clean = WeekRegisters(
        visitors=(VisitorRow("V-1", "王强", at(10), at(11)),),
        midshift=(MidshiftRow("M-2", "李明", at(9), at(10)),),
        patrols=(PatrolNight("赵刚", PATROL_ROUTE, DAY0, (Scan("北门", at(22, 30)),)),),
        handovers=(Handover("H-1", "王强", "李明", at(20), True, True),),
        arrivals=(ShiftArrival("李明", at(20), at(19, 45)),),
        slip_shifts=(ShiftSlips("王强", "孙队", at(20), ("FX-1",)),),
        slip_handoffs=(
            SlipHandoff("FX-1", HandoffStage.TO_SQUAD_LEADER, at(19)),
            SlipHandoff("FX-1", HandoffStage.TO_SERVICE, at(9, day=1)),
        ),
        absences=(Absence("王强", at(12), at(12, 5), gate_closed=True),),
    )
    assert spot_check(registers=clean, as_of=MONDAY) == ()  # rule S-10


def finding(kind: FindingKind, day: int, guard: str = "王强") -> Finding:
    return Finding(guard, kind, at(10, day=day))


UNSIGNED, MISSED = FindingKind.HANDOVER_UNSIGNED, FindingKind.CHECKPOINT_MISSED

# fmt: off
S10_LADDER = [
    pytest.param((), finding(UNSIGNED, 0), PenaltyPolicy(), PenaltyKind.NOTICE, 0, "首次违规，出公告", id="first-notice"),
    pytest.param((PastViolation("王强", UNSIGNED, DAY0),), finding(UNSIGNED, 7), PenaltyPolicy(), PenaltyKind.FINE, 5000, "第二次出现同样问题（上次2026年11月24日），罚款50.00元", id="repeat-fined"),
    pytest.param((PastViolation("王强", MISSED, DAY0),), finding(UNSIGNED, 7), PenaltyPolicy(), PenaltyKind.NOTICE, 0, "出公告", id="other-kind-is-first"),
    pytest.param((PastViolation("李明", UNSIGNED, DAY0),), finding(UNSIGNED, 7), PenaltyPolicy(), PenaltyKind.NOTICE, 0, "出公告", id="other-guard"),
    pytest.param((PastViolation("王强", UNSIGNED, DAY0),), finding(UNSIGNED, 0), PenaltyPolicy(), PenaltyKind.NOTICE, 0, "出公告", id="same-day-not-a-repeat"),
    pytest.param((PastViolation("王强", UNSIGNED, DAY0 - timedelta(days=800)),), finding(UNSIGNED, 0), PenaltyPolicy(), PenaltyKind.FINE, 5000, "罚款50.00元", id="no-window-by-default"),
    pytest.param((PastViolation("王强", UNSIGNED, DAY0 - timedelta(days=366)),), finding(UNSIGNED, 0), PenaltyPolicy(repeat_within_days=365), PenaltyKind.NOTICE, 0, "出公告", id="outside-window"),
    pytest.param((PastViolation("王强", UNSIGNED, DAY0 - timedelta(days=365)),), finding(UNSIGNED, 0), PenaltyPolicy(repeat_within_days=365), PenaltyKind.FINE, 5000, "罚款", id="window-edge"),
    pytest.param((PastViolation("王强", MISSED, DAY0),), finding(MISSED, 1), PenaltyPolicy(fine_fen=2000, fine_by_kind={MISSED: 10050}), PenaltyKind.FINE, 10050, "罚款100.50元", id="per-kind-amount"),
    pytest.param((PastViolation("王强", UNSIGNED, DAY0),), finding(UNSIGNED, 1), PenaltyPolicy(fine_fen=2000, fine_by_kind={MISSED: 10050}), PenaltyKind.FINE, 2000, "罚款20.00元", id="site-default-amount"),
]
# fmt: on


@pytest.mark.parametrize(("history", "f", "policy", "kind", "fen", "says"), S10_LADDER)
def test_s10_penalty_ladder(
    history: tuple[PastViolation, ...],
    f: Finding,
    policy: PenaltyPolicy,
    kind: PenaltyKind,
    fen: int,
    says: str,
) -> None:
    p = penalty_for(history=history, finding=f, policy=policy)  # rule S-10
    assert (p.kind, p.amount_fen) == (kind, fen)
    assert says in p.message
    assert p.message.startswith("王强：")
    assert (p.repeat_of is None) is (kind is PenaltyKind.NOTICE)


def test_s10_assess_a_week() -> None:
    # rule S-10: in time order each finding joins the history; same day counts once
    found = (
        finding(UNSIGNED, 2),
        finding(UNSIGNED, 0),
        finding(UNSIGNED, 0),
        finding(MISSED, 1),
        finding(UNSIGNED, 1, "李明"),
    )
    got = [(f.guard, f.kind, f.at.day, p.kind) for f, p in assess_penalties(findings=found)]
    assert got == [
        ("王强", UNSIGNED, 24, PenaltyKind.NOTICE),
        ("王强", UNSIGNED, 24, PenaltyKind.NOTICE),
        ("李明", UNSIGNED, 25, PenaltyKind.NOTICE),
        ("王强", MISSED, 25, PenaltyKind.NOTICE),
        ("王强", UNSIGNED, 26, PenaltyKind.FINE),
    ]


def test_s10_bad_fine_amount() -> None:
    policy = PenaltyPolicy(fine_fen=0)
    history = (PastViolation("王强", UNSIGNED, DAY0),)
    with pytest.raises(InvalidInput) as err:  # rule S-10
        penalty_for(history=history, finding=finding(UNSIGNED, 1), policy=policy)
    assert err.value.code == "penalty.amount"


# == properties ==================================================================================

FIVE = timedelta(minutes=5)
slots = st.integers(min_value=0, max_value=24 * 12)  # 5-minute marks over a day
guards = st.sampled_from(["甲", "乙", "丙", "丁"])


@st.composite
def shifts(draw: st.DrawFn) -> RosterShift:
    a, b = sorted((draw(slots), draw(slots)))
    return RosterShift(draw(guards), "东门", at(0) + a * FIVE, at(0) + b * FIVE)


requirements = st.lists(
    st.builds(
        PostRequirement,
        post=st.just("东门"),
        headcount=st.integers(min_value=0, max_value=3),
        from_hour=st.integers(min_value=0, max_value=11),
        to_hour=st.integers(min_value=12, max_value=24),
    ),
    min_size=1,
    max_size=3,
)


def shortage(reqs: list[PostRequirement], roster: list[RosterShift], t: datetime) -> int:
    present = {s.guard for s in roster if s.start <= t < s.end}
    return max(0, required_at(reqs, "东门", t) - len(present))


def gap_at(gaps: tuple[Any, ...], t: datetime) -> int:
    return next((g.short for g in gaps if g.start <= t < g.end), 0)


@settings(max_examples=60)
@given(reqs=requirements, roster=st.lists(shifts(), max_size=5), extra=shifts())
def test_s01_property_gaps_are_exactly_the_shortage(
    reqs: list[PostRequirement], roster: list[RosterShift], extra: RosterShift
) -> None:
    # rule S-01: a gap appears exactly where the roster falls short, by exactly that much;
    # and adding a guard's shift never makes any moment worse
    before = staffing_gaps(requirements=reqs, roster=roster, start=at(0), end=at(0, day=1))
    after = staffing_gaps(requirements=reqs, roster=[*roster, extra], start=at(0), end=at(0, day=1))
    for i in range(24 * 12):
        t = at(0) + i * FIVE
        assert gap_at(before, t) == shortage(reqs, roster, t)
        assert gap_at(after, t) <= gap_at(before, t)


night_minutes = st.integers(min_value=-90, max_value=8 * 60)  # 20:30 … 06:00, from 22:00


@settings(max_examples=80)
@given(
    scans=st.lists(st.tuples(st.sampled_from(["北门", "仓库"]), night_minutes), max_size=8),
    now=night_minutes,
)
def test_s04_property_missed_only_after_window_and_grace(
    scans: list[tuple[str, int]], now: int
) -> None:
    # rule S-04: never "missed" before the window closed plus the grace; scans are classified
    # against their own window, and nothing after ``now`` is used
    moment = at(22) + timedelta(minutes=now)
    recorded = tuple(Scan(cp, at(22) + timedelta(minutes=m)) for cp, m in scans)
    for s in patrol_status(route=ROUTE, scans=recorded, now=moment, night_of=DAY0):
        assert s.missed_from == s.closes + timedelta(minutes=ROUTE.grace_minutes)
        if s.state is CheckState.MISSED:
            assert moment > s.missed_from
        if s.state in (CheckState.OPEN, CheckState.GRACE, CheckState.UPCOMING):
            assert moment <= s.missed_from
        if s.scanned_at is not None:
            assert s.opens <= s.scanned_at <= moment
            assert (s.state is CheckState.LATE) is (s.scanned_at > s.closes)
            assert s.scanned_at <= s.missed_from
            assert (s.minutes_late > 0) is (s.state is CheckState.LATE)
