"""Tests for gatehouse.core.roster: the roster as a week grid of posts by days with the gaps
marked (SPEC S-01, issue 16 §2)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from gatehouse.core.errors import InvalidInput
from gatehouse.core.guard import PostRequirement
from gatehouse.core.roster import WeekShift, parse_week, roster_week, this_week

SH = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")
MONDAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=SH)  # Tuesday
GATE = "gate"
PATROL = "patrol"


def at(hour: int, minute: int = 0, *, day: int = 0) -> datetime:
    """A wall-clock time on MONDAY + ``day``."""
    return datetime.combine(MONDAY + timedelta(days=day), time(0), tzinfo=SH) + timedelta(
        hours=hour, minutes=minute
    )


def shift(
    ref: str, start: datetime, end: datetime, *, post: str = GATE, guard: str = ""
) -> WeekShift:
    who = guard or ref
    return WeekShift(ref, post, who, f"name-{who}", start, end)


ONE_GUARD = (PostRequirement(GATE, 1),)


def grid(shifts, requirements=ONE_GUARD, posts=(GATE,), **kw):
    return roster_week(
        posts=posts,
        requirements=list(requirements),
        shifts=list(shifts),
        now=kw.pop("now", NOW),
        **kw,
    )


def gaps_of(cell):
    return [(g.start_hm, g.end_hm, g.required, g.rostered) for g in cell.gaps]


def test_a_day_fully_covered_has_no_gap():
    # rule S-01: day and night shifts cover Tuesday round the clock
    week = grid(
        [
            shift("n0", at(20, day=0), at(8, day=1)),
            shift("d1", at(8, day=1), at(20, day=1)),
            shift("n1", at(20, day=1), at(8, day=2)),
        ]
    )
    tuesday = week.rows[0].cells[1]
    assert tuesday.day == date(2026, 11, 24) and tuesday.today
    assert tuesday.gaps == ()
    assert [s.ref for s in tuesday.shifts] == ["n0", "d1", "n1"]


def test_a_shift_across_midnight_is_in_both_days():
    # rule S-01: 22:00 Monday to 06:00 Tuesday
    week = grid([shift("n", at(22), at(6, day=1))])
    monday, tuesday = week.rows[0].cells[0], week.rows[0].cells[1]
    (on_monday,) = monday.shifts
    assert (on_monday.start_days, on_monday.start_hm, on_monday.end_days, on_monday.end_hm) == (
        0, "22:00", 1, "06:00"
    )  # fmt: skip
    (on_tuesday,) = tuesday.shifts
    assert (on_tuesday.start_days, on_tuesday.start_hm, on_tuesday.end_days) == (-1, "22:00", 0)
    assert gaps_of(monday) == [("00:00", "22:00", 1, 0)]
    assert gaps_of(tuesday) == [("06:00", "24:00", 1, 0)]


def test_a_shift_ending_at_midnight_stays_in_its_day():
    week = grid([shift("e", at(16), at(0, day=1))])
    monday, tuesday = week.rows[0].cells[0], week.rows[0].cells[1]
    assert [(s.end_days, s.end_hm) for s in monday.shifts] == [(0, "24:00")]
    assert tuesday.shifts == ()
    assert gaps_of(monday) == [("00:00", "16:00", 1, 0)]


def test_two_overlapping_shifts_cover_their_union_once_each():
    # rule S-01: 06-14 and 12-22 overlap; with headcount 1 only the ends of the day are gaps
    week = grid([shift("a", at(6), at(14)), shift("b", at(12), at(22))])
    monday = week.rows[0].cells[0]
    assert [s.ref for s in monday.shifts] == ["a", "b"]
    assert gaps_of(monday) == [("00:00", "06:00", 1, 0), ("22:00", "24:00", 1, 0)]
    # with headcount 2 the overlap is the only hours fully staffed
    week = grid(
        [shift("a", at(6), at(14)), shift("b", at(12), at(22))],
        requirements=[PostRequirement(GATE, 2)],
    )
    assert gaps_of(week.rows[0].cells[0]) == [
        ("00:00", "06:00", 2, 0), ("06:00", "12:00", 2, 1), ("14:00", "22:00", 2, 1),
        ("22:00", "24:00", 2, 0),
    ]  # fmt: skip
    assert [g.uncovered for g in week.rows[0].cells[0].gaps] == [True, False, False, True]


def test_the_same_guard_twice_counts_once():
    # rule S-01: a guard counts once per post even if rostered twice
    week = grid(
        [shift("a", at(0), at(0, day=1), guard="g"), shift("b", at(8), at(12), guard="g")],
        requirements=[PostRequirement(GATE, 2)],
    )
    assert gaps_of(week.rows[0].cells[0]) == [("00:00", "24:00", 2, 1)]


def test_an_empty_post_day_is_a_whole_day_gap():
    # rule S-01: nobody rostered at the patrol post all week
    week = grid([shift("d", at(8), at(20))], posts=(GATE, PATROL),
                requirements=[PostRequirement(GATE, 1), PostRequirement(PATROL, 1)])  # fmt: skip
    patrol = week.rows[1]
    assert patrol.post == PATROL
    for cell in patrol.cells:
        assert cell.shifts == ()
        assert gaps_of(cell) == [("00:00", "24:00", 1, 0)]
        assert cell.gaps[0].minutes == 24 * 60
    assert patrol.gap_count == 7 and patrol.gap_minutes == 7 * 24 * 60
    # the summary: 7 whole days at the patrol, Monday's two ends and 6 whole days at the gate
    assert week.gap_count == 7 + 2 + 6 and week.uncovered_count == week.gap_count
    assert week.gap_minutes == (14 * 24 - 12) * 60 and week.gap_hours == "324"
    assert week.posts_with_gaps == 2


def test_required_hours_come_from_the_requirements():
    # rule S-01: 08-20 required on weekdays only; the weekend requires nothing
    req = PostRequirement(GATE, 1, 8, 20, frozenset(range(5)))
    week = grid([shift("a", at(8), at(12))], requirements=[req])
    assert gaps_of(week.rows[0].cells[0]) == [("12:00", "20:00", 1, 0)]
    assert gaps_of(week.rows[0].cells[1]) == [("08:00", "20:00", 1, 0)]
    assert week.rows[0].cells[5].gaps == () and week.rows[0].cells[6].gaps == ()
    # a post with no requirement at all has no gaps
    assert grid([], requirements=[]).gap_count == 0
    assert grid([], requirements=[]).gap_hours == "0"


def test_a_half_hour_gap_is_shown_to_the_minute():
    week = grid([shift("a", at(0), at(8, 30)), shift("b", at(9), at(0, day=1))])
    assert gaps_of(week.rows[0].cells[0]) == [("08:30", "09:00", 1, 0)]


def test_the_week_boundary_is_shanghais():
    # Sunday 23:30 in Shanghai is Sunday 15:30 UTC: still the week of Monday 23 November
    sunday_night = datetime(2026, 11, 29, 23, 30, tzinfo=SH)
    assert this_week(sunday_night) == MONDAY
    # Monday 00:30 in Shanghai is still Sunday 16:30 UTC: the next week already
    monday_early = datetime(2026, 11, 29, 16, 30, tzinfo=UTC)
    assert this_week(monday_early) == date(2026, 11, 30)
    week = grid([], now=monday_early)
    assert week.monday == date(2026, 11, 30) and week.days[-1] == date(2026, 12, 6)
    assert week.rows[0].cells[0].today and week.is_this_week
    assert (week.previous, week.next) == (MONDAY, date(2026, 12, 7))


def test_a_shift_across_the_week_boundary_shows_in_both_weeks():
    # rule S-01: Sunday 20:00 to Monday 08:00
    night = shift("n", at(20, day=6), at(8, day=7))
    this = grid([night])
    following = grid([night], week=date(2026, 12, 2))
    assert [s.ref for s in this.rows[0].cells[6].shifts] == ["n"]
    assert gaps_of(this.rows[0].cells[6]) == [("00:00", "20:00", 1, 0)]
    assert following.monday == date(2026, 11, 30) and not following.is_this_week
    assert not any(c.today for c in following.rows[0].cells)
    assert [s.start_days for s in following.rows[0].cells[0].shifts] == [-1]
    assert gaps_of(following.rows[0].cells[0]) == [("08:00", "24:00", 1, 0)]
    # shifts given in UTC are read on the Shanghai clock
    utc = shift(
        "u", datetime(2026, 11, 23, 0, 0, tzinfo=UTC), datetime(2026, 11, 23, 4, tzinfo=UTC)
    )
    (cell_shift,) = grid([utc]).rows[0].cells[0].shifts
    assert (cell_shift.start_hm, cell_shift.end_hm) == ("08:00", "12:00")


def test_shifts_of_other_posts_and_weeks_are_left_out():
    week = grid(
        [shift("x", at(8), at(20), post="elsewhere"), shift("old", at(8, day=-7), at(20, day=-7))]
    )
    assert all(c.shifts == () for c in week.rows[0].cells)


@pytest.mark.parametrize(
    ("text", "monday"),
    [
        ("2026-11-24", MONDAY),
        ("2026-11-23", MONDAY),
        (" 2026-11-29 ", MONDAY),
        ("2026-11-30", date(2026, 11, 30)),
    ],
)
def test_a_week_is_named_by_any_of_its_days(text, monday):
    assert parse_week(text) == monday


@pytest.mark.parametrize(
    "text", ["", "2026-13-01", "next week", "2026-02-30", "1999-12-31", "2100-01-05"]
)
def test_an_invalid_week_is_refused(text):
    with pytest.raises(InvalidInput) as exc:
        parse_week(text)
    assert exc.value.code == "roster.week"


def test_now_must_be_aware():
    with pytest.raises(InvalidInput):
        grid([], now=datetime(2026, 11, 24, 9, 30))
