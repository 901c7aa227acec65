"""The gate decision for a person at a lane (SPEC §2, §3, §8 people side).

``decide(facts, policy, now)`` is pure: the service layer loads the facts as plain values, this
module says allow, refuse or pending, with the reason code, the Chinese sentence for the guard's
screen, the SPEC rule that decided, and the obligations that follow (write a register, notify the
monitoring centre, escort …). The first rule that fails supplies the reason.

The same function decides on the server and at a gate that has lost the server: nothing here
reads the clock, the database or the settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from gatehouse.core import campus
from gatehouse.core.campus import LeavePassFacts
from gatehouse.core.epidemic import OutingLimit, counted_outings, next_outing


class Outcome(StrEnum):
    ALLOW = "allow"
    REFUSE = "refuse"
    PENDING = "pending"


class Pending(StrEnum):
    """What a pending decision waits for."""

    VERIFY = "verify"  # identity or the front desk's confirmation
    HOST_CONSENT = "host_consent"  # the resident or employee being visited
    APPROVAL = "approval"  # a manager (staff without badge, tour without letter, mid-shift exit)
    PAYMENT = "payment"  # the parking fee at the exit (V-07, PK-01, PK-02)


class LaneKind(StrEnum):
    MOTOR = "motor"
    NON_MOTOR = "non_motor"
    GARAGE = "garage"


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


class Mode(StrEnum):
    NORMAL = "normal"
    TIGHTENED = "tightened"
    EPIDEMIC = "epidemic"


class CredentialKind(StrEnum):
    OWNER_CARD = "owner_card"
    PARKING_CARD = "parking_card"
    STAFF_BADGE = "staff_badge"
    QR = "qr"
    PLATE = "plate"


class CredentialStatus(StrEnum):
    ACTIVE = "active"
    LOST = "lost"
    REVOKED = "revoked"


class HolderKind(StrEnum):
    OWNER = "owner"
    FAMILY = "family"
    TENANT = "tenant"
    EMPLOYEE = "employee"
    PROPERTY_STAFF = "property_staff"
    GUARD = "guard"
    STUDENT = "student"  # campus (T3)
    TEACHER = "teacher"
    SCHOOL_STAFF = "school_staff"
    PARENT = "parent"
    OTHER = "other"


RESIDENT_KINDS = frozenset({HolderKind.OWNER, HolderKind.FAMILY, HolderKind.TENANT})
STAFF_KINDS = frozenset(
    {
        HolderKind.EMPLOYEE,
        HolderKind.PROPERTY_STAFF,
        HolderKind.GUARD,
        HolderKind.TEACHER,
        HolderKind.SCHOOL_STAFF,
    }
)


class Entrant(StrEnum):
    """Who stands at the lane, as the reader or the guard's flow says."""

    CREDENTIAL = "credential"  # presents a card, badge or QR credential (P-03, P-10)
    FORGOTTEN_CARD = "forgotten_card"  # resident without their card (P-04)
    RELATIVE = "relative"  # family or relative without a card (P-05)
    VISITOR = "visitor"  # walk-in visitor (VI-01)
    INVITED = "invited"  # visitor with a host's invitation QR (VI-02)
    TOUR = "tour"  # touring with an introduction letter (P-06)
    ELDERLY = "elderly"  # elderly person (P-07)
    SALESPERSON = "salesperson"  # (P-08)
    DECORATION_WORKER = "decoration_worker"  # with or without a worker pass (P-09)
    ONE_TIME_WORKER = "one_time_worker"  # one-time installation/delivery work (P-09)
    STAFF_NO_BADGE = "staff_no_badge"  # company staff without their badge (P-10)
    STAFF_MIDSHIFT = "staff_midshift"  # employee leaving/returning in working hours (P-12)
    TEMPORARY_PASS = "temporary_pass"  # holder of a temporary pass
    PARENT = "parent"  # a parent at a campus gate without an appointment (T3-02)


class PassKind(StrEnum):
    DECORATION = "decoration"  # 装修出入证 (P-09)
    INTRO_LETTER = "intro_letter"  # 介绍信 / 联系函 (P-06)
    TEMPORARY = "temporary"  # 临时出入证


class HealthCode(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class TravelCode(StrEnum):
    """The travel code (通信大数据行程卡, M-02): green, or a stay in a risk-area city (带星号)."""

    GREEN = "green"
    STARRED = "starred"  # 带星号
    YELLOW = "yellow"
    RED = "red"


class Register(StrEnum):
    """The registers (SPEC §11) a decision writes a row of."""

    VISITOR = "visitor"  # 来客进出登记表
    STAFF_MIDSHIFT = "staff_midshift"  # 上班中途进出员工登记表
    MAIL = "mail"  # 外来信件报刊登记表
    FORGOTTEN_CARD = "forgotten_card"  # 忘带卡登记 (P-04: the attempt is recorded)
    GOODS_RELEASE = "goods_release"  # 物品放行登记 (G-01, G-02, G-05)
    ANOMALY = "anomaly"  # 异常情况记录表 (S-05; G-01 mismatch, G-03 hazardous goods let in)
    NIGHT_PATROL = "night_patrol"  # 夜间安保巡查记录表 (S-04)
    HANDOVER = "handover"  # 交接班记录表 (S-03, S-08)
    VEHICLE = "vehicle"  # 外来车辆进出登记表 (V-03, V-05, V-08, V-11)
    OWN_VEHICLE = "own_vehicle"  # 车辆出入登记表: own vehicles and occupants (V-13)


class Duty(StrEnum):
    """What the guard, the desk or the system must do because of a decision."""

    REGISTER = "register"  # write a row of ``register``
    CLOSE_REGISTER = "close_register"  # record the time out/back on the open row
    NOTIFY_MONITORING = "notify_monitoring"
    NOTIFY_PATROL = "notify_patrol"
    NOTIFY_HOST = "notify_host"
    NOTIFY_DESK = "notify_desk"
    NOTIFY_DEPARTMENT = "notify_department"
    ESCORT = "escort"
    WAIT_AT_OFFICE = "wait_at_office"
    ISSUE_PASS = "issue_pass"
    CHECK_IDENTITY = "check_identity"
    TIME_LIMIT = "time_limit"
    INSPECT_ON_EXIT = "inspect_on_exit"
    REMIND = "remind"
    COUNT_FORGOTTEN = "count_forgotten"
    HOLD_GOODS = "hold_goods"  # keep the goods at the gate until the office decides (G-01)
    COLLECT_SLIP = "collect_slip"  # keep the release slip for the shift's hand-in (G-05)
    VERIFY_AT_HOME = "verify_at_home"  # staff verify at the owner's home (G-02)
    ESCALATE = "escalate"  # report up to leadership at once (逐级上报: G-03, S-05, S-13)
    NOTIFY_DECORATION_PATROL = "notify_decoration_patrol"  # 装修巡查组 follows up (G-04)
    ARCHIVE_VIDEO = "archive_video"  # store and mark the video clip (S-05)
    NOTIFY_MAINTENANCE = "notify_maintenance"  # electrician / admin-HR for a fault (S-05)
    PAY_AT_EXIT = "pay_at_exit"  # collect the parking fee before the barrier opens (V-07)
    GUIDE_OUTSIDE = "guide_outside"  # turn the vehicle away, guide it to park outside (V-06)
    DWELL_ALERT = "dwell_alert"  # alert if the vehicle is still inside after ``minutes`` (V-11)
    USE_LEAVE_PASS = "use_leave_pass"  # mark the student's leave pass used (T3-01)
    # M-05: a member of another compound passed a unified entrance: the passage is written into
    # the register of the person's own site too (合并出入口通行记录)
    RECORD_AT_HOME = "record_at_home"


@dataclass(frozen=True, slots=True)
class Obligation:
    duty: Duty
    register: Register | None = None
    minutes: int | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class LaneFacts:
    kind: LaneKind
    direction: Direction
    open_when_tightened: bool = False  # the designated entrance in tightened/epidemic mode


@dataclass(frozen=True, slots=True)
class MergerFacts:
    """M-05 (T8·2): the unified entrances (合并出入口) the lane's site is merged behind with other
    compounds for a while: outside its window, or once ended, the site's own rules stand."""

    name: str
    entrances: tuple[str, ...]  # the designated entrances' names, for the refusal's sentence
    valid_from: datetime
    valid_until: datetime | None = None  # None: until it is ended
    designated: bool = False  # the lane's gate is one of the unified entrances

    def active(self, now: datetime) -> bool:
        return self.valid_from <= now and (self.valid_until is None or now < self.valid_until)


@dataclass(frozen=True, slots=True)
class CredentialFacts:
    kind: CredentialKind
    status: CredentialStatus
    valid_from: datetime
    valid_until: datetime | None = None
    holder_kind: HolderKind | None = None
    holder_active: bool = True


@dataclass(frozen=True, slots=True)
class PassFacts:
    kind: PassKind
    revoked: bool
    valid_from: datetime
    valid_until: datetime


@dataclass(frozen=True, slots=True)
class InvitationFacts:
    revoked: bool
    window_start: datetime
    window_end: datetime
    uses_left: int | None  # None: multi-use without a limit
    confirmed: bool = True  # T3-02: a parent's booking waits for the teacher's confirmation


@dataclass(frozen=True, slots=True)
class HealthFacts:
    """Epidemic-mode checks at the designated entrance (M-02)."""

    necessary: bool = False  # the guard judged the visit necessary (non-residents)
    real_name: bool = False  # name and a valid ID number registered
    temperature: Decimal | None = None  # °C, as read
    code: HealthCode | None = None
    travel: TravelCode | None = None  # 行程卡, beside the health code


@dataclass(frozen=True, slots=True)
class Facts:
    lane: LaneFacts
    direction: Direction
    mode: Mode = Mode.NORMAL
    entrant: Entrant = Entrant.CREDENTIAL
    credential: CredentialFacts | None = None
    blacklisted: bool = False
    resident: bool = False  # lives or works at this site (a registered, active person)
    inside: bool | None = None  # known presence, for anti-passback; None: unknown
    identity_matched: bool | None = None  # P-04: house number and ID last 4 match a resident
    desk_confirmed: bool | None = None  # P-04, P-09: the front desk confirmed with the owner
    host_consent: bool | None = None  # P-05, P-07, P-08, VI-01
    host_home: bool | None = None  # P-07
    approval: bool | None = None  # P-06 manager's call, P-10, P-12
    destination_verified: bool | None = None  # P-08: destination and business contact
    pass_: PassFacts | None = None
    invitation: InvitationFacts | None = None
    health: HealthFacts | None = None
    # M-03: the person's home monitoring runs until this moment (an open returnee case), if any
    monitoring_until: datetime | None = None
    # M-02: the site's outing limit in epidemic mode (a resident with a house, going out) and the
    # household's allowed exits in its window
    outing_limit: OutingLimit | None = None
    household_outings: tuple[datetime, ...] = ()
    # P-13: the shift-change windows [start, end), wall-clock (see ``shift_change_windows``)
    shift_windows: tuple[tuple[time, time], ...] = ()
    campus: bool = False  # the site is a campus (T3): closed to walk-ins
    # T3: the campus's school hours [start, end), wall-clock, when the site is a campus
    school_hours: tuple[time, time] | None = None
    # T3-01: the student's current leave pass, if any (asked only on the way out)
    leave_pass: LeavePassFacts | None = None
    # M-05: the unified entrances the site is merged behind, and whether the person belongs to
    # another member compound (a resident or employee of another site of the merger)
    merger: MergerFacts | None = None
    member_elsewhere: bool = False


@dataclass(frozen=True, slots=True)
class Policy:
    anti_passback: bool = False
    fever_threshold: Decimal = Decimal("37.3")
    visit_minutes: int | None = None  # a time limit written on visitor rows, if the site sets one


#: The fever threshold a site may set (M-02), and the longest time limit a rule may carry.
FEVER_MIN = Decimal("36.0")
FEVER_MAX = Decimal("39.0")
MINUTES_MAX = 24 * 60


@dataclass(frozen=True, slots=True)
class PolicyInvalid:
    """A site's policy that cannot be read: each problem names the column and what was found
    there (``site.mode='fast'``). The gate refuses (``policy.invalid``) and tells the monitoring
    centre instead of guessing a rule (:func:`refuse_invalid_policy`)."""

    problems: tuple[str, ...]
    direction: Direction = Direction.IN  # the lane's, where it could be read (for the event)

    def describe(self) -> str:
        return "；".join(self.problems)


@dataclass(frozen=True, slots=True)
class GatePolicy:
    """A site's gate policy and the lane's configuration, read and checked (:func:`gate_policy`)."""

    mode: Mode
    policy: Policy
    lane: LaneFacts
    # P-13's shift-change windows, wall-clock (the site's working hours ± its commute minutes).
    shift_windows: tuple[tuple[time, time], ...] = ()
    # M-05: the unified entrances the site is merged behind, if it is (active or not yet/no more)
    merger: MergerFacts | None = None


class PolicyReader:
    """Reads the raw column values a policy is built from, noting each one that is unusable
    (an unknown choice, an empty string, NULL, a number that is not one or is out of range),
    so a corrupt row is reported whole rather than at its first bad column."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def _bad(self, column: str, value: object) -> None:
        self.problems.append(f"{column}={value!r}"[:80])

    def choice[E: StrEnum](self, column: str, enum: type[E], value: object, default: E) -> E:
        if isinstance(value, str) and value in enum._value2member_map_:
            return enum(value)
        self._bad(column, value)
        return default

    def flag(self, column: str, value: object) -> bool:
        if isinstance(value, bool):
            return value
        self._bad(column, value)
        return False

    def minutes(self, column: str, value: object, *, optional: bool = False) -> int | None:
        if value is None and optional:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MINUTES_MAX:
            return value
        self._bad(column, value)
        return None

    def count(self, column: str, value: object) -> int:
        """A whole number of minutes that may be 0."""
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        self._bad(column, value)
        return 0

    def decimal(self, column: str, value: object, low: Decimal, high: Decimal) -> Decimal:
        if isinstance(value, Decimal) and value.is_finite() and low <= value <= high:
            return value
        self._bad(column, value)
        return low

    def clock(self, column: str, value: object, *, optional: bool = False) -> time | None:
        if value is None and optional:
            return None
        if isinstance(value, time) and value.tzinfo is None:
            return value
        self._bad(column, value)
        return None


def read_lane(
    reader: PolicyReader, *, kind: object, direction: object, open_when_tightened: object
) -> LaneFacts:
    """A lane's configuration (P-01, P-02, M-01) from its raw columns."""
    return LaneFacts(
        kind=reader.choice("lane.kind", LaneKind, kind, LaneKind.NON_MOTOR),
        direction=reader.choice("lane.direction", Direction, direction, Direction.IN),
        open_when_tightened=reader.flag("gate.open_when_tightened", open_when_tightened),
    )


def gate_policy(
    *,
    mode: object,
    anti_passback: object,
    fever_threshold: object,
    visit_minutes: object,
    work_starts: object,
    work_ends: object,
    commute_minutes: object,
    lane_kind: object,
    lane_direction: object,
    open_when_tightened: object,
) -> GatePolicy | PolicyInvalid:
    """The gate policy from a site's and a lane's raw column values, as stored; a
    :class:`PolicyInvalid` naming every unusable column when any is."""
    r = PolicyReader()
    site_mode = r.choice("site.mode", Mode, mode, Mode.NORMAL)
    policy = Policy(
        anti_passback=r.flag("site.anti_passback", anti_passback),
        fever_threshold=r.decimal("site.fever_threshold", fever_threshold, FEVER_MIN, FEVER_MAX),
        visit_minutes=r.minutes("site.visit_minutes", visit_minutes, optional=True),
    )
    # The working hours ± the commute minutes make P-13's shift-change windows
    # (``shift_change_windows``, those of S-09): a gate whose hours cannot be read refuses rather
    # than guesses.
    starts = r.clock("site.work_starts", work_starts)
    ends = r.clock("site.work_ends", work_ends)
    commute = r.count("site.commute_minutes", commute_minutes)
    lane = read_lane(
        r, kind=lane_kind, direction=lane_direction, open_when_tightened=open_when_tightened
    )
    if r.problems or starts is None or ends is None:
        return PolicyInvalid(tuple(r.problems), lane.direction)
    return GatePolicy(site_mode, policy, lane, shift_change_windows(starts, ends, commute))


def refuse_invalid_policy(invalid: PolicyInvalid) -> Decision:
    """Deny and tell: a gate whose policy cannot be read refuses everyone and alerts the
    monitoring centre with what was wrong, so the fault is fixed rather than guessed around."""
    return _refuse("policy.invalid", Obligation(Duty.NOTIFY_MONITORING, note=invalid.describe()))


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    reason: str
    message: str
    rule: str
    pending: Pending | None = None
    obligations: tuple[Obligation, ...] = field(default=())

    @property
    def allowed(self) -> bool:
        return self.outcome is Outcome.ALLOW

    def registers(self) -> tuple[Register, ...]:
        return tuple(o.register for o in self.obligations if o.duty is Duty.REGISTER and o.register)

    def has(self, duty: Duty) -> bool:
        return any(o.duty is duty for o in self.obligations)


#: A gate whose site or lane configuration cannot be read (SPEC §12: nothing a gate decides is
#: lost, and a fault is reported, never guessed around).
POLICY_INVALID_MESSAGE = "本场所通行规则配置有误，已拒绝并通知监控中心"

# reason code -> (SPEC rule id, Chinese sentence for the guard's screen)
REASONS: dict[str, tuple[str, str]] = {
    "policy.invalid": ("§12", POLICY_INVALID_MESSAGE),
    "lane.not_for_people": ("P-01", "行人和非机动车只能走非机动车道，请改走人行通道"),
    "lane.one_way": ("P-02", "出入分道：此通道方向不符，请走对应方向的通道"),
    "mode.entrance_closed": ("M-01", "加强管控期间此出入口不开放，请走指定出入口"),
    "mode.epidemic_entrance_closed": ("M-02", "疫情封闭期间只开放指定出入口，请走指定出入口"),
    "merger.entrance_closed": ("M-05", "已合并出入口，请走统一出入口"),
    "merger.not_member": ("M-05", "非本场所人员，且此处不是合并出入口，不能通行"),
    "blacklist.hit": ("P-11", "黑名单人员，禁止入内；已通知监控中心"),
    "credential.unknown": ("P-11", "未登记的卡或凭证，陌生人不得入内"),
    "credential.lost": ("P-03", "此卡已挂失，不能通行；请核实持卡人身份"),
    "credential.revoked": ("P-03", "此卡已注销，不能通行"),
    "credential.not_yet_valid": ("P-03", "凭证尚未生效"),
    "credential.expired": ("P-03", "凭证已过期，请到服务中心续期"),
    "credential.wrong_kind": ("P-01", "停车卡/车牌不能用于人行通道"),
    "credential.holder_inactive": ("P-03", "持卡人已不在本场所登记，不能通行"),
    "antipassback.already_inside": ("P-02", "防潜回：此卡已在场内，不能再次进入"),
    "antipassback.not_inside": ("P-02", "防潜回：此卡未记录进入，不能出场；请核实"),
    "resident.card": ("P-03", "业主/住户，放行"),
    "resident.exit": ("P-03", "出场，放行"),
    "staff.badge": ("P-10", "持工牌员工，放行"),
    "staff.shift_in": ("P-13", "上班时段：员工进入，放行；请督促打卡"),
    "staff.shift_out": ("P-13", "下班时段：员工外出，放行；请查看有无携带公司物品"),
    "staff.await_approval": ("P-10", "未带工牌：需主管批准后放行"),
    "staff.approved": ("P-10", "主管已批准，放行"),
    "staff.refused": ("P-10", "主管未批准，不予放行"),
    "forgotten_card.check_identity": ("P-04", "忘带卡：请询问房号和身份证后四位"),
    "forgotten_card.mismatch": ("P-04", "房号与身份证后四位不符，不予放行"),
    "forgotten_card.await_desk": ("P-04", "忘带卡已登记，等待服务中心确认"),
    "forgotten_card.confirmed": ("P-04", "服务中心已确认住户身份，放行并提醒带卡"),
    "forgotten_card.desk_refused": ("P-04", "服务中心未能确认身份，不予放行"),
    "relative.await_consent": ("P-05", "亲友来访：已登记，等待业主同意"),
    "relative.consented": ("P-05", "业主已同意，放行"),
    "relative.refused": ("P-05", "业主不同意，不予放行"),
    "visitor.await_consent": ("VI-01", "来客已登记，等待被访人同意"),
    "visitor.consented": ("VI-01", "被访人已同意，放行"),
    "visitor.refused": ("VI-01", "被访人不同意或联系不上，不予放行"),
    "visitor.left": ("VI-01", "来客离开，已记录离开时间"),
    "invitation.unknown": ("VI-02", "无效的邀请码"),
    "invitation.revoked": ("VI-02", "邀请已被撤销"),
    "invitation.not_yet_valid": ("VI-02", "邀请未到有效时间"),
    "invitation.expired": ("VI-02", "邀请已过期"),
    "invitation.used": ("VI-02", "邀请码已使用，不能再次进入"),
    "invitation.valid": ("VI-02", "预约访客：核对身份证件后放行"),
    "invitation.unconfirmed": ("T3-02", "预约尚未经老师确认，不能入校；请联系老师确认"),
    "campus.no_appointment": (
        "T3-02",
        "校园封闭管理：家长和校外人员须提前预约并经老师确认，无预约不得入校",
    ),
    "campus.no_leave_pass": (
        "T3-01",
        "在校时间学生不得离校：没有班主任开具的请假条，不予放行；请联系班主任",
    ),
    "campus.leave_pass_used": ("T3-01", "请假条已经使用过，不能再次出校"),
    "campus.leave_pass_revoked": ("T3-01", "请假条已被班主任撤销，不予放行"),
    "campus.leave_pass_window": ("T3-01", "不在请假条的离校时段内，不予放行"),
    "campus.leave_pass": ("T3-01", "持班主任请假条离校，放行；请假条已核销"),
    "tour.need_letter": ("P-06", "参观来访：请出示介绍信/联系函，或由负责人来电确认"),
    "tour.letter": ("P-06", "介绍信有效，放行并通知接待部门"),
    "tour.manager_called": ("P-06", "负责人已确认，放行并通知接待部门"),
    "tour.refused": ("P-06", "负责人未确认，不予放行"),
    "tour.letter_invalid": ("P-06", "介绍信已撤销或不在有效期内"),
    "elderly.resident": ("P-07", "本小区老人：放行，通知巡逻岗护送并帮拿物品"),
    "elderly.await_consent": ("P-07", "来访老人：已登记，正在联系被访人"),
    "elderly.host_away": ("P-07", "被访人不在家：已联系被访人，请老人在值班室等候"),
    "elderly.escorted": ("P-07", "被访人已同意：由保安护送到家并当面交接"),
    "elderly.refused": ("P-07", "被访人不同意，不予放行"),
    "sales.unverified": ("P-08", "推销人员：去向或业务联系人未核实，不予放行"),
    "sales.await_consent": ("P-08", "推销人员：已登记，等待业主/被访人同意"),
    "sales.consented": ("P-08", "业主已同意，放行；限时离开"),
    "sales.refused": ("P-08", "业主不同意，不予放行"),
    "worker.pass": ("P-09", "装修出入证有效，放行"),
    "worker.pass_invalid": ("P-09", "出入证已撤销或不在有效期内，不予放行"),
    "worker.await_owner": ("P-09", "无出入证：等待服务中心向业主确认"),
    "worker.owner_confirmed": ("P-09", "业主已确认：放行，并带其到服务中心办理出入证"),
    "worker.owner_refused": ("P-09", "业主未确认，不予放行"),
    "worker.one_time_await": ("P-09", "临时工人：已登记，等待业主确认"),
    "worker.one_time": ("P-09", "临时工人：业主已确认，放行（无需出入证）"),
    "worker.one_time_refused": ("P-09", "业主未确认，不予放行"),
    "pass.temporary": ("P-11", "临时出入证有效，放行"),
    "pass.invalid": ("P-11", "临时出入证已撤销或不在有效期内"),
    "pass.missing": ("P-11", "未出示出入证"),
    "midshift.await_approval": ("P-12", "上班中途外出：需要审批人同意"),
    "midshift.out": ("P-12", "中途外出已登记，放行"),
    "midshift.back": ("P-12", "中途外出返回，已记录返回时间"),
    "midshift.refused": ("P-12", "审批人未同意外出"),
    "epidemic.check_required": ("M-02", "疫情封闭：请实名登记、测温并查验健康码"),
    "epidemic.not_necessary": ("M-02", "疫情封闭：非必要不得进入"),
    "epidemic.fever": ("M-02", "体温异常，不予进入；已登记并通知监控中心"),
    "epidemic.code_abnormal": ("M-02", "健康码异常，不予进入；已登记并通知监控中心"),
    "epidemic.travel_abnormal": (
        "M-02",
        "行程卡异常（带星号或非绿色），不予进入；已登记并通知监控中心",
    ),
    "epidemic.outing_limit": ("M-02", "疫情封闭期间本户外出已达限额，暂不能外出"),
    "epidemic.home_monitoring": (
        "M-03",
        "返乡人员居家健康监测期间不得外出，请返回家中；如需就医或检测请联系网格员",
    ),
}


def _decision(
    outcome: Outcome,
    reason: str,
    *obligations: Obligation,
    pending: Pending | None = None,
) -> Decision:
    rule, message = REASONS[reason]
    return Decision(outcome, reason, message, rule, pending, tuple(obligations))


def _allow(reason: str, *obligations: Obligation) -> Decision:
    return _decision(Outcome.ALLOW, reason, *obligations)


def _refuse(reason: str, *obligations: Obligation) -> Decision:
    return _decision(Outcome.REFUSE, reason, *obligations)


def _pending(kind: Pending, reason: str, *obligations: Obligation) -> Decision:
    return _decision(Outcome.PENDING, reason, *obligations, pending=kind)


def _register(register: Register) -> Obligation:
    return Obligation(Duty.REGISTER, register)


_MONITOR = Obligation(Duty.NOTIFY_MONITORING)
_VISITOR_ROW = _register(Register.VISITOR)
_NOTIFY_DESK = Obligation(Duty.NOTIFY_DESK)


def decide(facts: Facts, policy: Policy, now: datetime) -> Decision:
    """Allow, refuse or pend one person at one lane. ``now`` must be timezone-aware."""
    decision = _decide(facts, policy, now)
    if decision.outcome is Outcome.REFUSE or not facts.member_elsewhere:
        return decision
    # M-05: a member of another compound passing a unified entrance is written into the
    # register of their own site too.
    return replace(decision, obligations=(*decision.obligations, _RECORD_AT_HOME))


_RECORD_AT_HOME = Obligation(Duty.RECORD_AT_HOME, note="写入本人所属场所的合并出入口通行记录")


def _decide(facts: Facts, policy: Policy, now: datetime) -> Decision:
    for check in (
        _lane,
        _merger,
        _mode,
        _blacklist,
        _credential_validity,
        _home_monitoring,
        _student_leave,
        _campus_walk_in,
        _outing,
        _antipassback,
        _epidemic,
    ):
        decision = check(facts, policy, now)
        if decision is not None:
            return decision
    return _ENTRANTS[facts.entrant](facts, policy, now)


# -- checks every entrant passes, in order -------------------------------------------------------


def _lane(facts: Facts, policy: Policy, now: datetime) -> Decision | None:
    if facts.lane.kind is not LaneKind.NON_MOTOR:  # rule P-01
        return _refuse("lane.not_for_people")
    if facts.direction is not facts.lane.direction:  # rule P-02
        return _refuse("lane.one_way")
    return None


def merged_entrance(facts: Facts, now: datetime) -> bool:
    """M-05: the lane is one of the unified entrances of a merger running at ``now``."""
    m = facts.merger
    return m is not None and m.designated and m.active(now)


def _merger(facts: Facts, policy: Policy, now: datetime) -> Decision | None:
    """M-05: while compounds are merged behind unified entrances, a member's other gates admit
    nobody and name the entrances to use; the unified entrances admit the residents and employees
    of every member compound. Going out is not refused (as M-01/M-02 leave exits open)."""
    m = facts.merger
    running = m is not None and m.active(now)
    if facts.member_elsewhere and not (running and merged_entrance(facts, now)):
        return _refuse("merger.not_member", _MONITOR)
    if m is None or not running or m.designated or facts.direction is Direction.OUT:
        return None
    decision = _refuse("merger.entrance_closed")
    entrances = "、".join(m.entrances)
    return replace(decision, message=f"{decision.message}：{entrances}（{m.name}）")


def _mode(facts: Facts, policy: Policy, now: datetime) -> Decision | None:
    if (
        facts.direction is Direction.OUT
        or facts.lane.open_when_tightened
        or merged_entrance(facts, now)
    ):
        return None
    if facts.mode is Mode.EPIDEMIC:
        return _refuse("mode.epidemic_entrance_closed")
    if facts.mode is Mode.TIGHTENED:
        return _refuse("mode.entrance_closed")
    return None


def _blacklist(facts: Facts, policy: Policy, now: datetime) -> Decision | None:
    if facts.blacklisted:
        return _refuse("blacklist.hit", _MONITOR)
    return None


def _credential_validity(facts: Facts, policy: Policy, now: datetime) -> Decision | None:
    """A presented credential must be active and inside its window, whoever presents it."""
    cred = facts.credential
    if cred is None:
        if facts.entrant is Entrant.CREDENTIAL:
            return _refuse("credential.unknown", _MONITOR)
        return None
    if cred.status is CredentialStatus.LOST:
        return _refuse("credential.lost", _MONITOR)
    if cred.status is CredentialStatus.REVOKED:
        return _refuse("credential.revoked")
    if now < cred.valid_from:
        return _refuse("credential.not_yet_valid")
    if cred.valid_until is not None and now >= cred.valid_until:
        return _refuse("credential.expired")
    if cred.kind in (CredentialKind.PARKING_CARD, CredentialKind.PLATE):
        return _refuse("credential.wrong_kind")
    if not cred.holder_active:
        return _refuse("credential.holder_inactive")
    return None


def _home_monitoring(facts: Facts, policy: Policy, now: datetime) -> Decision | None:
    """M-03: a returnee under home monitoring does not go out until the 14 days are over,
    whatever the site's mode (the case, not the mode, says so)."""
    until = facts.monitoring_until
    if facts.direction is not Direction.OUT or until is None or now >= until:
        return None
    decision = _refuse("epidemic.home_monitoring")
    last = (until - timedelta(seconds=1)).astimezone(SHANGHAI)
    message = f"{decision.message}（监测至{last.month}月{last.day}日）"
    return replace(decision, message=message)


def _student_leave(facts: Facts, policy: Policy, now: datetime) -> Decision | None:
    """T3-01: a student leaving a campus during school hours shows the class teacher's leave
    pass (judged by :func:`gatehouse.core.campus.student_exit`); the pass is then used."""
    cred = facts.credential
    if (
        facts.direction is not Direction.OUT
        or cred is None
        or cred.holder_kind is not HolderKind.STUDENT
    ):
        return None
    reason = campus.student_exit(
        now=now, school_hours=facts.school_hours, leave_pass=facts.leave_pass
    )
    if reason is None:
        return None
    if reason == "campus.leave_pass":
        return _allow(reason, _USE_LEAVE_PASS)
    return _refuse(reason)


_USE_LEAVE_PASS = Obligation(Duty.USE_LEAVE_PASS)


def _outing(facts: Facts, policy: Policy, now: datetime) -> Decision | None:
    """M-02: in epidemic mode a household goes out at most ``persons`` times in ``days`` days;
    the refusal says how many went out and when the household may go out next."""
    limit = facts.outing_limit
    if facts.mode is not Mode.EPIDEMIC or facts.direction is not Direction.OUT or limit is None:
        return None
    if not facts.resident:
        return None
    then = next_outing(limit, facts.household_outings, now)
    if then is None:
        return None
    decision = _refuse("epidemic.outing_limit")
    count = counted_outings(limit, facts.household_outings, now)
    local = then.astimezone(SHANGHAI)
    message = (
        f"{decision.message}（本户{limit.days}天内限{limit.persons}人次，已外出{count}人次；"
        f"{local.month}月{local.day}日{local:%H:%M}后可再外出）"
    )
    return replace(decision, message=message)


def _antipassback(facts: Facts, policy: Policy, now: datetime) -> Decision | None:
    if not policy.anti_passback or facts.credential is None or facts.inside is None:
        return None
    if facts.direction is Direction.IN and facts.inside:
        return _refuse("antipassback.already_inside", _MONITOR)
    if facts.direction is Direction.OUT and not facts.inside:
        return _refuse("antipassback.not_inside", _MONITOR)
    return None


def _epidemic(facts: Facts, policy: Policy, now: datetime) -> Decision | None:
    """M-02: at the designated entrance, every entry is checked; anything abnormal is refused."""
    if facts.mode is not Mode.EPIDEMIC or facts.direction is Direction.OUT:
        return None
    health = facts.health
    abnormal = Obligation(Duty.NOTIFY_MONITORING)
    if health is not None:
        if health.temperature is not None and health.temperature >= policy.fever_threshold:
            return _refuse("epidemic.fever", abnormal)
        if health.code is not None and health.code is not HealthCode.GREEN:
            return _refuse("epidemic.code_abnormal", abnormal)
        if health.travel is not None and health.travel is not TravelCode.GREEN:
            return _refuse("epidemic.travel_abnormal", abnormal)
    # an employee back from a mid-shift exit is checked like a resident (fever/code still refuse)
    if facts.resident or facts.entrant is Entrant.STAFF_MIDSHIFT:
        if health is None or health.temperature is None:
            return _pending(Pending.VERIFY, "epidemic.check_required")
        return None
    if health is not None and not health.necessary:
        return _refuse("epidemic.not_necessary")
    if health is None or not health.real_name or health.temperature is None or health.code is None:
        return _pending(Pending.VERIFY, "epidemic.check_required")
    return None


# -- the entrant's own rule ---------------------------------------------------------------------


def _by_credential(facts: Facts, policy: Policy, now: datetime) -> Decision:
    cred = facts.credential
    assert cred is not None  # _credential_validity refused an unknown credential
    staff = is_staff(cred)
    clock = now.astimezone(SHANGHAI).time()
    if staff and any(start <= clock < end for start, end in facts.shift_windows):  # rule P-13
        if facts.direction is Direction.OUT:
            return _allow("staff.shift_out", _CHECK_PROPERTY)
        return _allow("staff.shift_in", _WATCH_CLOCK_IN)
    if facts.direction is Direction.OUT:
        return _allow("resident.exit")
    if staff:
        return _allow("staff.badge")
    return _allow("resident.card")


SHANGHAI = ZoneInfo("Asia/Shanghai")


def shift_change_windows(
    work_starts: time, work_ends: time, minutes: int
) -> tuple[tuple[time, time], ...]:
    """The staff's shift changes, wall-clock: the working hours' start and end ± ``minutes``
    (T2 2: the guard stays in the booth then (S-09) and watches the staff pass (P-13)). A window
    that would cross midnight is left out."""
    m = timedelta(minutes=minutes)
    day = date(2000, 1, 3)
    out = []
    for t in (work_starts, work_ends):
        mid = datetime.combine(day, t)
        a, b = mid - m, mid + m
        if a.date() == day and b.date() == day:
            out.append((a.time(), b.time()))
    return tuple(out)


def is_staff(cred: CredentialFacts) -> bool:
    """A staff badge, or a card of staff (employee, property staff, guard)."""
    return cred.kind is CredentialKind.STAFF_BADGE or cred.holder_kind in STAFF_KINDS


# P-13: at shift start and end the guard stays in the booth, watches the staff clock in and
# checks that no company property leaves (T2 2).
_WATCH_CLOCK_IN = Obligation(Duty.REMIND, note="督促员工打卡")
_CHECK_PROPERTY = Obligation(Duty.INSPECT_ON_EXIT, note="查看有无携带公司物品；无放行条不得带出")


def _consent_flow(
    facts: Facts,
    answer: bool | None,
    waiting: str,
    granted: str,
    refused: str,
    pending: Pending,
    *on_allow: Obligation,
) -> Decision:
    if answer is None:
        return _pending(pending, waiting, _VISITOR_ROW, _NOTIFY_DESK)
    if not answer:
        return _refuse(refused, _VISITOR_ROW)
    return _allow(granted, _VISITOR_ROW, *on_allow)


def _time_limit(policy: Policy) -> tuple[Obligation, ...]:
    if policy.visit_minutes:
        return (Obligation(Duty.TIME_LIMIT, minutes=policy.visit_minutes),)
    return ()


def _visitor_exit(facts: Facts) -> Decision | None:
    if facts.direction is Direction.OUT:
        return _allow("visitor.left", Obligation(Duty.CLOSE_REGISTER, Register.VISITOR))
    return None


def _forgotten_card(facts: Facts, policy: Policy, now: datetime) -> Decision:  # rule P-04
    attempt = _register(Register.FORGOTTEN_CARD)
    if facts.identity_matched is None:
        return _pending(Pending.VERIFY, "forgotten_card.check_identity")
    if not facts.identity_matched:
        return _refuse("forgotten_card.mismatch", attempt)
    if facts.desk_confirmed is None:
        return _pending(Pending.VERIFY, "forgotten_card.await_desk", attempt, _NOTIFY_DESK)
    if not facts.desk_confirmed:
        return _refuse("forgotten_card.desk_refused", attempt)
    return _allow(
        "forgotten_card.confirmed",
        attempt,
        Obligation(Duty.COUNT_FORGOTTEN),
        Obligation(Duty.REMIND, note="提醒住户随身带卡"),
    )


def _relative(facts: Facts, policy: Policy, now: datetime) -> Decision:  # rule P-05
    return _visitor_exit(facts) or _consent_flow(
        facts,
        facts.host_consent,
        "relative.await_consent",
        "relative.consented",
        "relative.refused",
        Pending.HOST_CONSENT,
    )


def _visitor(facts: Facts, policy: Policy, now: datetime) -> Decision:  # rule VI-01
    return _visitor_exit(facts) or _consent_flow(
        facts,
        facts.host_consent,
        "visitor.await_consent",
        "visitor.consented",
        "visitor.refused",
        Pending.HOST_CONSENT,
        *_time_limit(policy),
    )


def _invited(facts: Facts, policy: Policy, now: datetime) -> Decision:  # rule VI-02
    left = _visitor_exit(facts)
    if left:
        return left
    inv = facts.invitation
    if inv is None:
        return _refuse("invitation.unknown")
    if inv.revoked:
        return _refuse("invitation.revoked")
    if now < inv.window_start:
        return _refuse("invitation.not_yet_valid")
    if now >= inv.window_end:
        return _refuse("invitation.expired")
    if inv.uses_left is not None and inv.uses_left <= 0:
        return _refuse("invitation.used")
    if not inv.confirmed:  # rule T3-02
        return _refuse("invitation.unconfirmed")
    return _allow(
        "invitation.valid",
        _VISITOR_ROW,
        Obligation(Duty.CHECK_IDENTITY),
        Obligation(Duty.NOTIFY_HOST),
        *_time_limit(policy),
    )


def _pass_valid(p: PassFacts, kind: PassKind, now: datetime) -> bool:
    return p.kind is kind and not p.revoked and p.valid_from <= now < p.valid_until


def _tour(facts: Facts, policy: Policy, now: datetime) -> Decision:  # rule P-06
    left = _visitor_exit(facts)
    if left:
        return left
    department = Obligation(Duty.NOTIFY_DEPARTMENT)
    if facts.pass_ is not None:
        if _pass_valid(facts.pass_, PassKind.INTRO_LETTER, now):
            return _allow("tour.letter", _VISITOR_ROW, department)
        if facts.approval is None:
            return _refuse("tour.letter_invalid", _VISITOR_ROW)
    if facts.approval is None:
        return _pending(Pending.APPROVAL, "tour.need_letter", _VISITOR_ROW, _NOTIFY_DESK)
    if not facts.approval:
        return _refuse("tour.refused", _VISITOR_ROW)
    return _allow("tour.manager_called", _VISITOR_ROW, department)


def _elderly(facts: Facts, policy: Policy, now: datetime) -> Decision:  # rule P-07
    escort = Obligation(Duty.ESCORT)
    if facts.resident:
        if facts.direction is Direction.OUT:
            return _allow("resident.exit")
        return _allow("elderly.resident", escort, Obligation(Duty.NOTIFY_PATROL))
    left = _visitor_exit(facts)
    if left:
        return left
    if facts.host_home is False and facts.host_consent is not False:
        return _pending(
            Pending.HOST_CONSENT,
            "elderly.host_away",
            _VISITOR_ROW,
            Obligation(Duty.WAIT_AT_OFFICE),
            Obligation(Duty.NOTIFY_HOST),
        )
    return _consent_flow(
        facts,
        facts.host_consent,
        "elderly.await_consent",
        "elderly.escorted",
        "elderly.refused",
        Pending.HOST_CONSENT,
        escort,
        Obligation(Duty.NOTIFY_PATROL),
    )


def _salesperson(facts: Facts, policy: Policy, now: datetime) -> Decision:  # rule P-08
    left = _visitor_exit(facts)
    if left:
        return left
    if facts.destination_verified is False:
        return _refuse("sales.unverified", _VISITOR_ROW)
    # P-08: admitted only once the destination is verified, even if the host already consented
    if facts.destination_verified is None and facts.host_consent is not False:
        return _pending(Pending.HOST_CONSENT, "sales.await_consent", _VISITOR_ROW, _NOTIFY_DESK)
    return _consent_flow(
        facts,
        facts.host_consent,
        "sales.await_consent",
        "sales.consented",
        "sales.refused",
        Pending.HOST_CONSENT,
        Obligation(Duty.TIME_LIMIT, minutes=policy.visit_minutes or 30),
    )


def _decoration_worker(facts: Facts, policy: Policy, now: datetime) -> Decision:  # rule P-09
    left = _visitor_exit(facts)
    if left:
        return left
    if facts.pass_ is not None:
        if _pass_valid(facts.pass_, PassKind.DECORATION, now):
            return _allow("worker.pass", _VISITOR_ROW, Obligation(Duty.INSPECT_ON_EXIT))
        return _refuse("worker.pass_invalid", _VISITOR_ROW)
    if facts.desk_confirmed is None:
        return _pending(Pending.VERIFY, "worker.await_owner", _VISITOR_ROW, _NOTIFY_DESK)
    if not facts.desk_confirmed:
        return _refuse("worker.owner_refused", _VISITOR_ROW)
    return _allow(
        "worker.owner_confirmed",
        _VISITOR_ROW,
        Obligation(Duty.ISSUE_PASS),
        Obligation(Duty.INSPECT_ON_EXIT),
    )


def _one_time_worker(facts: Facts, policy: Policy, now: datetime) -> Decision:  # rule P-09
    return _visitor_exit(facts) or _consent_flow(
        facts,
        facts.host_consent,
        "worker.one_time_await",
        "worker.one_time",
        "worker.one_time_refused",
        Pending.HOST_CONSENT,
        Obligation(Duty.INSPECT_ON_EXIT),
    )


def _staff_no_badge(facts: Facts, policy: Policy, now: datetime) -> Decision:  # rule P-10
    if facts.approval is None:
        return _pending(Pending.APPROVAL, "staff.await_approval", _NOTIFY_DESK)
    if not facts.approval:
        return _refuse("staff.refused")
    return _allow("staff.approved")


def _staff_midshift(facts: Facts, policy: Policy, now: datetime) -> Decision:  # rule P-12
    if facts.direction is Direction.IN:
        return _allow("midshift.back", Obligation(Duty.CLOSE_REGISTER, Register.STAFF_MIDSHIFT))
    if facts.approval is None:
        return _pending(Pending.APPROVAL, "midshift.await_approval")
    if not facts.approval:
        return _refuse("midshift.refused")
    return _allow("midshift.out", _register(Register.STAFF_MIDSHIFT))


def _parent(facts: Facts, policy: Policy, now: datetime) -> Decision:  # rule T3-02
    # at a campus ``_campus_walk_in`` has refused the way in already; elsewhere a parent is
    # any visitor (VI-01)
    return _visitor(facts, policy, now)


#: Who walks up to a gate without a card or an appointment (T3-02 closes a campus to them).
WALK_INS = frozenset(
    {Entrant.PARENT, Entrant.VISITOR, Entrant.RELATIVE, Entrant.SALESPERSON, Entrant.TOUR}
)


def _campus_walk_in(facts: Facts, policy: Policy, now: datetime) -> Decision | None:
    """T3-02: parents and outsiders come onto a campus by a confirmed appointment only."""
    if facts.entrant not in WALK_INS:
        return None
    reason = campus.walk_in(campus=facts.campus, entering=facts.direction is Direction.IN)
    return _refuse(reason, _VISITOR_ROW) if reason is not None else None


def _temporary_pass(facts: Facts, policy: Policy, now: datetime) -> Decision:
    left = _visitor_exit(facts)
    if left:
        return left
    if facts.pass_ is None:
        return _refuse("pass.missing")
    if not _pass_valid(facts.pass_, PassKind.TEMPORARY, now):
        return _refuse("pass.invalid", _VISITOR_ROW)
    return _allow("pass.temporary", _VISITOR_ROW)


_ENTRANTS = {
    Entrant.CREDENTIAL: _by_credential,
    Entrant.FORGOTTEN_CARD: _forgotten_card,
    Entrant.RELATIVE: _relative,
    Entrant.VISITOR: _visitor,
    Entrant.INVITED: _invited,
    Entrant.TOUR: _tour,
    Entrant.ELDERLY: _elderly,
    Entrant.SALESPERSON: _salesperson,
    Entrant.DECORATION_WORKER: _decoration_worker,
    Entrant.ONE_TIME_WORKER: _one_time_worker,
    Entrant.STAFF_NO_BADGE: _staff_no_badge,
    Entrant.STAFF_MIDSHIFT: _staff_midshift,
    Entrant.TEMPORARY_PASS: _temporary_pass,
    Entrant.PARENT: _parent,
}


class Overstay(StrEnum):
    """Why a visitor still inside should have left (VI-03)."""

    TIME_LIMIT = "time_limit"  # past the visit's time limit
    OVERNIGHT = "overnight"  # came in before today: visitors do not stay overnight
    AFTER_CLOSING = "after_closing"  # past today's closing time for visitors


def overstay(
    *,
    time_in: datetime | None,
    time_limit_at: datetime | None,
    day_starts: datetime,
    closing_at: datetime,
    now: datetime,
) -> Overstay | None:
    """VI-03: the reason a visitor without a time out is flagged, or None if they may stay."""
    if time_limit_at is not None and now > time_limit_at:
        return Overstay.TIME_LIMIT
    if time_in is not None and time_in < day_starts:
        return Overstay.OVERNIGHT
    if now >= closing_at:
        return Overstay.AFTER_CLOSING
    return None
