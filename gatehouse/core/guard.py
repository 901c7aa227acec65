"""Guard operations: the arithmetic and the deadlines (SPEC §7, S-01 … S-13).

Sources: T2 (company gatehouse rules: handover, keys, booth absence, night patrol, anomalies,
cleaning rota, weekly spot checks), T3 (24-hour duty with a leader, hazard inspections, the
hotline, the emergency plan), T4 (posts and headcount, the monitoring centre) and T6 (24-hour
duty and patrol records, complaints visited back). Pure: facts, configuration and ``now`` in,
results out; nothing reads the clock, the database or the settings. Times are aware datetimes,
read on the Asia/Shanghai wall clock (no daylight saving since 1991, so hours are exact).

* S-01 / S-02 ``staffing_gaps``: headcount required per post per hour (weekly, or for a date)
  against the roster; ``duty_leader_gaps``: hours with no named leader on duty.
* S-03 / S-08 / S-09 ``arrival_status`` (10 minutes early, T2 16), ``check_handover`` (both sign,
  open matters carried, keys passed on), ``key_custody`` and ``check_absence`` (T2 17: close the
  gate or name a cover; T2 2: never during the staff's commute).
* S-04 ``patrol_status``: rounds of checkpoints with time windows; on time, late, missed — a
  checkpoint is missed only once its window and the grace after it have passed.
* S-05 / S-06 / S-13 ``anomaly_obligations``, ``escalation_due``, ``chain_state``.
* S-07 ``cleaner_on``; S-11 ``hazard_state``; S-12 ``ticket_alerts``.
* S-10 ``spot_check`` turns a week of register facts into findings per guard;
  ``penalty_for`` applies the ladder: a notice first, a fine for a repeat.

Readings of the source that are choices, not quotations:

* S-10: "如违规出公告,第二次出现同样问题罚款" names no amount and no window. The fine is
  ``PenaltyPolicy.fine_fen`` (default 5000 fen, per kind overridable); by default every earlier
  violation of the same kind by the same guard counts, whenever it was
  (``repeat_within_days=None``); a site may limit that, e.g. to 365 days. Two findings of the same
  kind on the same day are one occurrence: neither is the repeat of the other.
* S-04: a scan counts for the earliest round of its checkpoint that it can still satisfy: on
  time inside ``[opens, closes]``, late inside ``(closes, closes + grace]``. A scan before a
  window opens counts for nothing.
* S-01: for each post and hour the strictest requirement applies (the maximum headcount); a
  requirement for a date replaces the weekly ones for the hours it covers (headcount 0 frees an
  hour). A guard counts once per post even if rostered twice; ``roster_conflicts`` lists a guard
  rostered on overlapping shifts, who would otherwise count at two posts at once.
* S-05 escalation minutes, S-12 deadlines and the chain's minutes per step are configuration;
  the source only says "第一时间" and "及时".
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from itertools import pairwise
from zoneinfo import ZoneInfo

from gatehouse.core.access import Duty, Obligation, Register
from gatehouse.core.errors import InvalidInput
from gatehouse.core.goods import CollectionGap, GapKind, ShiftSlips, SlipHandoff, collection_gaps
from gatehouse.core.ledger import format_fen
from gatehouse.core.rating import cn_date

SHANGHAI = ZoneInfo("Asia/Shanghai")
ONE_DAY = timedelta(days=1)
ONE_HOUR = timedelta(hours=1)
ONE_MINUTE = timedelta(minutes=1)


def _local(moment: datetime, name: str = "time") -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput("time.naive", "时间必须带时区。", {"field": name})
    return moment.astimezone(SHANGHAI)


def _span(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    start, end = _local(start, "start"), _local(end, "end")
    if end < start:
        raise InvalidInput(
            "time.order",
            "结束时间不能早于开始时间。",
            {"start": start.isoformat(), "end": end.isoformat()},
        )
    return start, end


def _minutes_after(later: datetime, earlier: datetime) -> int:
    """Whole minutes from ``earlier`` to ``later``, a begun minute counted in full."""
    return max(0, -((earlier - later) // ONE_MINUTE))


def _hm(moment: datetime) -> str:
    return f"{moment:%H:%M}"


@dataclass(frozen=True, slots=True)
class Interval:
    start: datetime
    end: datetime

    @property
    def minutes(self) -> int:
        return (self.end - self.start) // ONE_MINUTE


def _uncovered(
    covered: Iterable[tuple[datetime, datetime]], start: datetime, end: datetime
) -> tuple[Interval, ...]:
    """The parts of ``[start, end)`` outside every covered interval."""
    gaps: list[Interval] = []
    cursor = start
    for a, b in sorted(covered):
        if b <= cursor or a >= end:
            continue
        if a > cursor:
            gaps.append(Interval(cursor, a))
        cursor = max(cursor, b)
        if cursor >= end:
            break
    if cursor < end:
        gaps.append(Interval(cursor, end))
    return tuple(gaps)


# == S-01 / S-02: posts, headcount, roster =======================================================

ALL_WEEK = frozenset(range(7))


@dataclass(frozen=True, slots=True)
class PostRequirement:
    """Guards needed at ``post`` from ``from_hour`` to ``to_hour`` (wall clock, [from, to)).

    Weekly on ``weekdays`` (0 Monday … 6 Sunday), or only on the date ``on``. A night that
    crosses midnight is two requirements (22-24 and 0-6).
    """

    post: str
    headcount: int
    from_hour: int = 0
    to_hour: int = 24
    weekdays: frozenset[int] = ALL_WEEK
    on: date | None = None

    def __post_init__(self) -> None:
        if not self.post.strip():
            raise InvalidInput("staffing.post", "请填写岗位名称。", {})
        if not 0 <= self.from_hour < self.to_hour <= 24:
            raise InvalidInput(
                "staffing.hours",
                "岗位时段应为0到24点之间，开始早于结束；跨零点请分成两段。",
                {"post": self.post, "from": self.from_hour, "to": self.to_hour},
            )
        if self.headcount < 0:
            raise InvalidInput("staffing.headcount", "岗位人数不能为负数。", {"post": self.post})
        if not self.weekdays <= ALL_WEEK:
            raise InvalidInput("staffing.weekdays", "星期只能是0（周一）到6（周日）。", {})

    def covers(self, day: date, hour: int, *, dated: bool) -> bool:
        if not self.from_hour <= hour < self.to_hour:
            return False
        if dated:
            return self.on == day
        return self.on is None and day.weekday() in self.weekdays


def t4_example_posts() -> tuple[PostRequirement, ...]:
    """The T4 example plan, round the clock: 2 per non-motor gate (east and west), 1 per garage
    entrance, 1 garage patrol, 2 outdoor patrol, 2 in the monitoring centre."""
    return (
        PostRequirement("东门非机动车道", 2),
        PostRequirement("西门非机动车道", 2),
        PostRequirement("地下车库出入口", 1),
        PostRequirement("地下车库巡查", 1),
        PostRequirement("户外巡逻", 2),
        PostRequirement("监控中心", 2),
    )


def required_at(requirements: Iterable[PostRequirement], post: str, at: datetime) -> int:
    """How many guards ``post`` needs in the hour containing ``at``."""
    local = _local(at)
    day, hour = local.date(), local.hour
    mine = [r for r in requirements if r.post == post]
    dated = [r.headcount for r in mine if r.covers(day, hour, dated=True)]
    if dated:
        return max(dated)
    return max((r.headcount for r in mine if r.covers(day, hour, dated=False)), default=0)


@dataclass(frozen=True, slots=True)
class RosterShift:
    guard: str
    post: str
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        _span(self.start, self.end)


@dataclass(frozen=True, slots=True)
class StaffingGap:
    post: str
    start: datetime
    end: datetime
    required: int
    rostered: int

    @property
    def short(self) -> int:
        return self.required - self.rostered

    @property
    def message(self) -> str:
        return (
            f"{self.post} {cn_date(self.start.date())} {_hm(self.start)}–{_hm(self.end)}"
            f" 缺{self.short}人（需{self.required}人，已排{self.rostered}人）"
        )


def staffing_gaps(
    *,
    requirements: Sequence[PostRequirement],
    roster: Sequence[RosterShift],
    start: datetime,
    end: datetime,
) -> tuple[StaffingGap, ...]:
    """S-01: the under-staffed intervals of every required post within ``[start, end)``.

    Adjacent intervals with the same numbers are merged. Sorted by post, then time.
    """
    start, end = _span(start, end)
    gaps: list[StaffingGap] = []
    for post in sorted({r.post for r in requirements}):
        shifts = [
            (_local(s.start), _local(s.end), s.guard)
            for s in roster
            if s.post == post and s.end > start and s.start < end
        ]
        cuts = {start, end}
        hour = start.replace(minute=0, second=0, microsecond=0) + ONE_HOUR
        while hour < end:
            cuts.add(hour)
            hour += ONE_HOUR
        cuts.update(t for a, b, _ in shifts for t in (a, b) if start < t < end)
        points = sorted(cuts)
        for a, b in pairwise(points):
            need = required_at(requirements, post, a)
            have = len({g for s, e, g in shifts if s <= a and e >= b})
            if have >= need:
                continue
            last = gaps[-1] if gaps else None
            if last is not None and (last.post, last.end, last.required, last.rostered) == (
                post,
                a,
                need,
                have,
            ):
                gaps[-1] = StaffingGap(post, last.start, b, need, have)
            else:
                gaps.append(StaffingGap(post, a, b, need, have))
    return tuple(gaps)


def roster_conflicts(roster: Sequence[RosterShift]) -> tuple[tuple[RosterShift, RosterShift], ...]:
    """S-01: pairs of shifts of one guard that overlap (one person cannot hold two posts)."""
    by_guard: dict[str, list[RosterShift]] = {}
    for s in roster:
        by_guard.setdefault(s.guard, []).append(s)
    pairs: list[tuple[RosterShift, RosterShift]] = []
    for shifts in by_guard.values():
        ordered = sorted(shifts, key=lambda s: (_local(s.start), _local(s.end)))
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if _local(b.start) >= _local(a.end):
                    break
                pairs.append((a, b))
    return tuple(pairs)


@dataclass(frozen=True, slots=True)
class LeaderDuty:
    """A named leader on duty (带班领导) from ``start`` to ``end``."""

    leader: str
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if not self.leader.strip():
            raise InvalidInput("duty.leader", "带班领导必须写明姓名。", {})
        _span(self.start, self.end)


def duty_leader_gaps(
    *, duties: Sequence[LeaderDuty], start: datetime, end: datetime
) -> tuple[Interval, ...]:
    """S-02: the parts of ``[start, end)`` with no named leader on duty (24-hour duty)."""
    start, end = _span(start, end)
    return _uncovered(((_local(d.start), _local(d.end)) for d in duties), start, end)


# == S-03 / S-08 / S-09: handover, keys, absence from the booth ==================================

HANDOVER_EARLY_MINUTES = 10  # T2 16 "接班人员应提前10钟到岗"


@dataclass(frozen=True, slots=True)
class Arrival:
    due: datetime  # shift start minus the early minutes
    arrived_at: datetime
    minutes_late: int  # against ``due``; 0 when on time
    after_start: bool  # arrived after the shift had begun

    @property
    def on_time(self) -> bool:
        return self.minutes_late == 0

    @property
    def message(self) -> str:
        if self.on_time:
            return "按时到岗"
        return f"迟到{self.minutes_late}分钟（应于{_hm(self.due)}前到岗交接）"


def arrival_status(
    *, shift_start: datetime, arrived_at: datetime, early_minutes: int = HANDOVER_EARLY_MINUTES
) -> Arrival:
    """S-03: the incoming guard is due ``early_minutes`` before the shift; a begun minute late
    counts as a minute."""
    start, arrived = _local(shift_start), _local(arrived_at)
    due = start - timedelta(minutes=early_minutes)
    return Arrival(due, arrived, _minutes_after(arrived, due), arrived > start)


@dataclass(frozen=True, slots=True)
class Handover:
    """A row of the 交接班记录表."""

    ref: str
    outgoing: str
    incoming: str
    at: datetime
    outgoing_signed: bool = False
    incoming_signed: bool = False
    open_matters: tuple[str, ...] = ()  # matters still open, handed on to the incoming guard
    resolved: tuple[str, ...] = ()  # matters received at the previous handover, now closed
    keys: tuple[str, ...] = ()  # keys handed over
    equipment: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class HandoverCheck:
    unsigned_by: tuple[str, ...]
    dropped_matters: tuple[str, ...]  # open at the previous handover, neither closed nor carried
    keys_not_handed: tuple[str, ...]  # keys the outgoing guard held but did not hand over

    @property
    def signed(self) -> bool:
        return not self.unsigned_by

    @property
    def complete(self) -> bool:
        return self.signed and not self.dropped_matters and not self.keys_not_handed

    @property
    def problems(self) -> tuple[str, ...]:
        out = [f"{who}未签字" for who in self.unsigned_by]
        out += [f"未交接的未了事项：{m}" for m in self.dropped_matters]
        out += [f"未交接的钥匙：{k}" for k in self.keys_not_handed]
        return tuple(out)


def check_handover(
    *,
    handover: Handover,
    previous: Handover | None = None,
    outgoing_keys: Collection[str] = (),
) -> HandoverCheck:
    """S-03 / S-08: complete only when both sign, every open matter received at ``previous`` is
    closed or carried on, and every key the outgoing guard held is handed over."""
    unsigned = tuple(
        who
        for who, signed in (
            (handover.outgoing, handover.outgoing_signed),
            (handover.incoming, handover.incoming_signed),
        )
        if not signed
    )
    dropped: tuple[str, ...] = ()
    if previous is not None:
        kept = set(handover.open_matters) | set(handover.resolved)
        dropped = tuple(m for m in dict.fromkeys(previous.open_matters) if m not in kept)
    keys = tuple(k for k in sorted(set(outgoing_keys)) if k not in set(handover.keys))
    return HandoverCheck(unsigned, dropped, keys)


@dataclass(frozen=True, slots=True)
class KeyEvent:
    """A key changes hands: ``to`` is the new holder (a person, or a place such as 钥匙柜);
    ``to=None`` records a key lost or unaccounted for."""

    key: str
    at: datetime
    to: str | None
    from_: str | None = None  # who handed it over, as written; None: first issue


@dataclass(frozen=True, slots=True)
class KeyCustody:
    holders: Mapping[str, str | None]
    irregular: tuple[KeyEvent, ...]  # handed over by someone who did not hold the key

    @property
    def unheld(self) -> tuple[str, ...]:
        return tuple(k for k, who in self.holders.items() if who is None)

    def held_by(self, holder: str) -> tuple[str, ...]:
        return tuple(k for k, who in self.holders.items() if who == holder)


def key_custody(*, keys: Sequence[str], events: Sequence[KeyEvent], now: datetime) -> KeyCustody:
    """S-08: who holds which key at ``now``, from the hand-off events in time order.

    Every key of ``keys`` (and any key named in an event) is listed; a key never handed out or
    recorded lost has no holder. Events after ``now`` are not known yet.
    """
    now = _local(now)
    holders: dict[str, str | None] = dict.fromkeys(keys)
    irregular: list[KeyEvent] = []
    known = [e for e in events if _local(e.at) <= now]
    for e in sorted(known, key=lambda e: _local(e.at)):
        current = holders.get(e.key)
        if e.from_ is not None and e.from_ != current:
            irregular.append(e)
        holders[e.key] = e.to
    return KeyCustody(holders, tuple(irregular))


@dataclass(frozen=True, slots=True)
class Absence:
    """The guard left the booth (T2 17 "有事临时走开门卫室")."""

    guard: str
    left_at: datetime
    back_at: datetime | None = None
    gate_closed: bool = False
    cover: str | None = None  # the named person looking after the gate (行政人事部人员)


# == S-10 findings are defined here because S-03 … S-09 checks produce them ======================


class FindingKind(StrEnum):
    VISITOR_NO_TIME_OUT = "visitor_no_time_out"
    MIDSHIFT_NO_RETURN = "midshift_no_return"
    CHECKPOINT_MISSED = "checkpoint_missed"
    CHECKPOINT_LATE = "checkpoint_late"
    HANDOVER_UNSIGNED = "handover_unsigned"
    LATE_ARRIVAL = "late_arrival"
    SLIP_NOT_COLLECTED = "slip_not_collected"
    SLIP_NOT_HANDED_ON = "slip_not_handed_on"
    BOOTH_UNATTENDED = "booth_unattended"
    LEFT_AT_COMMUTE = "left_at_commute"


# kind -> (SPEC rule, the register it shows in, Chinese label)
FINDINGS: dict[FindingKind, tuple[str, Register | None, str]] = {
    FindingKind.VISITOR_NO_TIME_OUT: ("VI-03", Register.VISITOR, "来客离开未注明离开时间"),
    FindingKind.MIDSHIFT_NO_RETURN: ("P-12", Register.STAFF_MIDSHIFT, "中途外出未记录返回时间"),
    FindingKind.CHECKPOINT_MISSED: ("S-04", Register.NIGHT_PATROL, "巡查漏检巡查点"),
    FindingKind.CHECKPOINT_LATE: ("S-04", Register.NIGHT_PATROL, "巡查点超时打卡"),
    FindingKind.HANDOVER_UNSIGNED: ("S-03", Register.HANDOVER, "交接班记录未签字"),
    FindingKind.LATE_ARRIVAL: ("S-03", Register.HANDOVER, "接班未提前到岗"),
    FindingKind.SLIP_NOT_COLLECTED: ("G-05", Register.GOODS_RELEASE, "放行条未按班收交中队长"),
    FindingKind.SLIP_NOT_HANDED_ON: ("G-05", Register.GOODS_RELEASE, "放行条未上交客服保管"),
    FindingKind.BOOTH_UNATTENDED: ("S-09", None, "临时离岗未关大门也未安排人员照看"),
    FindingKind.LEFT_AT_COMMUTE: ("S-09", None, "员工上下班时间段离开门卫室"),
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One violation by one guard, as a spot check (S-10) or a live check finds it."""

    guard: str
    kind: FindingKind
    at: datetime
    ref: str = ""  # the register row, slip, checkpoint … it is about
    detail: str = ""

    @property
    def rule(self) -> str:
        return FINDINGS[self.kind][0]

    @property
    def register(self) -> Register | None:
        return FINDINGS[self.kind][1]

    @property
    def message(self) -> str:
        label = FINDINGS[self.kind][2]
        at = _local(self.at)
        when = f"{cn_date(at.date())} {_hm(at)}"
        parts = [p for p in (self.ref, self.detail) if p]
        return f"{when} {self.guard}：{label}" + (f"（{'，'.join(parts)}）" if parts else "")


def check_absence(
    *, absence: Absence, now: datetime, commute: Sequence[tuple[time, time]] = ()
) -> tuple[Finding, ...]:
    """S-09: leaving the booth needs a closed gate or a named cover; during the staff's commute
    (``commute`` wall-clock windows, T2 2 "上下班时间段严禁离开门卫室") it is not allowed at all.
    An absence without a return time lasts until ``now``."""
    left = _local(absence.left_at)
    back = _local(absence.back_at) if absence.back_at is not None else _local(now)
    found: list[Finding] = []
    for a, b in commute:
        start = datetime.combine(left.date(), a, tzinfo=SHANGHAI)
        end = datetime.combine(left.date(), b, tzinfo=SHANGHAI)
        if left < end and back > start:
            window = f"{a:%H:%M}–{b:%H:%M}"
            found.append(Finding(absence.guard, FindingKind.LEFT_AT_COMMUTE, left, detail=window))
            break
    if not absence.gate_closed and not (absence.cover and absence.cover.strip()):
        found.append(Finding(absence.guard, FindingKind.BOOTH_UNATTENDED, left))
    return tuple(found)


# == S-04: night patrol ==========================================================================


@dataclass(frozen=True, slots=True)
class Route:
    """A patrol route: every round, each checkpoint is due within the round's window.

    Round ``k`` (0-based) of the night of day D opens at D ``first_round`` + k × ``every_minutes``
    and closes ``window_minutes`` later (default: ``every_minutes``); a scan up to
    ``grace_minutes`` after the close is late, later still the checkpoint is missed.
    """

    name: str
    checkpoints: tuple[str, ...]
    first_round: time
    rounds: int
    every_minutes: int = 120
    window_minutes: int | None = None
    grace_minutes: int = 15

    def __post_init__(self) -> None:
        if not self.checkpoints or self.rounds < 1:
            raise InvalidInput("patrol.route", "巡查路线至少要有一个巡查点和一轮巡查。", {})
        window = self.window_minutes if self.window_minutes is not None else self.every_minutes
        if self.every_minutes < 1 or window < 1 or self.grace_minutes < 0:
            raise InvalidInput(
                "patrol.minutes", "巡查间隔和时间窗必须大于0分钟，宽限不能为负数。", {}
            )

    @property
    def window(self) -> timedelta:
        minutes = self.window_minutes if self.window_minutes is not None else self.every_minutes
        return timedelta(minutes=minutes)

    def opens(self, night_of: date, round_no: int) -> datetime:
        first = datetime.combine(night_of, self.first_round, tzinfo=SHANGHAI)
        return first + timedelta(minutes=self.every_minutes * round_no)


@dataclass(frozen=True, slots=True)
class Scan:
    checkpoint: str
    at: datetime
    guard: str = ""


class CheckState(StrEnum):
    UPCOMING = "upcoming"  # the window has not opened
    OPEN = "open"  # the window is open, no scan yet
    GRACE = "grace"  # the window has closed, still within the grace: not missed yet
    ON_TIME = "on_time"
    LATE = "late"
    MISSED = "missed"


@dataclass(frozen=True, slots=True)
class CheckpointStatus:
    round_no: int  # 1-based, as printed on the 夜间安保巡查记录表
    checkpoint: str
    opens: datetime
    closes: datetime
    missed_from: datetime  # after this moment an unscanned checkpoint is missed
    state: CheckState
    scanned_at: datetime | None = None
    minutes_late: int = 0
    guard: str = ""


def _night_of(route: Route, now: datetime) -> date:
    """The most recent night whose first round has opened by ``now``."""
    day = now.date()
    return day if route.opens(day, 0) <= now else day - ONE_DAY


def patrol_status(
    *, route: Route, scans: Sequence[Scan], now: datetime, night_of: date | None = None
) -> tuple[CheckpointStatus, ...]:
    """S-04: the state of every checkpoint of every round of one night, as known at ``now``.

    Usable live: scans after ``now`` are not known, an unscanned checkpoint is ``OPEN`` or
    ``GRACE`` until ``missed_from`` (the window's close plus the grace), and only then
    ``MISSED``. ``night_of`` defaults to the most recent night that has begun.
    """
    now = _local(now)
    night = night_of if night_of is not None else _night_of(route, now)
    grace = timedelta(minutes=route.grace_minutes)
    windows = [(k, route.opens(night, k)) for k in range(route.rounds)]
    taken: dict[tuple[int, str], Scan] = {}
    known = sorted((s for s in scans if _local(s.at) <= now), key=lambda s: _local(s.at))
    for s in known:
        at = _local(s.at)
        if s.checkpoint not in route.checkpoints:
            continue
        for k, opens in windows:
            if (k, s.checkpoint) not in taken and opens <= at <= opens + route.window + grace:
                taken[(k, s.checkpoint)] = s
                break
    out: list[CheckpointStatus] = []
    for k, opens in windows:
        closes = opens + route.window
        for cp in route.checkpoints:
            scan = taken.get((k, cp))
            head = (k + 1, cp, opens, closes, closes + grace)
            if scan is not None:
                at = _local(scan.at)
                late = _minutes_after(at, closes) if at > closes else 0
                state = CheckState.LATE if late else CheckState.ON_TIME
                out.append(CheckpointStatus(*head, state, at, late, scan.guard))
            elif now < opens:
                out.append(CheckpointStatus(*head, CheckState.UPCOMING))
            elif now <= closes:
                out.append(CheckpointStatus(*head, CheckState.OPEN))
            elif now <= closes + grace:
                out.append(CheckpointStatus(*head, CheckState.GRACE))
            else:
                out.append(CheckpointStatus(*head, CheckState.MISSED))
    return tuple(out)


# == S-05 / S-06 / S-13: anomalies, escalation, the emergency chain ==============================


class AnomalyKind(StrEnum):
    FIGHT = "fight"  # 打架斗殴
    THEFT = "theft"  # 盗窃
    TRAFFIC_ACCIDENT = "traffic_accident"  # 交通事故
    FIRE = "fire"  # 火灾
    SUSPICIOUS_PERSON = "suspicious_person"  # 可疑人员
    SUSPICIOUS_VEHICLE = "suspicious_vehicle"  # 可疑车辆
    EQUIPMENT_FAULT = "equipment_fault"  # 监控、报警设备故障
    DECORATION_WASTE_IN_LIFT = "decoration_waste_in_lift"  # 装修垃圾进入电梯
    HAZARDOUS_GOODS = "hazardous_goods"  # 住户执意带入危险物品 (G-03)
    GOODS_MISMATCH = "goods_mismatch"  # 物品与放行条不符 (G-01)
    OTHER = "other"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


@dataclass(frozen=True, slots=True)
class AnomalyProfile:
    label: str
    severity: Severity  # the default; the monitoring centre may raise it
    archive_video: bool = False  # T4 监控 1: 录像另存入u盘存档保留，并做好标记
    notify_patrol: bool = False  # T4 监控 3/4/5: the patrol goes to check or follows
    notify_maintenance: bool = False  # T2 18: 设备故障及时通知电工或行政人事部


ANOMALIES: dict[AnomalyKind, AnomalyProfile] = {
    AnomalyKind.FIGHT: AnomalyProfile("打架斗殴", Severity.HIGH, archive_video=True),
    AnomalyKind.THEFT: AnomalyProfile("盗窃", Severity.HIGH, archive_video=True),
    AnomalyKind.TRAFFIC_ACCIDENT: AnomalyProfile("交通事故", Severity.HIGH, archive_video=True),
    AnomalyKind.FIRE: AnomalyProfile("火灾", Severity.CRITICAL, archive_video=True),
    AnomalyKind.SUSPICIOUS_PERSON: AnomalyProfile("可疑人员", Severity.MEDIUM, notify_patrol=True),
    AnomalyKind.SUSPICIOUS_VEHICLE: AnomalyProfile("可疑车辆", Severity.MEDIUM, notify_patrol=True),
    AnomalyKind.EQUIPMENT_FAULT: AnomalyProfile(
        "监控设备故障", Severity.MEDIUM, notify_maintenance=True
    ),
    AnomalyKind.DECORATION_WASTE_IN_LIFT: AnomalyProfile(
        "装修垃圾进入电梯", Severity.LOW, notify_patrol=True
    ),
    AnomalyKind.HAZARDOUS_GOODS: AnomalyProfile("住户带入危险物品", Severity.HIGH),
    AnomalyKind.GOODS_MISMATCH: AnomalyProfile("物品与放行条不符", Severity.MEDIUM),
    AnomalyKind.OTHER: AnomalyProfile("其他异常情况", Severity.MEDIUM, notify_patrol=True),
}


def anomaly_obligations(kind: AnomalyKind) -> tuple[Obligation, ...]:
    """S-05 / S-06: what follows an anomaly: a row of the 异常情况记录表 and a report to the
    leadership at once (T2 10), plus what its kind needs (video archived, patrol, repair)."""
    profile = ANOMALIES[kind]
    duties = [
        Obligation(Duty.REGISTER, Register.ANOMALY, note=profile.label),
        Obligation(Duty.ESCALATE, note="第一时间上报公司领导及行政人事部"),
    ]
    if profile.archive_video:
        duties.append(Obligation(Duty.ARCHIVE_VIDEO, note="录像另存档并做好标记"))
    if profile.notify_patrol:
        duties.append(Obligation(Duty.NOTIFY_PATROL))
    if profile.notify_maintenance:
        duties.append(Obligation(Duty.NOTIFY_MAINTENANCE))
    return tuple(duties)


def _default_ack_minutes() -> dict[Severity, int]:
    return {Severity.CRITICAL: 2, Severity.HIGH: 5, Severity.MEDIUM: 10, Severity.LOW: 30}


@dataclass(frozen=True, slots=True)
class EscalationPolicy:
    """Minutes an anomaly may wait for an acknowledgement before leadership is called."""

    ack_minutes: Mapping[Severity, int] = field(default_factory=_default_ack_minutes)

    def minutes(self, severity: Severity) -> int:
        try:
            return self.ack_minutes[severity]
        except KeyError:
            raise InvalidInput(
                "escalation.severity", "未配置该级别的确认时限。", {"severity": str(severity)}
            ) from None


@dataclass(frozen=True, slots=True)
class Escalation:
    due_at: datetime
    escalate: bool  # nobody has acknowledged and the time is up: call leadership now
    acknowledged_late: bool  # acknowledged, but after ``due_at``


def escalation_due(
    *,
    reported_at: datetime,
    acknowledged_at: datetime | None,
    severity: Severity,
    policy: EscalationPolicy | None = None,
    now: datetime,
) -> Escalation:
    """S-05: escalate when nobody acknowledged within the severity's minutes (an
    acknowledgement dated after ``now`` is not known yet)."""
    policy = policy or EscalationPolicy()
    now = _local(now)
    due = _local(reported_at) + timedelta(minutes=policy.minutes(severity))
    ack = _local(acknowledged_at) if acknowledged_at is not None else None
    if ack is not None and ack > now:
        ack = None
    return Escalation(due, ack is None and now >= due, ack is not None and ack > due)


@dataclass(frozen=True, slots=True)
class ChainStep:
    who: str
    minutes: int  # to acknowledge before the next is called


class CallState(StrEnum):
    WAITING = "waiting"  # not called yet
    CALLING = "calling"
    ACKNOWLEDGED = "acknowledged"
    FAILED = "failed"  # did not acknowledge in time


@dataclass(frozen=True, slots=True)
class Call:
    who: str
    state: CallState
    called_at: datetime | None
    deadline: datetime | None
    acknowledged_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ChainState:
    calls: tuple[Call, ...]

    @property
    def calling(self) -> str | None:
        return next((c.who for c in self.calls if c.state is CallState.CALLING), None)

    @property
    def failed(self) -> tuple[str, ...]:
        return tuple(c.who for c in self.calls if c.state is CallState.FAILED)

    @property
    def done(self) -> bool:
        return all(c.state in (CallState.ACKNOWLEDGED, CallState.FAILED) for c in self.calls)


def chain_state(
    *,
    chain: Sequence[ChainStep],
    acks: Mapping[str, datetime],
    started_at: datetime,
    now: datetime,
) -> ChainState:
    """S-13: the emergency report goes up the chain in order (逐级报告): each person is called
    when the one before acknowledged or ran out of minutes. An acknowledgement received before
    the call counts at the call; one after the deadline does not save the step."""
    names = [s.who for s in chain]
    if len(set(names)) != len(names):
        raise InvalidInput("chain.duplicate", "应急通知链中同一人不能出现两次。", {})
    now = _local(now)
    called: datetime | None = _local(started_at)  # when the current step is called; None: later
    calls: list[Call] = []
    for step in chain:
        if called is None or called > now:
            calls.append(Call(step.who, CallState.WAITING, None, None))
            called = None
            continue
        deadline = called + timedelta(minutes=step.minutes)
        raw = acks.get(step.who)
        ack = _local(raw) if raw is not None and _local(raw) <= now else None
        if ack is not None and ack <= deadline:
            at = max(ack, called)
            calls.append(Call(step.who, CallState.ACKNOWLEDGED, called, deadline, at))
            called = at
        elif now < deadline:
            calls.append(Call(step.who, CallState.CALLING, called, deadline))
            called = None
        else:
            calls.append(Call(step.who, CallState.FAILED, called, deadline, ack))
            called = deadline
    return ChainState(tuple(calls))


# == S-07: cleaning rota; S-11 hazard inspections; S-12 hotline =================================


def cleaner_on(*, guards: Sequence[str], first_day: date, day: date) -> str:
    """S-07: the guard on cleaning duty on ``day``; the rota turns daily from ``first_day``."""
    if not guards:
        raise InvalidInput("rota.empty", "卫生轮流表至少要有一名门卫。", {})
    return guards[(day - first_day).days % len(guards)]


#: The days the cleaning rota shows when no range is asked: a week back, two weeks ahead.
CLEANING_BEFORE, CLEANING_DAYS = 7, 21
#: The longest range of days the rota is listed or exported for (ten years).
CLEANING_MAX_DAYS = 3660


def cleaning_span(
    *, today: date, date_from: date | None = None, date_to: date | None = None
) -> tuple[date, int]:
    """S-07: the first day and the number of days of the rota asked for: from ``date_from`` to
    ``date_to``; one end missing, :data:`CLEANING_DAYS` days from (or up to) the other; neither,
    from :data:`CLEANING_BEFORE` days ago. ``rota.range`` when the end comes before the start or
    the range is longer than :data:`CLEANING_MAX_DAYS`."""
    if date_from is None and date_to is None:
        start, days = today - CLEANING_BEFORE * ONE_DAY, CLEANING_DAYS
    elif date_from is None:
        assert date_to is not None
        start, days = date_to - (CLEANING_DAYS - 1) * ONE_DAY, CLEANING_DAYS
    elif date_to is None:
        start, days = date_from, CLEANING_DAYS
    else:
        start, days = date_from, (date_to - date_from).days + 1
    if days < 1:
        raise InvalidInput("rota.range", "结束日期不能早于开始日期。", {})
    if days > CLEANING_MAX_DAYS:
        raise InvalidInput(
            "rota.range",
            f"卫生轮流表一次最多列出 {CLEANING_MAX_DAYS} 天，请缩小日期范围。",
            {"days": days},
        )
    return start, days


def cleaning_rota(
    *, guards: Sequence[str], first_day: date, start: date, days: int
) -> tuple[tuple[date, str], ...]:
    """S-07: the 门卫日常卫生轮流表 for ``days`` days from ``start``."""
    return tuple(
        (
            start + i * ONE_DAY,
            cleaner_on(guards=guards, first_day=first_day, day=start + i * ONE_DAY),
        )
        for i in range(days)
    )


class KeyPlace(StrEnum):
    """Key places of T3 隐患排查 (dormitories, canteens, gas, fire exits, toilets)."""

    DORMITORY = "dormitory"
    CANTEEN = "canteen"
    GAS = "gas"
    FIRE_EXIT = "fire_exit"
    TOILET = "toilet"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class HazardFinding:
    ref: str
    place: KeyPlace
    description: str
    owner: str  # who must fix it
    found_on: date
    deadline: date  # last day to fix
    fixed_on: date | None = None


class FixState(StrEnum):
    OPEN = "open"
    FIXED = "fixed"
    FIXED_LATE = "fixed_late"
    OVERDUE = "overdue"


def hazard_state(finding: HazardFinding, *, today: date) -> FixState:
    """S-11: a finding as known on ``today`` (a fix dated later is not known yet)."""
    fixed = finding.fixed_on if finding.fixed_on is not None and finding.fixed_on <= today else None
    if fixed is not None:
        return FixState.FIXED if fixed <= finding.deadline else FixState.FIXED_LATE
    return FixState.OVERDUE if today > finding.deadline else FixState.OPEN


def days_overdue(finding: HazardFinding, *, today: date) -> int:
    """S-11: days past the deadline of an unfixed finding (0 otherwise)."""
    if hazard_state(finding, today=today) is not FixState.OVERDUE:
        return 0
    return (today - finding.deadline).days


@dataclass(frozen=True, slots=True)
class Ticket:
    """A hotline call or complaint (24 h hotline, T3; 投诉、回访, T6)."""

    ref: str
    received_at: datetime
    answered_at: datetime | None = None  # first reply to the caller
    followed_up_at: datetime | None = None  # the matter handled / the caller told the outcome
    closed_at: datetime | None = None
    visited_back_at: datetime | None = None  # 回访


@dataclass(frozen=True, slots=True)
class TicketPolicy:
    answer_within_minutes: int = 30
    follow_up_within_hours: int = 24
    visit_back_within_days: int = 7


class TicketStep(StrEnum):
    ANSWER = "answer"
    FOLLOW_UP = "follow_up"
    VISIT_BACK = "visit_back"


TICKET_STEP_LABELS: dict[TicketStep, str] = {
    TicketStep.ANSWER: "答复",
    TicketStep.FOLLOW_UP: "跟进处理",
    TicketStep.VISIT_BACK: "回访",
}


@dataclass(frozen=True, slots=True)
class TicketAlert:
    step: TicketStep
    due_at: datetime
    done_at: datetime | None  # done, but late; None: still not done

    @property
    def message(self) -> str:
        label = TICKET_STEP_LABELS[self.step]
        due = f"{cn_date(self.due_at.date())} {_hm(self.due_at)}"
        if self.done_at is None:
            return f"{label}已超时（应于{due}前完成）"
        return f"{label}超时完成（应于{due}前完成）"


def ticket_alerts(
    ticket: Ticket, *, policy: TicketPolicy | None = None, now: datetime
) -> tuple[TicketAlert, ...]:
    """S-12: the steps of a ticket that are overdue at ``now`` or were done late.

    Answer within ``answer_within_minutes`` of receipt; follow up within
    ``follow_up_within_hours`` of the answer; visit back within ``visit_back_within_days`` of
    closing. A step's clock starts only when the step before it is done.
    """
    policy = policy or TicketPolicy()
    now = _local(now)

    def known(moment: datetime | None) -> datetime | None:
        return _local(moment) if moment is not None and _local(moment) <= now else None

    steps = (
        (
            TicketStep.ANSWER,
            _local(ticket.received_at),
            timedelta(minutes=policy.answer_within_minutes),
            known(ticket.answered_at),
        ),
        (
            TicketStep.FOLLOW_UP,
            known(ticket.answered_at),
            timedelta(hours=policy.follow_up_within_hours),
            known(ticket.followed_up_at),
        ),
        (
            TicketStep.VISIT_BACK,
            known(ticket.closed_at),
            timedelta(days=policy.visit_back_within_days),
            known(ticket.visited_back_at),
        ),
    )
    alerts: list[TicketAlert] = []
    for step, since, allowed, done in steps:
        if since is None:
            continue
        due = since + allowed
        if done is None and now > due:
            alerts.append(TicketAlert(step, due, None))
        elif done is not None and done > due:
            alerts.append(TicketAlert(step, due, done))
    return tuple(alerts)


#: Who calls the hotline (T3·16), and whom a site of each kind hears most.
CALLER_TYPES = ("teacher", "student", "parent", "resident", "employee", "other")
_DEFAULT_CALLER = {
    "campus": "parent",
    "residential": "resident",
    "industrial_park": "employee",
    "company": "employee",
}


def default_caller_type(site_kind: str) -> str:
    """The caller type a new ticket starts from at a site of ``site_kind``."""
    return _DEFAULT_CALLER.get(site_kind, "other")


def escalation_problem(
    *,
    received_at: datetime,
    escalated_at: datetime | None,
    at: datetime,
    who: str,
    now: datetime,
) -> tuple[str, str, str] | None:
    """T3·16: a ticket is reported to the education bureau (教育局) once, by a named person, at
    a time between its receipt and now (code, Chinese message, field), or None."""
    if escalated_at is not None:
        return ("ticket.escalated", "该工单已经上报教育局", "at")
    if not who:
        return ("ticket.escalated_by", "请填写上报人", "who")
    if at > now:
        return ("ticket.escalation_future", "上报时间不能晚于现在", "at")
    if at < received_at:
        return ("ticket.escalation_early", "上报时间不能早于来电时间", "at")
    return None


def bureau_reply_problem(
    *, escalated_at: datetime | None, replied_at: datetime | None, reply: str
) -> tuple[str, str, str] | None:
    """T3·16: the bureau's reply is recorded once, on a ticket that was reported to it."""
    if escalated_at is None:
        return ("ticket.not_escalated", "该工单尚未上报教育局", "reply")
    if replied_at is not None:
        return ("ticket.bureau_replied", "教育局答复已经记录", "reply")
    if not reply:
        return ("ticket.bureau_reply", "请填写教育局的答复", "reply")
    return None


# == S-10: weekly spot checks and the penalty ladder =============================================


@dataclass(frozen=True, slots=True)
class VisitorRow:
    ref: str
    guard: str  # who registered the visitor
    time_in: datetime
    time_out: datetime | None = None


@dataclass(frozen=True, slots=True)
class MidshiftRow:
    ref: str
    guard: str
    out_at: datetime
    back_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PatrolNight:
    guard: str  # the patrol guard on duty that night
    route: Route
    night_of: date
    scans: tuple[Scan, ...] = ()


@dataclass(frozen=True, slots=True)
class ShiftArrival:
    guard: str
    shift_start: datetime
    arrived_at: datetime


@dataclass(frozen=True, slots=True)
class WeekRegisters:
    """The register facts a weekly spot check reads (T2 "抽查门卫涉及管理表格填写情况")."""

    visitors: tuple[VisitorRow, ...] = ()
    midshift: tuple[MidshiftRow, ...] = ()
    patrols: tuple[PatrolNight, ...] = ()
    handovers: tuple[Handover, ...] = ()
    arrivals: tuple[ShiftArrival, ...] = ()
    slip_shifts: tuple[ShiftSlips, ...] = ()
    slip_handoffs: tuple[SlipHandoff, ...] = ()
    absences: tuple[Absence, ...] = ()


def _day_start(moment: datetime) -> datetime:
    return datetime.combine(moment.date(), time(0), tzinfo=SHANGHAI)


_GAP_FINDINGS = {
    GapKind.NOT_COLLECTED: FindingKind.SLIP_NOT_COLLECTED,
    GapKind.COLLECTED_LATE: FindingKind.SLIP_NOT_COLLECTED,
    GapKind.NOT_HANDED_ON: FindingKind.SLIP_NOT_HANDED_ON,
}


def _gap_finding(gap: CollectionGap) -> Finding:
    detail = "交班后才收交" if gap.kind is GapKind.COLLECTED_LATE else ""
    return Finding(gap.responsible, _GAP_FINDINGS[gap.kind], gap.due, gap.slip, detail)


def spot_check(
    *,
    registers: WeekRegisters,
    as_of: datetime,
    commute: Sequence[tuple[time, time]] = (),
    early_minutes: int = HANDOVER_EARLY_MINUTES,
    hand_on_hours: int = 24,
) -> tuple[Finding, ...]:
    """S-10: the findings of a spot check made at ``as_of``, sorted by guard, then time.

    A visitor row or a mid-shift exit still open from a day before ``as_of``'s day lacks its
    time out / back; a checkpoint is missed or late per ``patrol_status``; a handover lacks a
    signature; a guard arrived late for the handover; slips were not collected or handed on; the
    booth was left unattended or during the commute.
    """
    as_of = _local(as_of, "as_of")
    today = _day_start(as_of)
    found: list[Finding] = []
    for v in registers.visitors:
        if v.time_out is None and _local(v.time_in) < today:
            found.append(
                Finding(v.guard, FindingKind.VISITOR_NO_TIME_OUT, _local(v.time_in), v.ref)
            )
    for m in registers.midshift:
        if m.back_at is None and _local(m.out_at) < today:
            found.append(Finding(m.guard, FindingKind.MIDSHIFT_NO_RETURN, _local(m.out_at), m.ref))
    for night in registers.patrols:
        states = patrol_status(
            route=night.route, scans=night.scans, now=as_of, night_of=night.night_of
        )
        for s in states:
            ref = f"{night.route.name} 第{s.round_no}轮 {s.checkpoint}"
            if s.state is CheckState.MISSED:
                found.append(Finding(night.guard, FindingKind.CHECKPOINT_MISSED, s.closes, ref))
            elif s.state is CheckState.LATE:
                detail = f"超时{s.minutes_late}分钟"
                found.append(
                    Finding(night.guard, FindingKind.CHECKPOINT_LATE, s.closes, ref, detail)
                )
    for h in registers.handovers:
        for who in check_handover(handover=h).unsigned_by:
            found.append(Finding(who, FindingKind.HANDOVER_UNSIGNED, _local(h.at), h.ref))
    for a in registers.arrivals:
        arrival = arrival_status(
            shift_start=a.shift_start, arrived_at=a.arrived_at, early_minutes=early_minutes
        )
        if not arrival.on_time:
            detail = f"迟到{arrival.minutes_late}分钟"
            found.append(Finding(a.guard, FindingKind.LATE_ARRIVAL, arrival.due, detail=detail))
    for shift in registers.slip_shifts:
        gaps = collection_gaps(
            shift=shift, handoffs=registers.slip_handoffs, now=as_of, hand_on_hours=hand_on_hours
        )
        found.extend(_gap_finding(g) for g in gaps)
    for absence in registers.absences:
        found.extend(check_absence(absence=absence, now=as_of, commute=commute))
    return tuple(sorted(found, key=lambda f: (f.guard, f.at, f.kind, f.ref)))


class PenaltyKind(StrEnum):
    NOTICE = "notice"  # 出公告
    FINE = "fine"  # 罚款


@dataclass(frozen=True, slots=True)
class PastViolation:
    guard: str
    kind: FindingKind
    on: date


@dataclass(frozen=True, slots=True)
class PenaltyPolicy:
    """S-10 configuration: the source names no amount and no window (see the module notes)."""

    fine_fen: int = 5000
    fine_by_kind: Mapping[FindingKind, int] = field(default_factory=dict)
    repeat_within_days: int | None = None

    def amount(self, kind: FindingKind) -> int:
        fen = self.fine_by_kind.get(kind, self.fine_fen)
        if isinstance(fen, bool) or not isinstance(fen, int) or fen <= 0:
            raise InvalidInput(
                "penalty.amount", "罚款金额必须是大于0的整数（单位：分）。", {"kind": str(kind)}
            )
        return fen


@dataclass(frozen=True, slots=True)
class Penalty:
    kind: PenaltyKind
    amount_fen: int  # 0 for a notice
    repeat_of: date | None  # the earlier violation that makes this a repeat
    message: str


def penalty_for(
    *, history: Iterable[PastViolation], finding: Finding, policy: PenaltyPolicy | None = None
) -> Penalty:
    """S-10: a first violation of a kind by a guard is posted as a notice; the same violation
    again (on a later day, within ``repeat_within_days`` if set) is fined."""
    policy = policy or PenaltyPolicy()
    on = _local(finding.at).date()
    label = FINDINGS[finding.kind][2]
    earlier = [
        v.on
        for v in history
        if v.guard == finding.guard
        and v.kind is finding.kind
        and v.on < on
        and (policy.repeat_within_days is None or (on - v.on).days <= policy.repeat_within_days)
    ]
    if not earlier:
        return Penalty(PenaltyKind.NOTICE, 0, None, f"{finding.guard}：{label}，首次违规，出公告")
    last = max(earlier)
    fen = policy.amount(finding.kind)
    message = (
        f"{finding.guard}：{label}，第二次出现同样问题（上次{cn_date(last)}），"
        f"罚款{format_fen(fen)}元"
    )
    return Penalty(PenaltyKind.FINE, fen, last, message)


def assess_penalties(
    *,
    findings: Iterable[Finding],
    history: Iterable[PastViolation] = (),
    policy: PenaltyPolicy | None = None,
) -> tuple[tuple[Finding, Penalty], ...]:
    """S-10: the penalty of each finding in time order, each one joining the history of the
    next (same-day findings of one kind are one occurrence)."""
    past = list(history)
    out: list[tuple[Finding, Penalty]] = []
    for f in sorted(findings, key=lambda f: (_local(f.at), f.guard, f.kind)):
        out.append((f, penalty_for(history=past, finding=f, policy=policy)))
        past.append(PastViolation(f.guard, f.kind, _local(f.at).date()))
    return tuple(out)
