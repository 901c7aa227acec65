"""Repair work orders (issue 17 §4; SPEC GV-05, seed T6 "小修不过夜"): the rules.

A resident files a repair from the phone; the service centre (客服前台) dispatches it to a
maintenance worker, who starts and finishes it; the resident confirms it (or reopens it, which
sends it back to the worker); the service centre then records the return visit (回访) with the
resident's satisfaction. :func:`next_state` is that path, and says no (with a code) to a step
out of turn.

小修不过夜 — GV-05 asks that water and electricity faults be repaired the same day. :func:`due`
decides when an order is due, from its category and the moment it was filed (Asia/Shanghai):

* water and electricity filed before the cut-off (18:00 by default): by 23:59 the same day;
* water and electricity filed at or after the cut-off: by 12:00 the next morning — a worker is
  not called out at night for a dripping tap, but it does not wait past the next morning;
* every other category (doors and locks, public areas, other): within 3 days.

:func:`overdue` says whether an order is late at ``now`` (not finished and past due); the server
alerts the service centre once per order. Pure Python: handed ``now``, no clock, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import IntEnum, StrEnum
from zoneinfo import ZoneInfo

from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.text import clean_text

SHANGHAI = ZoneInfo("Asia/Shanghai")
RULE = "GV-05"
DESCRIPTION_MIN = 4
DESCRIPTION_MAX = 500
NOTE_MAX = 300


class Category(StrEnum):
    WATER = "water"  # 水：漏水、堵塞、水龙头、水管
    ELECTRIC = "electric"  # 电：跳闸、插座、照明
    DOOR = "door"  # 门窗、门锁、门禁
    PUBLIC = "public"  # 公共区域：楼道灯、电梯厅、道路、绿化设施
    OTHER = "other"


#: The small repairs that may not stay overnight (小修不过夜).
SAME_DAY = frozenset({Category.WATER, Category.ELECTRIC})


class State(StrEnum):
    FILED = "filed"  # 待派单
    DISPATCHED = "dispatched"  # 已派单
    STARTED = "started"  # 维修中
    DONE = "done"  # 待住户确认
    CONFIRMED = "confirmed"  # 已确认，待回访
    VISITED = "visited"  # 已回访，办结


class Satisfaction(IntEnum):
    SATISFIED = 3  # 满意
    FAIR = 2  # 基本满意
    UNSATISFIED = 1  # 不满意


@dataclass(frozen=True)
class Policy:
    """When a small repair filed late in the day is due instead: the cut-off, the next morning's
    hour, and how many days the other repairs have."""

    late_after: time = time(18, 0)
    next_morning: time = time(12, 0)
    other_days: int = 3


@dataclass(frozen=True)
class Due:
    at: datetime
    reason: str  # repair.same_day / repair.next_morning / repair.general
    rule: str
    message: str


def category_of(value: str) -> Category:
    try:
        return Category(value)
    except ValueError:
        raise InvalidInput("repair.category", "请选择报修类别", {"field": "category"}) from None


def due(category: Category, filed_at: datetime, policy: Policy = Policy()) -> Due:
    """When an order of ``category`` filed at ``filed_at`` must be finished (see the module)."""
    local = filed_at.astimezone(SHANGHAI)
    if category in SAME_DAY:
        if local.time() < policy.late_after:
            at = datetime.combine(local.date(), time(23, 59), tzinfo=SHANGHAI)
            return Due(at, "repair.same_day", RULE, "水电小修不过夜：当日23:59前修好")
        morning = datetime.combine(
            local.date() + timedelta(days=1), policy.next_morning, tzinfo=SHANGHAI
        )
        return Due(
            morning,
            "repair.next_morning",
            RULE,
            f"水电小修晚间报修：次日{policy.next_morning:%H:%M}前修好",
        )
    at = local + timedelta(days=policy.other_days)
    return Due(at, "repair.general", RULE, f"一般维修：{policy.other_days}天内修好")


def overdue(due_at: datetime | None, finished_at: datetime | None, now: datetime) -> bool:
    """An order not finished by its due time is overdue from then on."""
    return due_at is not None and finished_at is None and now > due_at


def late(due_at: datetime | None, finished_at: datetime | None, now: datetime) -> bool:
    """Overdue now, or finished after it was due (the register's red rows)."""
    if due_at is None:
        return False
    return (finished_at or now) > due_at


#: Each step: the states it may be taken from, and the state it leads to.
STEPS: dict[str, tuple[frozenset[State], State]] = {
    "dispatch": (frozenset({State.FILED, State.DISPATCHED}), State.DISPATCHED),
    "start": (frozenset({State.DISPATCHED}), State.STARTED),
    "finish": (frozenset({State.STARTED}), State.DONE),
    "confirm": (frozenset({State.DONE}), State.CONFIRMED),
    "reopen": (frozenset({State.DONE}), State.DISPATCHED),
    "visit": (frozenset({State.CONFIRMED}), State.VISITED),
}
STEP_NAMES = {
    "dispatch": "派单",
    "start": "开始维修",
    "finish": "完工",
    "confirm": "确认修好",
    "reopen": "重新报修",
    "visit": "回访",
}
STATE_NAMES = {
    State.FILED: "待派单",
    State.DISPATCHED: "已派单",
    State.STARTED: "维修中",
    State.DONE: "待住户确认",
    State.CONFIRMED: "待回访",
    State.VISITED: "已办结",
}


def next_state(state: State | str, step: str) -> State:
    """The state after ``step``; ``repair.state`` when the order is not where the step starts."""
    allowed, after = STEPS[step]
    current = State(state)
    if current not in allowed:
        raise DomainError(
            "repair.state",
            f"工单{STATE_NAMES[current]}，不能{STEP_NAMES[step]}",
            {"state": current.value, "step": step},
        )
    return after


def check_description(text: str) -> str:
    cleaned = clean_text(text, DESCRIPTION_MAX)
    if len(cleaned) < DESCRIPTION_MIN:
        raise InvalidInput(
            "repair.description",
            f"请描述需要维修的问题（至少{DESCRIPTION_MIN}个字）",
            {"field": "description"},
        )
    return cleaned


def check_note(text: str, *, field: str, required: bool, what: str) -> str:
    cleaned = clean_text(text, NOTE_MAX)
    if required and len(cleaned) < 2:
        raise InvalidInput(f"repair.{field}", f"请填写{what}（至少2个字）", {"field": field})
    return cleaned


def check_visit(satisfaction: int | str, note: str) -> tuple[Satisfaction, str]:
    """The return visit: a known satisfaction; an unsatisfied one says why."""
    try:
        level = Satisfaction(int(satisfaction))
    except ValueError:
        raise InvalidInput(
            "repair.satisfaction", "请选择满意度", {"field": "satisfaction"}
        ) from None
    text = check_note(
        note, field="note", required=level is Satisfaction.UNSATISFIED, what="不满意的原因"
    )
    return level, text
