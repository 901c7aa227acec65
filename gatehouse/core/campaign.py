"""A company's rectification plan in a campaign (整治工作方案, issue 17 §3; SPEC GV-04; source T6
"各物业服务企业……开展自查，对存在的问题进行分类，制定整改方案和整治工作倒排进度表，报区住建委").

Pure: handed the plan's facts and ``today``; nothing here reads the clock or the database.

* The company *self-inspects* and *classifies* what it found under the campaign's headings
  (:class:`Category`, the T6 priorities).
* Its tasks are *scheduled backwards* from the deadline (倒排进度表): tasks come in phases; the
  last phase must finish on the deadline; every task of a phase must finish by the phase's
  finish and starts at the latest ``days`` before it (its latest start); the phase before
  finishes the day before the earliest latest start of the phase after it.
  :func:`schedule_backwards` computes each task's latest start and latest finish.
* A task's state on a day (:func:`task_state`): done (in time or late), in progress, not
  started; *late* when not started after its latest start or not finished after its latest
  finish — those are flagged.
* The plan is *reported* to the housing bureau (住建委) once it has a self-inspection and at
  least one task (:func:`check_report`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from gatehouse.core.errors import DomainError, InvalidInput

ONE_DAY = timedelta(days=1)
#: The longest a single task may take, in days.
MAX_TASK_DAYS = 365
MAX_PHASE = 20


class Category(StrEnum):
    """The headings the T6 campaign names (整治重点)."""

    MECHANISM = "mechanism"  # 服务机制与投诉回访
    CONDUCT = "conduct"  # 人员着装、持证、文明用语
    FEES = "fees"  # 收费公示
    DUTY = "duty"  # 24小时值班、巡查、车辆停放、报修不过夜
    SANITATION = "sanitation"  # 环境卫生、“牛皮癣”、沟渠
    GREENERY = "greenery"  # 绿化养护
    INFO_BOARD = "info_board"  # 公共信息服务栏
    VIOLATIONS = "violations"  # 毁绿、养禽、养犬、乱停车等违法行为


class Severity(StrEnum):
    MINOR = "minor"  # 一般
    MAJOR = "major"  # 较大
    SERIOUS = "serious"  # 严重


class TaskState(StrEnum):
    NOT_STARTED = "not_started"  # 未开始
    IN_PROGRESS = "in_progress"  # 进行中
    LATE_START = "late_start"  # 逾期未开始
    OVERDUE = "overdue"  # 逾期未完成
    DONE = "done"  # 按期完成
    DONE_LATE = "done_late"  # 逾期完成


#: The states flagged on the plan (red).
LATE_STATES = frozenset({TaskState.LATE_START, TaskState.OVERDUE, TaskState.DONE_LATE})


@dataclass(frozen=True)
class TaskSpec:
    """A task as the plan lists it: its phase (1 first) and how many days it takes."""

    key: str
    phase: int
    days: int


@dataclass(frozen=True)
class Slot:
    """A task's latest start and latest finish (both inclusive days)."""

    key: str
    phase: int
    latest_start: date
    latest_finish: date


def check_task(*, phase: int | None, days: int | None) -> None:
    """A task's phase and duration, or :class:`InvalidInput` naming the field."""
    if phase is None or not 1 <= phase <= MAX_PHASE:
        raise InvalidInput("plan.phase", f"阶段须为1至{MAX_PHASE}之间的整数", {"field": "phase"})
    if days is None or not 1 <= days <= MAX_TASK_DAYS:
        raise InvalidInput("plan.days", f"工期须为1至{MAX_TASK_DAYS}天", {"field": "days"})


def schedule_backwards(tasks: Sequence[TaskSpec], deadline: date) -> dict[str, Slot]:
    """Rule GV-04 (倒排进度表): each task's latest start and finish, counted back from
    ``deadline``. The last phase finishes on the deadline; each task of a phase finishes by the
    phase's finish and starts ``days - 1`` days before it; the phase before finishes the day
    before the earliest start of the phase after it. Phases may skip numbers."""
    slots: dict[str, Slot] = {}
    finish = deadline
    for phase in sorted({t.phase for t in tasks}, reverse=True):
        earliest = finish
        for task in (t for t in tasks if t.phase == phase):
            start = finish - timedelta(days=task.days - 1)
            slots[task.key] = Slot(task.key, phase, start, finish)
            earliest = min(earliest, start)
        finish = earliest - ONE_DAY
    return slots


def task_state(
    slot: Slot, *, started_on: date | None, finished_on: date | None, today: date
) -> TaskState:
    """Where a task stands on ``today`` against its slot."""
    if finished_on is not None:
        return TaskState.DONE if finished_on <= slot.latest_finish else TaskState.DONE_LATE
    if today > slot.latest_finish:
        return TaskState.OVERDUE
    if started_on is not None:
        return TaskState.IN_PROGRESS
    if today > slot.latest_start:
        return TaskState.LATE_START
    return TaskState.NOT_STARTED


def check_progress(
    *,
    started_on: date | None,
    finished_on: date | None,
    today: date,
    plan_from: date,
) -> None:
    """A task's start and finish days: not in the future, not before the plan's campaign
    started, a finish not without or before a start."""
    for field, day, label in (
        ("started_on", started_on, "开始"),
        ("finished_on", finished_on, "完成"),
    ):
        if day is None:
            continue
        if day > today:
            raise InvalidInput(f"plan.{field}_future", f"{label}日期不能晚于今天", {"field": field})
        if day < plan_from:
            raise InvalidInput(
                f"plan.{field}_early", f"{label}日期不能早于整治开始日期", {"field": field}
            )
    if finished_on is not None:
        if started_on is None:
            raise InvalidInput(
                "plan.finished_unstarted", "请先填写开始日期", {"field": "started_on"}
            )
        if finished_on < started_on:
            raise InvalidInput(
                "plan.finished_before_start", "完成日期不能早于开始日期", {"field": "finished_on"}
            )


@dataclass(frozen=True)
class PlanFacts:
    self_inspected_on: date | None
    problems: int
    tasks: int
    reported_on: date | None


def check_report(plan: PlanFacts) -> None:
    """May the plan be reported to the housing bureau (住建委)? Once, and only with a
    self-inspection, its classified problems and at least one scheduled task."""
    if plan.reported_on is not None:
        raise DomainError("plan.already_reported", "整治方案已上报区住建委", {})
    if plan.self_inspected_on is None or plan.problems == 0:
        raise DomainError("plan.no_inspection", "请先完成自查并登记分类问题", {})
    if plan.tasks == 0:
        raise DomainError("plan.no_tasks", "倒排进度表中还没有整治任务", {})


def progress(states: Sequence[TaskState]) -> tuple[int, int]:
    """(tasks done, tasks) — the campaign progress shown side by side."""
    done = sum(1 for s in states if s in (TaskState.DONE, TaskState.DONE_LATE))
    return done, len(states)


# -- "一栏四牌" publicity (T6 一栏四牌 and 流动红旗) --


class Board(StrEnum):
    """The column and the four boards a community puts up during a campaign."""

    INFO = "info"  # 一栏：公共信息服务栏，有创建整治宣传内容
    COMPANY = "company"  # 物业服务企业和项目负责人
    FEES = "fees"  # 收费项目和标准
    RATING = "rating"  # 服务等级（年度考核星级）
    PROGRESS = "progress"  # 整治工作倒排进度和流动红旗


@dataclass(frozen=True)
class PublicityFacts:
    campaign_notices: int  # campaign notices on the site's board now
    fee_notices: int  # fee notices on the board now
    company: bool  # a property company manages the site
    rated: bool  # a final annual assessment exists
    plan_reported: bool  # the campaign plan was reported to the housing bureau


def publicity_gaps(facts: PublicityFacts) -> tuple[Board, ...]:
    """Rule GV-05 (T6 "一栏四牌"; 公示收费项目、服务标准): the boards with nothing to show yet."""
    have = {
        Board.INFO: facts.campaign_notices > 0,
        Board.COMPANY: facts.company,
        Board.FEES: facts.fee_notices > 0,
        Board.RATING: facts.rated,
        Board.PROGRESS: facts.plan_reported,
    }
    return tuple(board for board, ok in have.items() if not ok)
