"""The roster as a week grid (SPEC S-01, issue 16 §2): rows are the posts, columns the seven days
of a week (Monday to Sunday on the Asia/Shanghai wall clock), each cell the shifts of that post
touching that day and the gaps of that day.

Pure: the posts, their requirements, the shifts and ``now`` in, the grid out.

Readings that are choices, not quotations:

* Required coverage is S-01's own: a post's ``PostRequirement`` rows (an explicit staffing
  requirement, else the post's headcount over its staffed hours, which default to round the
  clock, i.e. 24 h). A post with no requirement at all on a day requires nothing that day.
* A gap is a part of a day a post requires covered where fewer guards are rostered than it
  requires (``staffing_gaps``, cut at midnight); ``uncovered`` gaps are those with nobody at all
  (缺岗), the others are short-handed (缺N人). Both count in the summary.
* A shift across midnight is listed in every day it touches, with its own start and end; a
  shift ending exactly at midnight does not touch the next day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from gatehouse.core.errors import InvalidInput
from gatehouse.core.guard import (
    ONE_DAY,
    ONE_MINUTE,
    SHANGHAI,
    PostRequirement,
    RosterShift,
    _local,
    staffing_gaps,
)

WEEK = 7
FIRST_WEEK = date(2000, 1, 3)  # a Monday; weeks before it are refused
LAST_WEEK = date(2099, 12, 28)  # a Monday; weeks after it are refused


def week_monday(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def this_week(now: datetime) -> date:
    """The Monday of the week ``now`` falls in, on the Asia/Shanghai wall clock."""
    return week_monday(_local(now, "now").date())


def parse_week(text: str) -> date:
    """The Monday of the week of a date written ``YYYY-MM-DD`` (any day of the week)."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            "roster.week", "日期格式应为年-月-日，例如2026-11-24。", {"week": text[:40]}
        ) from None
    monday = week_monday(day)
    if not FIRST_WEEK <= monday <= LAST_WEEK:
        raise InvalidInput(
            "roster.week", "只能查看2000年至2099年的排班。", {"week": day.isoformat()}
        )
    return monday


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


def _hm(moment: datetime, day: date) -> str:
    """The wall-clock time of ``moment`` on ``day``; the midnight ending ``day`` is 24:00."""
    if moment == _midnight(day + ONE_DAY):
        return "24:00"
    return f"{moment:%H:%M}"


@dataclass(frozen=True, slots=True)
class WeekShift:
    """A shift as the grid shows it: ``ref`` names the record, ``guard`` how the page names the
    guard; ``guard_key`` tells two guards of one name apart (headcount)."""

    ref: str
    post: str
    guard_key: str
    guard: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class CellShift:
    ref: str
    guard: str
    start: datetime
    end: datetime
    start_days: int  # the start's day less the cell's day: 0, -1 (前日) …
    end_days: int  # the end's day less the cell's day: 0 (24:00 included), 1 (次日) …
    start_hm: str
    end_hm: str


@dataclass(frozen=True, slots=True)
class CellGap:
    start: datetime
    end: datetime
    required: int
    rostered: int
    start_hm: str
    end_hm: str

    @property
    def uncovered(self) -> bool:
        """Nobody at all is rostered (缺岗), rather than too few (缺N人)."""
        return self.rostered == 0

    @property
    def short(self) -> int:
        return self.required - self.rostered

    @property
    def minutes(self) -> int:
        return (self.end - self.start) // ONE_MINUTE


@dataclass(frozen=True, slots=True)
class WeekCell:
    post: str
    day: date
    shifts: tuple[CellShift, ...]
    gaps: tuple[CellGap, ...]
    today: bool


@dataclass(frozen=True, slots=True)
class WeekRow:
    post: str
    cells: tuple[WeekCell, ...]

    @property
    def gap_count(self) -> int:
        return sum(len(c.gaps) for c in self.cells)

    @property
    def gap_minutes(self) -> int:
        return sum(g.minutes for c in self.cells for g in c.gaps)


@dataclass(frozen=True, slots=True)
class WeekGrid:
    monday: date
    days: tuple[date, ...]
    rows: tuple[WeekRow, ...]
    today: date

    @property
    def sunday(self) -> date:
        return self.days[-1]

    @property
    def previous(self) -> date:
        return self.monday - WEEK * ONE_DAY

    @property
    def next(self) -> date:
        return self.monday + WEEK * ONE_DAY

    @property
    def is_this_week(self) -> bool:
        return self.monday <= self.today <= self.sunday

    @property
    def gap_count(self) -> int:
        return sum(r.gap_count for r in self.rows)

    @property
    def uncovered_count(self) -> int:
        return sum(g.uncovered for r in self.rows for c in r.cells for g in c.gaps)

    @property
    def gap_minutes(self) -> int:
        return sum(r.gap_minutes for r in self.rows)

    @property
    def gap_hours(self) -> str:
        """The gaps' length in hours, one decimal at most (``12`` or ``7.5``)."""
        hours = self.gap_minutes / 60
        return f"{hours:.1f}".removesuffix(".0")

    @property
    def posts_with_gaps(self) -> int:
        return sum(1 for r in self.rows if r.gap_count)


def _cell_shift(shift: WeekShift, day: date) -> CellShift:
    start, end = _local(shift.start, "start"), _local(shift.end, "end")
    end_day = (end - timedelta(microseconds=1)).date() if end > start else end.date()
    return CellShift(
        ref=shift.ref,
        guard=shift.guard,
        start=start,
        end=end,
        start_days=(start.date() - day).days,
        end_days=(end_day - day).days,
        start_hm=f"{start:%H:%M}",
        end_hm=_hm(end, end_day),
    )


def roster_week(
    *,
    posts: Sequence[str],
    requirements: Sequence[PostRequirement],
    shifts: Sequence[WeekShift],
    now: datetime,
    week: date | None = None,
) -> WeekGrid:
    """S-01: the week grid of ``posts`` (in this order) for the week of ``week`` (any day of it;
    ``None``: the week of ``now``). A cell lists the shifts touching its day, by start, and the
    day's gaps against the post's requirements."""
    today = _local(now, "now").date()
    monday = week_monday(week) if week is not None else week_monday(today)
    days = tuple(monday + i * ONE_DAY for i in range(WEEK))
    week_start, week_end = _midnight(monday), _midnight(monday + WEEK * ONE_DAY)
    by_post: Mapping[str, list[WeekShift]] = {p: [] for p in posts}
    for s in shifts:
        if s.post in by_post and s.end > week_start and s.start < week_end:
            by_post[s.post].append(s)
    rows: list[WeekRow] = []
    for post in posts:
        mine = sorted(by_post[post], key=lambda s: (_local(s.start), _local(s.end), s.guard, s.ref))
        reqs = [r for r in requirements if r.post == post]
        roster = [RosterShift(s.guard_key, post, s.start, s.end) for s in mine]
        cells: list[WeekCell] = []
        for day in days:
            a, b = _midnight(day), _midnight(day + ONE_DAY)
            listed = tuple(_cell_shift(s, day) for s in mine if s.end > a and s.start < b)
            gaps = tuple(
                CellGap(g.start, g.end, g.required, g.rostered, _hm(g.start, day), _hm(g.end, day))
                for g in staffing_gaps(requirements=reqs, roster=roster, start=a, end=b)
            )
            cells.append(WeekCell(post, day, listed, gaps, day == today))
        rows.append(WeekRow(post, tuple(cells)))
    return WeekGrid(monday, days, tuple(rows), today)
