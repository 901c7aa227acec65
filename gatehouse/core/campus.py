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

The canteen's 索证索票 (supplier certificates and delivery receipts) and the guards living on
campus (T3·9) follow below; the rule of the former is stated in the README's campus section and
cited by its tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
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


# -- the canteen's supplier certificates and delivery receipts (索证索票, T3-04) ---------------

#: A certificate ending within this many days is flagged on the register.
CERT_WARN_DAYS = 30

BUSINESS_LICENCE = "business_licence"
FOOD_LICENCE = "food_licence"
INSPECTION = "inspection"
HEALTH = "health"
OTHER_CERT = "other"

#: The kinds of certificate, as the register names them.
CERT_KINDS: dict[str, str] = {
    BUSINESS_LICENCE: "营业执照",
    FOOD_LICENCE: "食品经营/生产许可证",
    INSPECTION: "检验检疫合格证明",
    HEALTH: "送货人员健康证",
    OTHER_CERT: "其他证明",
}
#: What every supplier must hold, valid on the day it delivers (T3-04).
REQUIRED_CERTS = (BUSINESS_LICENCE, FOOD_LICENCE)
#: Only a business licence may be issued without an end date (长期).
OPEN_ENDED_KINDS = frozenset({BUSINESS_LICENCE})

VALID = "valid"
EXPIRING = "expiring"
EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class Certificate:
    """A supplier's certificate as the rule reads it; ``valid_until`` None is 长期."""

    kind: str
    number: str
    valid_until: date | None
    supplier: int = 0
    ref: int = 0


def local_day(now: datetime) -> date:
    return now.astimezone(SHANGHAI).date()


def cert_valid_on(cert: Certificate, day: date) -> bool:
    """A certificate is valid through its last day (inclusive)."""
    return cert.valid_until is None or day <= cert.valid_until


def cert_state(cert: Certificate, *, today: date) -> str:
    """T3-04: expired, expiring (ends within :data:`CERT_WARN_DAYS`) or valid."""
    if not cert_valid_on(cert, today):
        return EXPIRED
    if cert.valid_until is not None and cert.valid_until - today <= timedelta(days=CERT_WARN_DAYS):
        return EXPIRING
    return VALID


def _named(cert: Certificate) -> str:
    return f"{CERT_KINDS.get(cert.kind, cert.kind)}（{cert.number}）"


def supplier_refusal(certificates: Sequence[Certificate], *, day: date) -> tuple[str, str] | None:
    """T3-04: why no delivery may be accepted from a supplier holding ``certificates`` on
    ``day`` (code, Chinese message), or None. A required kind missing altogether is
    ``supply.certificate_missing``; held, but none valid that day,
    ``supply.certificate_expired``."""
    for kind in REQUIRED_CERTS:
        held = [c for c in certificates if c.kind == kind]
        label = CERT_KINDS[kind]
        if not held:
            return ("supply.certificate_missing", f"供应商没有登记{label}，不得验收")
        if not any(cert_valid_on(c, day) for c in held):
            last = max(held, key=lambda c: c.valid_until or date.max)
            return (
                "supply.certificate_expired",
                f"供应商的{_named(last)}已于{last.valid_until:%Y-%m-%d}到期，不得验收",
            )
    return None


def delivery_refusal(
    *,
    supplier: int,
    certificates: Sequence[Certificate],
    checked: Sequence[Certificate],
    delivered_on: date,
    now: datetime,
) -> tuple[str, str, str] | None:
    """T3-04: why a delivery from ``supplier`` on ``delivered_on`` may not be accepted (code,
    Chinese message, the form field it concerns), or None: the day is not in the future, the
    supplier holds its required certificates valid that day, at least one certificate was
    checked, and each one checked is the supplier's own and valid that day."""
    if delivered_on > local_day(now):
        return ("supply.delivery_future", "送货日期不能晚于今天", "delivered_on")
    refusal = supplier_refusal(certificates, day=delivered_on)
    if refusal is not None:
        return (*refusal, "supplier")
    if not checked:
        return ("supply.nothing_checked", "请勾选本次查验的证照", "certificates")
    for cert in checked:
        if cert.supplier != supplier:
            return ("supply.not_suppliers", "所选证照不属于该供应商", "certificates")
        if not cert_valid_on(cert, delivered_on):
            return (
                "supply.checked_expired",
                f"查验的{_named(cert)}已于{cert.valid_until:%Y-%m-%d}到期，不得验收",
                "certificates",
            )
    return None


def certificate_problem(
    *, kind: str, number: str, valid_until: date | None
) -> tuple[str, str, str] | None:
    """What is wrong with a certificate being filed (code, Chinese message, field), or None."""
    if kind not in CERT_KINDS:
        return ("supply.certificate_kind", "请选择证照类别", "kind")
    if not number:
        return ("supply.certificate_number", "请填写证照编号", "number")
    if valid_until is None and kind not in OPEN_ENDED_KINDS:
        return ("supply.valid_until", "请填写有效期（只有营业执照可为长期）", "valid_until")
    return None


# -- guards living on campus (T3·9): lodging, meals and the school's supervision ----------------


def lodging_problem(
    *, start: date, end: date | None, taken: Sequence[tuple[date, date | None]]
) -> tuple[str, str, str] | None:
    """What is wrong with a guard's stay in a bed from ``start`` to ``end`` (None: still
    there), given the bed's other stays ``taken``: the end before the start, or an overlap."""
    if end is not None and end < start:
        return ("lodging.order", "退宿日期不能早于入住日期", "end")
    for other_start, other_end in taken:
        if (end is None or other_start <= end) and (other_end is None or start <= other_end):
            return ("lodging.bed_taken", "该床位在这段时间已有人住宿", "bed")
    return None


def check_problem(
    *, checked_on: date, has_findings: bool, deadline: date | None, now: datetime
) -> tuple[str, str, str] | None:
    """A supervision check of the guards: not in the future; a finding needs a rectification
    deadline on or after the check."""
    if checked_on > local_day(now):
        return ("guard_check.future", "检查日期不能晚于今天", "checked_on")
    if has_findings and deadline is None:
        return ("guard_check.deadline", "发现问题须填写整改期限", "deadline")
    if deadline is not None and deadline < checked_on:
        return ("guard_check.deadline_order", "整改期限不能早于检查日期", "deadline")
    return None


def check_overdue(*, deadline: date | None, closed_on: date | None, today: date) -> bool:
    """A check's rectification not closed after its deadline is flagged."""
    return deadline is not None and closed_on is None and today > deadline
