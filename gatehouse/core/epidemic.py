"""Epidemic management beyond the gate (seed T8; SPEC M-03, M-04): grids, returnees' home
monitoring and residents' health reports.

Pure: the service layer hands in plain facts and ``now`` (or ``today``, a date in Asia/Shanghai);
nothing here reads the clock, the database or the settings.

**Grids (M-04)** — "一级网格到街道，二级网格到社区，三级网格到楼院": a street grid has no parent, a
community grid's parent is a street grid, a building grid's parent is a community grid
(:func:`check_parent`). Buildings are assigned to building grids, each to one: a building with
no grid is a gap (:func:`unassigned`). A grid keeps the "五有一网格" checklist: guide, rules and
owners, supplies, medical support, isolation and transfer — the five items — and its grid
officer (:func:`five_haves_missing`).

**Returnees (M-03)** — "从外地返乡人员需持7天内有效新冠病毒核酸检测阴性结果返乡，返乡后实行14天居家
健康监测……每7天开展一次核酸检测". What this module decides:

* Arrival (:func:`check_arrival`): a case is opened as *cleared to enter home monitoring* only
  with a negative test taken within 7 days: on the arrival day or one of the 6 days before it
  (the arrival day counts as the 7th). No test, a test after the arrival day, an older test or a
  positive result: refused with its own code, nothing is written. (A positive returnee is a case
  for the health authorities, not for home monitoring.)
* Monitoring (:func:`monitoring_ends`): 14 days, the arrival day as day 1; it ends at 00:00 of
  day 15 (Asia/Shanghai). While it runs the returnee does not go out (the gate's rule
  ``epidemic.home_monitoring`` in :mod:`gatehouse.core.access`).
* Tests (:func:`test_schedule`): one every 7 days, due on day 7 and day 14. Test *k* counts when
  taken after the previous test's due day (for the first: after the arrival day) and by its own
  due day. A due day passed without a test in its window is overdue: one alert per test.
* Daily health reports (:func:`missed_report_days`): one each day from day 2 (the arrival was
  recorded on day 1) to day 14; a day that has ended without one is missed. One alert per run of
  consecutive missed days (an *episode*: it ends when a report comes in).
* Closing (:func:`check_close`): every case is tracked to its end and closed with who and why:
  *completed* only once the 14 days are over and both tests are recorded negative; *transferred*
  (集中隔离/转运), *left* (离开本社区) at any time; *other* with a note.

**Health reports** (:func:`judge_report`): a temperature at or above 37.3 °C, fever, cough or
travel in the last 14 days is abnormal and reaches the grid officer at once
("居民或住户个人如有发热、咳嗽等异常症状，或有中高风险地区旅居史……要第一时间向所在社区报告").

**Residents' outings (M-02)** — "居民出行实行…每户每2天可指派1名家庭成员外出采购生活物资": in
epidemic mode a site may limit its households to *persons* outings every *days* days
(:class:`OutingLimit`, :func:`outing_limit`). The gate counts the household's allowed exits in
the last *days* × 24 hours (a rolling window) and refuses one more, saying when the household
may go out next (:func:`next_outing`: the moment the oldest counted exit leaves the window).

**Travel code (行程卡, M-02)**: beside the health code at the designated entrance; green passes,
a stay in a risk-area city (带星号) or a yellow/red card is abnormal and refused
(``TravelCode`` and the rule in :mod:`gatehouse.core.access`).

**Door-to-door screening (入户排查)** (:func:`judge_visit`): a household visited by the grid
officer, who was met, their temperature and travel; abnormal findings need a follow-up, which is
recorded with its result (:func:`check_follow_up`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from gatehouse.core.errors import DomainError, InvalidInput

SHANGHAI = ZoneInfo("Asia/Shanghai")

MONITOR_DAYS = 14  # 14天居家健康监测
TEST_VALID_DAYS = 7  # 7天内有效核酸检测阴性结果
TEST_EVERY_DAYS = 7  # 每7天开展一次核酸检测
FEVER = Decimal("37.3")  # as the gate's default fever threshold (M-02)
TEMPERATURE_MIN = Decimal("34.0")
TEMPERATURE_MAX = Decimal("42.5")
#: A case may be registered this many days after the arrival (later, the monitoring is over).
LATE_REGISTRATION_DAYS = MONITOR_DAYS - 1
NOTE_MAX = 200


# -- grids (M-04) --------------------------------------------------------------------------------


class GridLevel(StrEnum):
    STREET = "street"  # 一级网格：街道
    COMMUNITY = "community"  # 二级网格：社区
    BUILDING = "building"  # 三级网格：楼院


PARENT_LEVEL: dict[GridLevel, GridLevel | None] = {
    GridLevel.STREET: None,
    GridLevel.COMMUNITY: GridLevel.STREET,
    GridLevel.BUILDING: GridLevel.COMMUNITY,
}


class FiveHaves(StrEnum):
    """The five items of "五有一网格" (the sixth, the grid officer, is the grid's officer)."""

    GUIDE = "guide"  # 有疫情防控指南
    RULES = "rules"  # 有防控管理制度和责任人
    SUPPLIES = "supplies"  # 有适量防护物资储备
    MEDICAL = "medical"  # 有属地医疗卫生力量指导和支持
    ISOLATION = "isolation"  # 有隔离场所和转运安排


OFFICER_ITEM = "officer"  # 有网格员管理


def check_parent(level: str, parent_level: str | None) -> GridLevel:
    """The grid's level, provided its parent is of the level above (rule M-04)."""
    if level not in GridLevel._value2member_map_:
        raise InvalidInput("grid.level", "网格级别只能是街道、社区或楼院", {"field": "level"})
    grid_level = GridLevel(level)
    wanted = PARENT_LEVEL[grid_level]
    if wanted is None and parent_level is not None:
        raise InvalidInput("grid.parent", "街道网格是一级网格，不能有上级网格", {"field": "parent"})
    if wanted is not None and parent_level != wanted.value:
        above = "街道网格" if wanted is GridLevel.STREET else "社区网格"
        raise InvalidInput(
            "grid.parent", f"此级网格的上级必须是{above}", {"field": "parent", "wanted": wanted}
        )
    return grid_level


def check_assignable(level: str) -> None:
    """Only a building grid (三级网格) takes buildings (rule M-04)."""
    if level != GridLevel.BUILDING:
        raise InvalidInput(
            "grid.not_building", "只能把楼栋划入楼院（三级）网格", {"field": "buildings"}
        )


def five_haves_missing(done: Collection[str], *, has_officer: bool) -> list[str]:
    """The items of "五有一网格" a grid lacks, in the seed's order (``officer`` last)."""
    missing = [item.value for item in FiveHaves if item.value not in done]
    if not has_officer:
        missing.append(OFFICER_ITEM)
    return missing


def unassigned(buildings: Iterable[int], assigned: Mapping[int, int]) -> list[int]:
    """The buildings in no grid: every house belongs to exactly one grid (rule M-04)."""
    return [b for b in buildings if b not in assigned]


# -- returnees (M-03) ----------------------------------------------------------------------------


class Origin(StrEnum):
    OUTSIDE = "outside"  # 外地返乡
    RISK_AREA = "risk_area"  # 中高风险地区来返


class TestResult(StrEnum):
    NEGATIVE = "negative"
    POSITIVE = "positive"


class CloseReason(StrEnum):
    COMPLETED = "completed"  # 监测期满解除
    TRANSFERRED = "transferred"  # 转运集中隔离/就医
    LEFT = "left"  # 离开本社区
    OTHER = "other"  # 其他（须说明）


class CaseStage(StrEnum):
    MONITORING = "monitoring"  # 居家监测中
    DUE_TO_CLOSE = "due_to_close"  # 监测期满，待结案
    CLOSED = "closed"  # 已结案


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=SHANGHAI)


def local_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def check_arrival(
    *,
    arrived_on: date,
    test_on: date | None,
    test_result: str | None,
    today: date,
) -> None:
    """Rule M-03 on arrival: a negative test within 7 days, else the case is not opened as
    cleared for home monitoring (each refusal its own code, on the field at fault)."""
    if arrived_on > today:
        raise InvalidInput(
            "epidemic.arrival_future", "到达日期不能晚于今天", {"field": "arrived_on"}
        )
    if (today - arrived_on).days > LATE_REGISTRATION_DAYS:
        raise InvalidInput(
            "epidemic.arrival_too_old",
            f"到达已超过{MONITOR_DAYS}天，监测期已过，不再登记为居家监测",
            {"field": "arrived_on"},
        )
    if test_on is None or not test_result:
        raise InvalidInput(
            "epidemic.test_missing",
            "返乡人员须持7天内核酸检测阴性结果：请填写检测日期和结果",
            {"field": "test_on"},
        )
    if test_result not in TestResult._value2member_map_:
        raise InvalidInput(
            "epidemic.test_result", "检测结果只能是阴性或阳性", {"field": "test_result"}
        )
    if test_on > arrived_on:
        raise InvalidInput(
            "epidemic.test_after_arrival",
            "到达前的核酸检测日期不能晚于到达日期；到达后的检测请在监测记录中登记",
            {"field": "test_on"},
        )
    if (arrived_on - test_on).days >= TEST_VALID_DAYS:
        raise InvalidInput(
            "epidemic.test_stale",
            f"核酸检测已超过{TEST_VALID_DAYS}天（{test_on:%Y-%m-%d}），不能作为返乡凭证，请重新检测",
            {"field": "test_on"},
        )
    if test_result == TestResult.POSITIVE:
        raise DomainError(
            "epidemic.test_positive",
            "核酸检测阳性：不能登记为居家健康监测，请立即报告属地卫生部门并安排转运",
            {"field": "test_result"},
        )


def monitoring_ends(arrived_on: date) -> datetime:
    """When the 14 days of home monitoring end: 00:00 of day 15, the arrival day being day 1."""
    return day_start(arrived_on + timedelta(days=MONITOR_DAYS))


def monitoring_until(cases: Iterable[tuple[datetime, bool]], when: datetime) -> datetime | None:
    """M-03: the end of a person's home monitoring running at ``when``, from their cases as
    (monitor_until, closed): the latest end of an open case not over yet, or None. The server
    and an offline edge both ask this."""
    ends = [until for until, closed in cases if not closed and until > when]
    return max(ends) if ends else None


def last_day(arrived_on: date) -> date:
    return arrived_on + timedelta(days=MONITOR_DAYS - 1)


@dataclass(frozen=True)
class DueTest:
    number: int  # 1, 2
    window_from: date  # the first day a test counts for it
    due_on: date  # the last day


def test_schedule(arrived_on: date) -> list[DueTest]:
    """The tests of the monitoring, one every 7 days: due on day 7 and day 14."""
    out = []
    start = arrived_on + timedelta(days=1)
    for number in range(1, MONITOR_DAYS // TEST_EVERY_DAYS + 1):
        due = arrived_on + timedelta(days=number * TEST_EVERY_DAYS - 1)
        out.append(DueTest(number, start, due))
        start = due + timedelta(days=1)
    return out


@dataclass(frozen=True)
class TestFacts:
    taken_on: date
    result: str


def test_for(due: DueTest, tests: Iterable[TestFacts]) -> TestFacts | None:
    """The test recorded in ``due``'s window (a positive one first), or None."""
    found = [t for t in tests if due.window_from <= t.taken_on <= due.due_on]
    found.sort(key=lambda t: (t.result != TestResult.POSITIVE, t.taken_on))
    return found[0] if found else None


def overdue_tests(arrived_on: date, tests: Iterable[TestFacts], today: date) -> list[DueTest]:
    """The tests whose due day has passed without a test in their window."""
    recorded = list(tests)
    return [d for d in test_schedule(arrived_on) if d.due_on < today and not test_for(d, recorded)]


def missed_report_days(arrived_on: date, reported: Collection[date], today: date) -> list[date]:
    """Days of the monitoring (day 2 to day 14) that have ended without a health report."""
    end = min(last_day(arrived_on), today - timedelta(days=1))
    day = arrived_on + timedelta(days=1)
    out = []
    while day <= end:
        if day not in reported:
            out.append(day)
        day += timedelta(days=1)
    return out


def missed_episodes(missed: Iterable[date]) -> list[date]:
    """The first day of each run of consecutive missed days: one alert per run."""
    firsts: list[date] = []
    previous: date | None = None
    for day in sorted(missed):
        if previous is None or day - previous > timedelta(days=1):
            firsts.append(day)
        previous = day
    return firsts


class AlertKind(StrEnum):
    TEST_OVERDUE = "test_overdue"  # 核酸检测逾期
    REPORT_MISSED = "report_missed"  # 未按时健康上报
    ABNORMAL = "abnormal"  # 健康上报异常（发热、咳嗽、旅居史）
    POSITIVE = "positive"  # 监测期间核酸阳性


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    key: str  # the episode: one alert per key and case, ever
    message: str


@dataclass(frozen=True)
class CaseFacts:
    arrived_on: date
    tests: tuple[TestFacts, ...] = ()
    reported: frozenset[date] = frozenset()
    closed: bool = False


def stage(case: CaseFacts, now: datetime) -> CaseStage:
    if case.closed:
        return CaseStage.CLOSED
    if now >= monitoring_ends(case.arrived_on):
        return CaseStage.DUE_TO_CLOSE
    return CaseStage.MONITORING


def day_number(arrived_on: date, today: date) -> int:
    """The day of the monitoring ``today`` is (the arrival day is day 1)."""
    return (today - arrived_on).days + 1


def due_alerts(case: CaseFacts, today: date) -> list[Alert]:
    """What a scan on ``today`` raises for an open case (rule M-03): each overdue test and each
    run of missed daily reports; the caller raises each key once."""
    if case.closed:
        return []
    alerts = [
        Alert(
            AlertKind.TEST_OVERDUE,
            f"test:{due.number}",
            f"第{due.number}次核酸检测已逾期（应于{due.due_on:%m-%d}前完成）",
        )
        for due in overdue_tests(case.arrived_on, case.tests, today)
    ]
    missed = missed_report_days(case.arrived_on, case.reported, today)
    alerts += [
        Alert(
            AlertKind.REPORT_MISSED,
            f"report:{first:%Y%m%d}",
            f"{first:%m-%d}起未按时进行每日健康上报",
        )
        for first in missed_episodes(missed)
    ]
    return alerts


def check_test(*, arrived_on: date, taken_on: date, result: str, today: date) -> None:
    """A monitoring test: taken after the arrival day, not in the future, negative or positive."""
    if result not in TestResult._value2member_map_:
        raise InvalidInput("epidemic.test_result", "检测结果只能是阴性或阳性", {"field": "result"})
    if taken_on > today:
        raise InvalidInput("epidemic.test_future", "检测日期不能晚于今天", {"field": "taken_on"})
    if taken_on <= arrived_on:
        raise InvalidInput(
            "epidemic.test_before_monitoring",
            "监测期间的检测日期须在到达日期之后",
            {"field": "taken_on"},
        )


def check_close(*, case: CaseFacts, reason: str, note: str, now: datetime) -> CloseReason:
    """Rule M-03: a case is closed with why; *completed* only when the 14 days are over and both
    tests are recorded negative."""
    if case.closed:
        raise DomainError("epidemic.closed", "此案例已结案")
    if reason not in CloseReason._value2member_map_:
        raise InvalidInput("epidemic.close_reason", "请选择结案原因", {"field": "reason"})
    why = CloseReason(reason)
    if len(note.strip()) > NOTE_MAX:
        raise InvalidInput("epidemic.note_long", f"说明不超过{NOTE_MAX}字", {"field": "note"})
    if why is CloseReason.OTHER and not note.strip():
        raise InvalidInput(
            "epidemic.note_required", "结案原因为“其他”时须写明说明", {"field": "note"}
        )
    if why is CloseReason.COMPLETED:
        ends = monitoring_ends(case.arrived_on)
        if now < ends:
            raise DomainError(
                "epidemic.not_finished",
                f"居家监测至{local_day(ends - timedelta(seconds=1)):%Y-%m-%d}结束，期满后才能解除",
                {"field": "reason"},
            )
        for due in test_schedule(case.arrived_on):
            test = test_for(due, case.tests)
            if test is None:
                raise DomainError(
                    "epidemic.test_missing_at_close",
                    f"第{due.number}次核酸检测没有记录，不能按期满解除",
                    {"field": "reason"},
                )
            if test.result != TestResult.NEGATIVE:
                raise DomainError(
                    "epidemic.positive_at_close",
                    f"第{due.number}次核酸检测为阳性，不能按期满解除",
                    {"field": "reason"},
                )
    return why


# -- residents' outings and the travel code (M-02) ---------------------------------------------


OUTING_PERSONS_MAX = 20
OUTING_DAYS_MAX = 14


@dataclass(frozen=True, slots=True)
class OutingLimit:
    """At most ``persons`` outings per household in any ``days`` days (epidemic mode)."""

    persons: int
    days: int


def outing_limit(persons: object, days: object) -> OutingLimit:
    """A site's outing limit as entered (whole numbers in range), else ``InvalidInput``."""
    try:
        p, d = int(str(persons).strip()), int(str(days).strip())
    except ValueError as exc:
        raise InvalidInput(
            "outing.not_a_number", "外出人次和天数须为整数", {"field": "persons"}
        ) from exc
    if not 1 <= p <= OUTING_PERSONS_MAX:
        raise InvalidInput(
            "outing.persons",
            f"每户外出人次须在 1 至 {OUTING_PERSONS_MAX} 之间",
            {"field": "persons"},
        )
    if not 1 <= d <= OUTING_DAYS_MAX:
        raise InvalidInput(
            "outing.days", f"天数须在 1 至 {OUTING_DAYS_MAX} 之间", {"field": "days"}
        )
    return OutingLimit(p, d)


def outing_window_start(limit: OutingLimit, now: datetime) -> datetime:
    """The start of the rolling window the household's exits are counted in (exclusive)."""
    return now - timedelta(days=limit.days)


def next_outing(limit: OutingLimit, outings: Iterable[datetime], now: datetime) -> datetime | None:
    """Rule M-02: None when the household may go out at ``now``; else the moment it may go out
    next — when the oldest exit that fills the limit leaves the window. ``outings``: the
    household's allowed exits (any window; those outside it are ignored)."""
    start = outing_window_start(limit, now)
    recent = sorted(t for t in outings if start < t <= now)
    if len(recent) < limit.persons:
        return None
    return recent[len(recent) - limit.persons] + timedelta(days=limit.days)


def counted_outings(limit: OutingLimit, outings: Iterable[datetime], now: datetime) -> int:
    start = outing_window_start(limit, now)
    return sum(1 for t in outings if start < t <= now)


# -- door-to-door screening (入户排查) -----------------------------------------------------------


class Met(StrEnum):
    MET = "met"  # 见到住户
    NOBODY = "nobody"  # 无人在家
    VACANT = "vacant"  # 空置房


class FollowUp(StrEnum):
    NONE = "none"  # 无需跟进
    PENDING = "pending"  # 待跟进
    DONE = "done"  # 已跟进


@dataclass(frozen=True)
class VisitFacts:
    met: str
    persons_met: int
    temperature: Decimal | None
    travel: bool
    travel_place: str
    symptoms: str


def judge_visit(visit: VisitFacts) -> tuple[list[str], bool]:
    """A door-to-door visit: what is abnormal, in words, and whether a follow-up is needed
    (abnormal findings, or nobody at home to be visited again)."""
    if visit.met not in Met._value2member_map_:
        raise InvalidInput("screening.met", "请选择入户情况", {"field": "met"})
    met = Met(visit.met)
    if met is Met.MET and visit.persons_met < 1:
        raise InvalidInput(
            "screening.persons", "见到住户时请填写见到的人数", {"field": "persons_met"}
        )
    if met is not Met.MET and (visit.temperature is not None or visit.travel):
        raise InvalidInput(
            "screening.nobody_met",
            "未见到住户时不能登记体温和旅居史",
            {"field": "met"},
        )
    if met is Met.VACANT:
        return [], False
    if met is Met.NOBODY:
        return [], True
    if met is Met.MET and visit.temperature is None:
        raise InvalidInput("report.temperature_missing", "请填写体温", {"field": "temperature"})
    found = judge_report(
        ReportFacts(
            temperature=visit.temperature,
            other=visit.symptoms,
            travel=visit.travel,
            travel_place=visit.travel_place,
        )
    )
    return found, bool(found)


def check_follow_up(*, needed: bool, done: bool, result: str) -> None:
    """A follow-up is recorded once, on a visit that needs one, with what was done."""
    if not needed:
        raise DomainError("screening.no_follow_up", "此次排查无需跟进")
    if done:
        raise DomainError("screening.followed_up", "此次排查已记录跟进")
    if not result.strip():
        raise InvalidInput("screening.result", "请填写跟进情况", {"field": "result"})
    if len(result.strip()) > NOTE_MAX:
        raise InvalidInput("screening.result", f"跟进情况不超过{NOTE_MAX}字", {"field": "result"})


# -- ledgers: disinfection, protective equipment, medical waste ---------------------------------

QUANTITY_MAX = 100_000
WEIGHT_MAX = Decimal("10000.00")  # kg in one collection
BAGS_MAX = 1000
TEXT_MAX = 100


def _text(value: str, field: str, label: str, *, required: bool = True) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise InvalidInput("ledger.required", f"请填写{label}", {"field": field})
    if len(text) > TEXT_MAX:
        raise InvalidInput("ledger.too_long", f"{label}不超过{TEXT_MAX}字", {"field": field})
    return text


def check_not_future(moment: datetime, now: datetime, field: str) -> None:
    if moment > now:
        raise InvalidInput("ledger.future", "时间不能晚于现在", {"field": field})


def check_day_not_future(day: date, today: date, field: str, label: str) -> None:
    """A ledger's date (发放日期, 收集日期) is today or earlier."""
    if day > today:
        raise InvalidInput("ledger.future", f"{label}不能晚于今天", {"field": field})


@dataclass(frozen=True)
class Disinfection:
    place: str
    agent: str
    done_by: str


def check_disinfection(
    *, target: str, place: str, agent: str, done_by: str, done_at: datetime, now: datetime
) -> Disinfection:
    """A row of the disinfection ledger (公共场所、车辆消毒台账): where, with what, when, who."""
    if target not in ("place", "vehicle"):
        raise InvalidInput("ledger.target", "请选择消毒对象类别", {"field": "target"})
    check_not_future(done_at, now, "done_at")
    return Disinfection(
        _text(place, "place", "消毒场所或车辆"),
        _text(agent, "agent", "消毒剂"),
        _text(done_by, "done_by", "消毒人员"),
    )


def check_issue(
    *, item: str, quantity: int, issued_to: str, issued_on: date, today: date
) -> tuple[str, str]:
    """A row of the protective-equipment ledger (防护物资发放台账): item, count, to whom, when."""
    check_day_not_future(issued_on, today, "issued_on", "发放日期")
    if not 1 <= quantity <= QUANTITY_MAX:
        raise InvalidInput(
            "ledger.quantity", f"数量须在 1 至 {QUANTITY_MAX} 之间", {"field": "quantity"}
        )
    return _text(item, "item", "物资名称"), _text(issued_to, "issued_to", "领用人")


@dataclass(frozen=True)
class WasteHandover:
    collector: str
    transporter: str
    signed_by: str


def check_waste(
    *,
    weight: Decimal,
    bags: int,
    collector: str,
    transporter: str,
    signed_by: str,
    collected_on: date,
    today: date,
) -> WasteHandover:
    """A row of the medical-waste ledger (医废垃圾收集、运输台账): a weighed collection handed over
    to the transporter with a signature."""
    check_day_not_future(collected_on, today, "collected_on", "收集日期")
    if not weight.is_finite() or not Decimal("0.01") <= weight <= WEIGHT_MAX:
        raise InvalidInput(
            "ledger.weight", f"重量须在 0.01 至 {WEIGHT_MAX} 千克之间", {"field": "weight"}
        )
    if not 1 <= bags <= BAGS_MAX:
        raise InvalidInput("ledger.bags", f"袋数须在 1 至 {BAGS_MAX} 之间", {"field": "bags"})
    return WasteHandover(
        _text(collector, "collector", "收集人"),
        _text(transporter, "transporter", "运输单位/人"),
        _text(signed_by, "signed_by", "交接签字人"),
    )


# -- health reports ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFacts:
    temperature: Decimal | None
    fever: bool = False
    cough: bool = False
    other: str = ""
    travel: bool = False  # travelled outside or in a risk area in the last 14 days
    travel_place: str = ""


def parse_temperature(raw: object, *, required: bool) -> Decimal | None:
    """A temperature as typed (``36.5``, ``36.5℃``), to 0.1 °C; ``InvalidInput`` otherwise."""
    text = "" if raw is None else str(raw).strip().replace("℃", "")
    if not text:
        if required:
            raise InvalidInput("report.temperature_missing", "请填写体温", {"field": "temperature"})
        return None
    try:
        value = Decimal(text).quantize(Decimal("0.1"))
    except ArithmeticError as exc:
        raise InvalidInput(
            "report.temperature", "体温格式不正确，例如 36.5", {"field": "temperature"}
        ) from exc
    if not value.is_finite() or not TEMPERATURE_MIN <= value <= TEMPERATURE_MAX:
        raise InvalidInput(
            "report.temperature",
            f"体温应在 {TEMPERATURE_MIN} 至 {TEMPERATURE_MAX} ℃ 之间",
            {"field": "temperature"},
        )
    return value


def judge_report(report: ReportFacts) -> list[str]:
    """What is abnormal in a health report, in words (empty: normal)."""
    if report.travel and not report.travel_place.strip():
        raise InvalidInput(
            "report.travel_place", "有14天内旅居史时请填写去过的地方", {"field": "travel_place"}
        )
    if len(report.other) > NOTE_MAX or len(report.travel_place) > NOTE_MAX:
        raise InvalidInput("report.too_long", f"填写内容不超过{NOTE_MAX}字", {"field": "other"})
    found = []
    if report.temperature is not None and report.temperature >= FEVER:
        found.append(f"体温{report.temperature}℃")
    if report.fever and not found:
        found.append("发热")
    if report.cough:
        found.append("咳嗽")
    if report.other.strip():
        found.append(report.other.strip())
    if report.travel:
        found.append(f"14天内到过{report.travel_place.strip()}")
    return found
