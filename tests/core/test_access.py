"""Tests for gatehouse.core.access: the gate decision for a person, table by table, per SPEC rule.

Each table holds ``(facts, policy, expected)``; ``expected`` names the outcome, the reason code, the
rule id (written out, not read from REASONS), the pending kind and the registers the decision
writes. Property-based tests live in ``test_access_properties.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gatehouse.core.access import (
    REASONS,
    CredentialFacts,
    CredentialKind,
    CredentialStatus,
    Decision,
    Direction,
    Duty,
    Entrant,
    Facts,
    HealthCode,
    HealthFacts,
    HolderKind,
    InvitationFacts,
    LaneFacts,
    LaneKind,
    MergerFacts,
    Mode,
    Outcome,
    Overstay,
    PassFacts,
    PassKind,
    Pending,
    Policy,
    Register,
    TravelCode,
    decide,
    overstay,
    shift_change_windows,
)
from gatehouse.core.campus import LeavePassFacts
from gatehouse.core.epidemic import OutingLimit

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=SH)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
IN_LANE = LaneFacts(LaneKind.NON_MOTOR, Direction.IN)
OUT_LANE = LaneFacts(LaneKind.NON_MOTOR, Direction.OUT)
DESIGNATED = LaneFacts(LaneKind.NON_MOTOR, Direction.IN, open_when_tightened=True)
CARD = CredentialFacts(
    CredentialKind.OWNER_CARD,
    CredentialStatus.ACTIVE,
    NOW - 365 * DAY,
    NOW + 365 * DAY,
    HolderKind.OWNER,
)
BADGE = replace(CARD, kind=CredentialKind.STAFF_BADGE, holder_kind=HolderKind.EMPLOYEE)
AP = Policy(anti_passback=True)
V = (Register.VISITOR,)
MON = (Duty.NOTIFY_MONITORING,)
WELL = HealthFacts(
    necessary=True, real_name=True, temperature=Decimal("36.5"), code=HealthCode.GREEN
)


def pass_(kind: PassKind, *, revoked: bool = False, start: int = -1, end: int = 1) -> PassFacts:
    return PassFacts(kind, revoked, NOW + start * DAY, NOW + end * DAY)


def inv(
    *, revoked: bool = False, start: int = -1, end: int = 1, uses: int | None = 1
) -> InvitationFacts:
    return InvitationFacts(revoked, NOW + start * DAY, NOW + end * DAY, uses)


def health(temp: str | None = None, code: HealthCode | None = None, **kw: Any) -> HealthFacts:
    return HealthFacts(temperature=None if temp is None else Decimal(temp), code=code, **kw)


def F(entrant: Entrant = Entrant.CREDENTIAL, *, out: bool = False, **kw: Any) -> Facts:
    """Facts at a matching non-motor lane (IN by default, OUT with ``out``)."""
    if entrant is Entrant.CREDENTIAL:
        kw.setdefault("credential", CARD)
    d = Direction.OUT if out else Direction.IN
    kw.setdefault("lane", OUT_LANE if out else IN_LANE)
    return Facts(direction=d, entrant=entrant, **kw)


@dataclass(frozen=True)
class E:
    outcome: Outcome
    reason: str
    rule: str
    pending: Pending | None = None
    registers: tuple[Register, ...] = ()
    duties: tuple[Duty, ...] = ()


def ok(reason: str, rule: str, registers: tuple[Register, ...] = (), *duties: Duty) -> E:
    return E(Outcome.ALLOW, reason, rule, None, registers, duties)


def no(reason: str, rule: str, registers: tuple[Register, ...] = (), *duties: Duty) -> E:
    return E(Outcome.REFUSE, reason, rule, None, registers, duties)


def wait(
    kind: Pending, reason: str, rule: str, registers: tuple[Register, ...] = (), *duties: Duty
) -> E:
    return E(Outcome.PENDING, reason, rule, kind, registers, duties)


def case(id_: str, facts: Facts, expected: E, policy: Policy | None = None) -> Any:
    return pytest.param(facts, policy or Policy(), expected, id=id_)


def check(decision: Decision, exp: E) -> None:
    assert decision.outcome is exp.outcome
    assert decision.reason == exp.reason
    assert decision.rule == exp.rule
    assert REASONS[exp.reason][0] == exp.rule
    # the sentence of the reason; a rule may add the case's particulars (M-03: until when)
    assert decision.message.startswith(REASONS[exp.reason][1])
    assert decision.message
    assert decision.pending is exp.pending
    assert decision.registers() == exp.registers
    for duty in exp.duties:
        assert decision.has(duty), duty
    # the monitoring centre is alerted exactly where the table says so, never as a by-product
    assert decision.has(Duty.NOTIFY_MONITORING) == (Duty.NOTIFY_MONITORING in exp.duties)


def run(facts: Facts, policy: Policy, exp: E) -> None:
    check(decide(facts, policy, NOW), exp)


# -- tables, one per SPEC rule -------------------------------------------------------------------

# fmt: off
P01 = [
    case("motor-lane", F(lane=LaneFacts(LaneKind.MOTOR, Direction.IN)), no("lane.not_for_people", "P-01")),
    case("garage", F(lane=LaneFacts(LaneKind.GARAGE, Direction.IN)), no("lane.not_for_people", "P-01")),
    case("garage-visitor", F(Entrant.VISITOR, host_consent=True, lane=LaneFacts(LaneKind.GARAGE, Direction.IN)), no("lane.not_for_people", "P-01")),
    case("parking-card", F(credential=replace(CARD, kind=CredentialKind.PARKING_CARD)), no("credential.wrong_kind", "P-01")),
    case("plate", F(credential=replace(CARD, kind=CredentialKind.PLATE)), no("credential.wrong_kind", "P-01")),
]
P02 = [
    case("in-at-out-lane", F(lane=OUT_LANE), no("lane.one_way", "P-02")),
    case("out-at-in-lane", F(out=True, lane=IN_LANE), no("lane.one_way", "P-02")),
    case("ap-already-inside", F(inside=True), no("antipassback.already_inside", "P-02", (), *MON), AP),
    case("ap-not-inside", F(out=True, inside=False), no("antipassback.not_inside", "P-02", (), *MON), AP),
    case("ap-off-by-default", F(inside=True), ok("resident.card", "P-03")),
    case("ap-off-exit", F(out=True, inside=False), ok("resident.exit", "P-03")),
    case("ap-unknown-presence", F(inside=None), ok("resident.card", "P-03"), AP),
    case("ap-consistent-in", F(inside=False), ok("resident.card", "P-03"), AP),
    case("ap-no-credential", F(Entrant.VISITOR, inside=True, host_consent=True), ok("visitor.consented", "VI-01", V), AP),
]
P03 = [
    case("owner-card", F(), ok("resident.card", "P-03")),
    case("exit", F(out=True), ok("resident.exit", "P-03")),
    case("valid-from-inclusive", F(credential=replace(CARD, valid_from=NOW)), ok("resident.card", "P-03")),
    case("open-ended", F(credential=replace(CARD, valid_until=None)), ok("resident.card", "P-03")),
    case("qr", F(credential=replace(CARD, kind=CredentialKind.QR)), ok("resident.card", "P-03")),
    case("lost", F(credential=replace(CARD, status=CredentialStatus.LOST)), no("credential.lost", "P-03", (), *MON)),
    case("revoked", F(credential=replace(CARD, status=CredentialStatus.REVOKED)), no("credential.revoked", "P-03")),
    case("not-yet-valid", F(credential=replace(CARD, valid_from=NOW + timedelta(seconds=1))), no("credential.not_yet_valid", "P-03")),
    case("expired-at-end", F(credential=replace(CARD, valid_until=NOW)), no("credential.expired", "P-03")),
    case("holder-inactive", F(credential=replace(CARD, holder_active=False)), no("credential.holder_inactive", "P-03")),
]
P04 = [
    case("ask", F(Entrant.FORGOTTEN_CARD), wait(Pending.VERIFY, "forgotten_card.check_identity", "P-04")),
    case("mismatch", F(Entrant.FORGOTTEN_CARD, identity_matched=False), no("forgotten_card.mismatch", "P-04", (Register.FORGOTTEN_CARD,))),
    case("await-desk", F(Entrant.FORGOTTEN_CARD, identity_matched=True), wait(Pending.VERIFY, "forgotten_card.await_desk", "P-04", (Register.FORGOTTEN_CARD,), Duty.NOTIFY_DESK)),
    case("desk-refused", F(Entrant.FORGOTTEN_CARD, identity_matched=True, desk_confirmed=False), no("forgotten_card.desk_refused", "P-04", (Register.FORGOTTEN_CARD,))),
    case("confirmed", F(Entrant.FORGOTTEN_CARD, identity_matched=True, desk_confirmed=True), ok("forgotten_card.confirmed", "P-04", (Register.FORGOTTEN_CARD,), Duty.REMIND, Duty.COUNT_FORGOTTEN)),
]
P05 = [
    case("await", F(Entrant.RELATIVE), wait(Pending.HOST_CONSENT, "relative.await_consent", "P-05", V, Duty.NOTIFY_DESK)),
    case("consent", F(Entrant.RELATIVE, host_consent=True), ok("relative.consented", "P-05", V)),
    case("refused", F(Entrant.RELATIVE, host_consent=False), no("relative.refused", "P-05", V)),
]
P06 = [
    case("need-letter", F(Entrant.TOUR), wait(Pending.APPROVAL, "tour.need_letter", "P-06", V, Duty.NOTIFY_DESK)),
    case("letter", F(Entrant.TOUR, pass_=pass_(PassKind.INTRO_LETTER)), ok("tour.letter", "P-06", V, Duty.NOTIFY_DEPARTMENT)),
    case("letter-revoked", F(Entrant.TOUR, pass_=pass_(PassKind.INTRO_LETTER, revoked=True)), no("tour.letter_invalid", "P-06", V)),
    case("letter-expired", F(Entrant.TOUR, pass_=pass_(PassKind.INTRO_LETTER, start=-2, end=0)), no("tour.letter_invalid", "P-06", V)),
    case("wrong-pass-kind", F(Entrant.TOUR, pass_=pass_(PassKind.DECORATION)), no("tour.letter_invalid", "P-06", V)),
    case("manager-called", F(Entrant.TOUR, approval=True), ok("tour.manager_called", "P-06", V, Duty.NOTIFY_DEPARTMENT)),
    case("bad-letter-manager-called", F(Entrant.TOUR, approval=True, pass_=pass_(PassKind.INTRO_LETTER, revoked=True)), ok("tour.manager_called", "P-06", V, Duty.NOTIFY_DEPARTMENT)),
    case("manager-refused", F(Entrant.TOUR, approval=False), no("tour.refused", "P-06", V)),
]
P07 = [
    case("resident", F(Entrant.ELDERLY, resident=True), ok("elderly.resident", "P-07", (), Duty.ESCORT, Duty.NOTIFY_PATROL)),
    case("resident-exit", F(Entrant.ELDERLY, resident=True, out=True), ok("resident.exit", "P-03")),
    case("await", F(Entrant.ELDERLY), wait(Pending.HOST_CONSENT, "elderly.await_consent", "P-07", V, Duty.NOTIFY_DESK)),
    case("host-away", F(Entrant.ELDERLY, host_home=False), wait(Pending.HOST_CONSENT, "elderly.host_away", "P-07", V, Duty.WAIT_AT_OFFICE, Duty.NOTIFY_HOST)),
    case("host-away-consented", F(Entrant.ELDERLY, host_home=False, host_consent=True), wait(Pending.HOST_CONSENT, "elderly.host_away", "P-07", V, Duty.WAIT_AT_OFFICE)),
    case("escorted", F(Entrant.ELDERLY, host_home=True, host_consent=True), ok("elderly.escorted", "P-07", V, Duty.ESCORT, Duty.NOTIFY_PATROL)),
    case("refused", F(Entrant.ELDERLY, host_home=False, host_consent=False), no("elderly.refused", "P-07", V)),
]
P08 = [
    case("unverified", F(Entrant.SALESPERSON, destination_verified=False, host_consent=True), no("sales.unverified", "P-08", V)),
    case("await", F(Entrant.SALESPERSON), wait(Pending.HOST_CONSENT, "sales.await_consent", "P-08", V, Duty.NOTIFY_DESK)),
    case("verified-await", F(Entrant.SALESPERSON, destination_verified=True), wait(Pending.HOST_CONSENT, "sales.await_consent", "P-08", V, Duty.NOTIFY_DESK)),
    case("consent-but-not-verified", F(Entrant.SALESPERSON, host_consent=True), wait(Pending.HOST_CONSENT, "sales.await_consent", "P-08", V)),
    case("refused-before-verifying", F(Entrant.SALESPERSON, host_consent=False), no("sales.refused", "P-08", V)),
    case("consented", F(Entrant.SALESPERSON, destination_verified=True, host_consent=True), ok("sales.consented", "P-08", V, Duty.TIME_LIMIT)),
    case("refused", F(Entrant.SALESPERSON, destination_verified=True, host_consent=False), no("sales.refused", "P-08", V)),
]
P09 = [
    case("pass", F(Entrant.DECORATION_WORKER, pass_=pass_(PassKind.DECORATION)), ok("worker.pass", "P-09", V, Duty.INSPECT_ON_EXIT)),
    case("pass-revoked", F(Entrant.DECORATION_WORKER, pass_=pass_(PassKind.DECORATION, revoked=True)), no("worker.pass_invalid", "P-09", V)),
    case("pass-not-yet", F(Entrant.DECORATION_WORKER, pass_=pass_(PassKind.DECORATION, start=1, end=2)), no("worker.pass_invalid", "P-09", V)),
    case("await-owner", F(Entrant.DECORATION_WORKER), wait(Pending.VERIFY, "worker.await_owner", "P-09", V, Duty.NOTIFY_DESK)),
    case("owner-confirmed", F(Entrant.DECORATION_WORKER, desk_confirmed=True), ok("worker.owner_confirmed", "P-09", V, Duty.ISSUE_PASS, Duty.INSPECT_ON_EXIT)),
    case("owner-refused", F(Entrant.DECORATION_WORKER, desk_confirmed=False), no("worker.owner_refused", "P-09", V)),
    case("one-time-await", F(Entrant.ONE_TIME_WORKER), wait(Pending.HOST_CONSENT, "worker.one_time_await", "P-09", V)),
    case("one-time", F(Entrant.ONE_TIME_WORKER, host_consent=True), ok("worker.one_time", "P-09", V, Duty.INSPECT_ON_EXIT)),
    case("one-time-refused", F(Entrant.ONE_TIME_WORKER, host_consent=False), no("worker.one_time_refused", "P-09", V)),
]
P10 = [
    case("badge", F(credential=BADGE), ok("staff.badge", "P-10")),
    case("staff-holder-card", F(credential=replace(CARD, holder_kind=HolderKind.GUARD)), ok("staff.badge", "P-10")),
    case("no-badge", F(Entrant.STAFF_NO_BADGE), wait(Pending.APPROVAL, "staff.await_approval", "P-10", (), Duty.NOTIFY_DESK)),
    case("approved", F(Entrant.STAFF_NO_BADGE, approval=True), ok("staff.approved", "P-10")),
    case("refused", F(Entrant.STAFF_NO_BADGE, approval=False), no("staff.refused", "P-10")),
]
# P-13: a window around the shift change that NOW (09:30 in Shanghai) is in, and one it is past.
SHIFT = ((time(9, 0), time(10, 0)),)
PAST = ((time(8, 30), time(9, 30)),)  # [start, end): the end is outside
P13 = [
    case("shift-start-in", F(credential=BADGE, shift_windows=SHIFT), ok("staff.shift_in", "P-13", (), Duty.REMIND)),
    case("shift-end-out", F(credential=BADGE, out=True, shift_windows=SHIFT), ok("staff.shift_out", "P-13", (), Duty.INSPECT_ON_EXIT)),
    case("staff-card-out", F(credential=replace(CARD, holder_kind=HolderKind.EMPLOYEE), out=True, shift_windows=SHIFT), ok("staff.shift_out", "P-13", (), Duty.INSPECT_ON_EXIT)),
    case("window-over", F(credential=BADGE, shift_windows=PAST), ok("staff.badge", "P-10")),
    case("window-over-out", F(credential=BADGE, out=True, shift_windows=PAST), ok("resident.exit", "P-03")),
    case("resident-in-window", F(out=True, shift_windows=SHIFT), ok("resident.exit", "P-03")),
    case("lost-badge-in-window", F(credential=replace(BADGE, status=CredentialStatus.LOST), shift_windows=SHIFT), no("credential.lost", "P-03", (), *MON)),
]
P11 = [
    case("blacklist", F(blacklisted=True), no("blacklist.hit", "P-11", (), *MON)),
    case("blacklist-visitor", F(Entrant.VISITOR, blacklisted=True, host_consent=True), no("blacklist.hit", "P-11", (), *MON)),
    case("stranger-unknown-card", F(credential=None), no("credential.unknown", "P-11", (), *MON)),
    case("temp-pass", F(Entrant.TEMPORARY_PASS, pass_=pass_(PassKind.TEMPORARY)), ok("pass.temporary", "P-11", V)),
    case("temp-pass-expired", F(Entrant.TEMPORARY_PASS, pass_=pass_(PassKind.TEMPORARY, end=0)), no("pass.invalid", "P-11", V)),
    case("temp-pass-wrong-kind", F(Entrant.TEMPORARY_PASS, pass_=pass_(PassKind.INTRO_LETTER)), no("pass.invalid", "P-11", V)),
    case("temp-pass-missing", F(Entrant.TEMPORARY_PASS), no("pass.missing", "P-11")),
]
P12 = [
    case("out-await", F(Entrant.STAFF_MIDSHIFT, out=True), wait(Pending.APPROVAL, "midshift.await_approval", "P-12")),
    case("out-approved", F(Entrant.STAFF_MIDSHIFT, out=True, approval=True), ok("midshift.out", "P-12", (Register.STAFF_MIDSHIFT,))),
    case("out-refused", F(Entrant.STAFF_MIDSHIFT, out=True, approval=False), no("midshift.refused", "P-12")),
    case("back", F(Entrant.STAFF_MIDSHIFT), ok("midshift.back", "P-12", (), Duty.CLOSE_REGISTER)),
]
VI01 = [
    case("await", F(Entrant.VISITOR), wait(Pending.HOST_CONSENT, "visitor.await_consent", "VI-01", V, Duty.NOTIFY_DESK)),
    case("consented", F(Entrant.VISITOR, host_consent=True), ok("visitor.consented", "VI-01", V)),
    case("time-limit", F(Entrant.VISITOR, host_consent=True), ok("visitor.consented", "VI-01", V, Duty.TIME_LIMIT), Policy(visit_minutes=60)),
    case("refused", F(Entrant.VISITOR, host_consent=False), no("visitor.refused", "VI-01", V)),
    case("left", F(Entrant.VISITOR, out=True), ok("visitor.left", "VI-01", (), Duty.CLOSE_REGISTER)),
    case("relative-left", F(Entrant.RELATIVE, out=True), ok("visitor.left", "VI-01", (), Duty.CLOSE_REGISTER)),
    case("worker-left", F(Entrant.DECORATION_WORKER, out=True), ok("visitor.left", "VI-01", (), Duty.CLOSE_REGISTER)),
]
VI02 = [
    case("valid", F(Entrant.INVITED, invitation=inv()), ok("invitation.valid", "VI-02", V, Duty.CHECK_IDENTITY, Duty.NOTIFY_HOST)),
    case("unlimited", F(Entrant.INVITED, invitation=inv(uses=None)), ok("invitation.valid", "VI-02", V)),
    case("unknown", F(Entrant.INVITED), no("invitation.unknown", "VI-02")),
    case("revoked", F(Entrant.INVITED, invitation=inv(revoked=True)), no("invitation.revoked", "VI-02")),
    case("not-yet", F(Entrant.INVITED, invitation=inv(start=1, end=2)), no("invitation.not_yet_valid", "VI-02")),
    case("expired-at-end", F(Entrant.INVITED, invitation=inv(end=0)), no("invitation.expired", "VI-02")),
    case("used", F(Entrant.INVITED, invitation=inv(uses=0)), no("invitation.used", "VI-02")),
    case("used-leaves", F(Entrant.INVITED, out=True, invitation=inv(uses=0)), ok("visitor.left", "VI-01", (), Duty.CLOSE_REGISTER)),
]
T = Mode.TIGHTENED
M01 = [
    case("closed", F(mode=T), no("mode.entrance_closed", "M-01")),
    case("closed-visitor", F(Entrant.VISITOR, mode=T, host_consent=True), no("mode.entrance_closed", "M-01")),
    case("designated", F(mode=T, lane=DESIGNATED), ok("resident.card", "P-03")),
    case("exit-not-blocked", F(mode=T, out=True), ok("resident.exit", "P-03")),
]
EP = Mode.EPIDEMIC
RES = {"mode": EP, "lane": DESIGNATED, "resident": True}
VIS = {"mode": EP, "lane": DESIGNATED, "host_consent": True}
M02 = [
    case("not-designated", F(mode=EP, resident=True, health=health("36.5")), no("mode.epidemic_entrance_closed", "M-02")),
    case("exit-not-blocked", F(mode=EP, out=True), ok("resident.exit", "P-03")),
    case("visitor-exit-not-blocked", F(Entrant.VISITOR, mode=EP, out=True), ok("visitor.left", "VI-01", (), Duty.CLOSE_REGISTER)),
    case("resident-no-check", F(**RES), wait(Pending.VERIFY, "epidemic.check_required", "M-02")),
    case("resident-no-temp", F(**RES, health=health(code=HealthCode.GREEN)), wait(Pending.VERIFY, "epidemic.check_required", "M-02")),
    case("resident-37.2", F(**RES, health=health("37.2")), ok("resident.card", "P-03")),
    case("resident-37.3", F(**RES, health=health("37.3")), no("epidemic.fever", "M-02", (), *MON)),
    case("threshold-37.0", F(**RES, health=health("37.2")), no("epidemic.fever", "M-02", (), *MON), Policy(fever_threshold=Decimal("37.0"))),
    case("threshold-37.5", F(**RES, health=health("37.4")), ok("resident.card", "P-03"), Policy(fever_threshold=Decimal("37.5"))),
    case("resident-yellow", F(**RES, health=health("36.5", HealthCode.YELLOW)), no("epidemic.code_abnormal", "M-02", (), *MON)),
    case("resident-red", F(**RES, health=health("36.5", HealthCode.RED)), no("epidemic.code_abnormal", "M-02", (), *MON)),
    case("visitor-unchecked", F(Entrant.VISITOR, **VIS), wait(Pending.VERIFY, "epidemic.check_required", "M-02")),
    case("visitor-not-necessary", F(Entrant.VISITOR, **VIS, health=replace(WELL, necessary=False)), no("epidemic.not_necessary", "M-02")),
    case("visitor-no-real-name", F(Entrant.VISITOR, **VIS, health=replace(WELL, real_name=False)), wait(Pending.VERIFY, "epidemic.check_required", "M-02")),
    case("visitor-no-code", F(Entrant.VISITOR, **VIS, health=replace(WELL, code=None)), wait(Pending.VERIFY, "epidemic.check_required", "M-02")),
    case("visitor-fever", F(Entrant.VISITOR, **VIS, health=replace(WELL, temperature=Decimal("38.0"))), no("epidemic.fever", "M-02", (), *MON)),
    case("visitor-red", F(Entrant.VISITOR, **VIS, health=replace(WELL, code=HealthCode.RED)), no("epidemic.code_abnormal", "M-02", (), *MON)),
    case("visitor-checked", F(Entrant.VISITOR, **VIS, health=WELL), ok("visitor.consented", "VI-01", V)),
    case("midshift-back-fever", F(Entrant.STAFF_MIDSHIFT, **RES, health=health("38.0")), no("epidemic.fever", "M-02", (), *MON)),
    case("midshift-back-well", F(Entrant.STAFF_MIDSHIFT, **RES, health=health("36.5")), ok("midshift.back", "P-12")),
    # the travel code (行程卡) beside the health code: anything but green is refused
    case("resident-travel-starred", F(**RES, health=health("36.5", HealthCode.GREEN, travel=TravelCode.STARRED)), no("epidemic.travel_abnormal", "M-02", (), *MON)),
    case("visitor-travel-red", F(Entrant.VISITOR, **VIS, health=replace(WELL, travel=TravelCode.RED)), no("epidemic.travel_abnormal", "M-02", (), *MON)),
    case("visitor-travel-green", F(Entrant.VISITOR, **VIS, health=replace(WELL, travel=TravelCode.GREEN)), ok("visitor.consented", "VI-01", V)),
    case("fever-before-travel", F(**RES, health=health("38.0", HealthCode.GREEN, travel=TravelCode.RED)), no("epidemic.fever", "M-02", (), *MON)),
    # residents' outings: at most ``persons`` exits per household in ``days`` days
    case("outing-limit-reached", F(mode=EP, out=True, resident=True, outing_limit=OutingLimit(1, 2), household_outings=(NOW - DAY,)), no("epidemic.outing_limit", "M-02")),
    case("outing-window-over", F(mode=EP, out=True, resident=True, outing_limit=OutingLimit(1, 2), household_outings=(NOW - 2 * DAY,)), ok("resident.exit", "P-03")),
    case("outing-under-limit", F(mode=EP, out=True, resident=True, outing_limit=OutingLimit(2, 2), household_outings=(NOW - DAY,)), ok("resident.exit", "P-03")),
    case("outing-normal-mode", F(out=True, resident=True, outing_limit=OutingLimit(1, 2), household_outings=(NOW - DAY,)), ok("resident.exit", "P-03")),
    case("outing-entry-free", F(**RES, health=health("36.5"), outing_limit=OutingLimit(1, 2), household_outings=(NOW - DAY,)), ok("resident.card", "P-03")),
]
# fmt: on

# M-03: a returnee under home monitoring (until MON_END) is refused on the way out, whatever
# the mode; coming in, and going out once the 14 days are over, are not affected.
MON_END = NOW + 3 * DAY
M03 = [
    case(
        "monitored-exit",
        F(out=True, monitoring_until=MON_END),
        no("epidemic.home_monitoring", "M-03"),
    ),
    case(
        "monitored-exit-epidemic",
        F(mode=EP, out=True, monitoring_until=MON_END),
        no("epidemic.home_monitoring", "M-03"),
    ),
    case(
        "monitored-elderly-exit",
        F(Entrant.ELDERLY, out=True, resident=True, monitoring_until=MON_END),
        no("epidemic.home_monitoring", "M-03"),
    ),
    case(
        "monitored-forgotten-card-exit",
        F(
            Entrant.FORGOTTEN_CARD,
            out=True,
            identity_matched=True,
            desk_confirmed=True,
            monitoring_until=MON_END,
        ),
        no("epidemic.home_monitoring", "M-03"),
    ),
    case("monitored-entry", F(monitoring_until=MON_END), ok("resident.card", "P-03")),
    case("monitoring-over", F(out=True, monitoring_until=NOW), ok("resident.exit", "P-03")),
    case(
        "lost-card-first",
        F(
            out=True,
            monitoring_until=MON_END,
            credential=replace(CARD, status=CredentialStatus.LOST),
        ),
        no("credential.lost", "P-03", (), *MON),
    ),
    case("no-case", F(out=True), ok("resident.exit", "P-03")),
]
# T3 (校园全封闭管理, template 篇三 "校园实施全封闭管理"). NOW is 09:30, inside school hours.
# rule T3-01: during school hours a student leaves only with the class teacher's leave pass.
# rule T3-02: parents and outsiders enter a campus by a confirmed appointment only.
SCHOOL = (time(7, 40), time(16, 30))
STUDENT = replace(CARD, kind=CredentialKind.STAFF_BADGE, holder_kind=HolderKind.STUDENT)
TEACHER = replace(CARD, kind=CredentialKind.STAFF_BADGE, holder_kind=HolderKind.TEACHER)
LEAVE = LeavePassFacts(NOW - timedelta(minutes=30), NOW + timedelta(hours=2))


def student_out(**kw: Any) -> Facts:
    kw.setdefault("school_hours", SCHOOL)
    return F(out=True, credential=STUDENT, campus=True, **kw)


T3 = [
    case("student-no-pass", student_out(), no("campus.no_leave_pass", "T3-01")),
    case(
        "student-pass",
        student_out(leave_pass=LEAVE),
        ok("campus.leave_pass", "T3-01", (), Duty.USE_LEAVE_PASS),
    ),
    case(
        "student-pass-used",
        student_out(leave_pass=replace(LEAVE, used=True)),
        no("campus.leave_pass_used", "T3-01"),
    ),
    case(
        "student-pass-revoked",
        student_out(leave_pass=replace(LEAVE, revoked=True)),
        no("campus.leave_pass_revoked", "T3-01"),
    ),
    case(
        "student-pass-later",
        student_out(leave_pass=replace(LEAVE, window_start=NOW + timedelta(hours=1))),
        no("campus.leave_pass_window", "T3-01"),
    ),
    case(
        "student-after-school",
        student_out(school_hours=(time(7, 40), time(9, 0))),
        ok("resident.exit", "P-03"),
    ),
    case(
        "student-enters",
        F(credential=STUDENT, campus=True, school_hours=SCHOOL),
        ok("staff.badge", "P-10"),
    ),
    case(
        "teacher-leaves",
        F(out=True, credential=TEACHER, campus=True, school_hours=SCHOOL),
        ok("resident.exit", "P-03"),
    ),
    case(
        "monitored-student-first",
        student_out(leave_pass=LEAVE, monitoring_until=NOW + DAY),
        no("epidemic.home_monitoring", "M-03"),
    ),
    case(
        "parent-walk-in",
        F(Entrant.PARENT, campus=True, school_hours=SCHOOL),
        no("campus.no_appointment", "T3-02", V),
    ),
    case(
        "visitor-walk-in",
        F(Entrant.VISITOR, campus=True, school_hours=SCHOOL),
        no("campus.no_appointment", "T3-02", V),
    ),
    case(
        "parent-not-campus",
        F(Entrant.PARENT),
        wait(Pending.HOST_CONSENT, "visitor.await_consent", "VI-01", V, Duty.NOTIFY_DESK),
    ),
    case(
        "parent-leaves",
        F(Entrant.PARENT, out=True, campus=True, school_hours=SCHOOL),
        ok("visitor.left", "VI-01"),
    ),
    case(
        "booking-unconfirmed",
        F(Entrant.INVITED, invitation=replace(inv(), confirmed=False), campus=True),
        no("invitation.unconfirmed", "T3-02"),
    ),
    case(
        "booking-confirmed",
        F(Entrant.INVITED, invitation=inv(), campus=True, school_hours=SCHOOL),
        ok("invitation.valid", "VI-02", V, Duty.CHECK_IDENTITY, Duty.NOTIFY_HOST),
    ),
]
# M-05 (T8·2): compounds merged behind unified entrances (合并出入口) while the merger runs
# (from..until); a member's other gates refuse entry naming the unified entrances; the unified
# entrances admit the members of every compound, whose passage is also recorded at home.
MERGED = MergerFacts("东片区合并", ("一区东门", "二区北门"), NOW - DAY, NOW + DAY)
AT_UNIFIED = replace(MERGED, designated=True)
LATER = replace(MERGED, valid_from=NOW + HOUR)
OVER = replace(MERGED, valid_from=NOW - 2 * DAY, valid_until=NOW - DAY)
HOME = (Duty.RECORD_AT_HOME,)
M05 = [
    case("other-gate-refuses", F(merger=MERGED, resident=True), no("merger.entrance_closed", "M-05")),
    case("other-gate-visitor", F(Entrant.VISITOR, merger=MERGED, host_consent=True), no("merger.entrance_closed", "M-05")),
    case("other-gate-exit-open", F(out=True, merger=MERGED, resident=True), ok("resident.exit", "P-03")),
    case("other-gate-open-when-tightened", F(lane=DESIGNATED, mode=EP, merger=MERGED, resident=True, health=health("36.5")), no("merger.entrance_closed", "M-05")),
    case("unified-own-resident", F(merger=AT_UNIFIED, resident=True), ok("resident.card", "P-03")),
    case("unified-member-elsewhere", F(merger=AT_UNIFIED, resident=True, member_elsewhere=True), ok("resident.card", "P-03", (), *HOME)),
    case("unified-member-leaves", F(out=True, merger=AT_UNIFIED, resident=True, member_elsewhere=True), ok("resident.exit", "P-03", (), *HOME)),
    case("unified-epidemic-not-designated-gate", F(mode=EP, merger=AT_UNIFIED, resident=True, member_elsewhere=True, health=health("36.5")), ok("resident.card", "P-03", (), *HOME)),
    case("unified-epidemic-fever", F(mode=EP, merger=AT_UNIFIED, resident=True, member_elsewhere=True, health=health("38.0")), no("epidemic.fever", "M-02", (), *MON)),
    case("unified-blacklisted", F(merger=AT_UNIFIED, resident=True, member_elsewhere=True, blacklisted=True), no("blacklist.hit", "P-11", (), *MON)),
    case("not-yet-running", F(merger=LATER, resident=True), ok("resident.card", "P-03")),
    case("ended", F(merger=OVER, resident=True), ok("resident.card", "P-03")),
    case("ended-epidemic-rules-back", F(mode=EP, merger=replace(OVER, designated=True), resident=True, health=health("36.5")), no("mode.epidemic_entrance_closed", "M-02")),
    case("member-elsewhere-not-unified", F(merger=MERGED, resident=True, member_elsewhere=True), no("merger.not_member", "M-05", (), *MON)),
    case("member-elsewhere-ended", F(merger=replace(OVER, designated=True), resident=True, member_elsewhere=True), no("merger.not_member", "M-05", (), *MON)),
]  # fmt: skip
TABLES = {
    "T3": T3,
    "P-01": P01, "P-02": P02, "P-03": P03, "P-04": P04, "P-05": P05, "P-06": P06, "P-07": P07,
    "P-08": P08, "P-09": P09, "P-10": P10, "P-11": P11, "P-12": P12, "P-13": P13,
    "VI-01": VI01, "VI-02": VI02, "M-01": M01, "M-02": M02, "M-03": M03,
    "M-05": M05,
}  # fmt: skip


@pytest.mark.parametrize(("facts", "policy", "exp"), P01)
def test_p01_people_use_non_motor_lanes(facts: Facts, policy: Policy, exp: E) -> None:
    run(facts, policy, exp)  # rule P-01


@pytest.mark.parametrize(("facts", "policy", "exp"), P02)
def test_p02_one_way_lanes_and_anti_passback(facts: Facts, policy: Policy, exp: E) -> None:
    run(facts, policy, exp)  # rule P-02


@pytest.mark.parametrize(("facts", "policy", "exp"), P03)
def test_p03_resident_credential(facts: Facts, policy: Policy, exp: E) -> None:
    run(facts, policy, exp)  # rule P-03


@pytest.mark.parametrize(("facts", "policy", "exp"), P04)
def test_p04_forgotten_card(facts: Facts, policy: Policy, exp: E) -> None:
    run(facts, policy, exp)  # rule P-04


@pytest.mark.parametrize(("facts", "policy", "exp"), P05)
def test_p05_relatives(facts: Facts, policy: Policy, exp: E) -> None:
    run(facts, policy, exp)  # rule P-05


@pytest.mark.parametrize(("facts", "policy", "exp"), P06)
def test_p06_tours(facts: Facts, policy: Policy, exp: E) -> None:
    run(facts, policy, exp)  # rule P-06


@pytest.mark.parametrize(("facts", "policy", "exp"), P07)
def test_p07_elderly(facts: Facts, policy: Policy, exp: E) -> None:
    run(facts, policy, exp)  # rule P-07


@pytest.mark.parametrize(("facts", "policy", "exp"), P08)
def test_p08_salespeople(facts: Facts, policy: Policy, exp: E) -> None:
    run(facts, policy, exp)  # rule P-08


@pytest.mark.parametrize(("facts", "policy", "exp"), P09)
def test_p09_workers(facts: Facts, policy: Policy, exp: E) -> None:
    run(facts, policy, exp)  # rule P-09


@pytest.mark.parametrize(("facts", "policy", "exp"), P10)
def test_p10_staff(facts: Facts, policy: Policy, exp: E) -> None:
    run(facts, policy, exp)  # rule P-10


@pytest.mark.parametrize(("facts", "policy", "exp"), P13)
def test_p13_shift_change_watch(facts: Facts, policy: Policy, exp: E) -> None:
    run(facts, policy, exp)  # rule P-13


def test_p13_windows_are_the_working_hours_start_and_end_give_or_take() -> None:
    # rule P-13 (the same windows keep the guard in the booth, S-09)
    assert shift_change_windows(time(8, 30), time(17, 30), 30) == (
        (time(8, 0), time(9, 0)),
        (time(17, 0), time(18, 0)),
    )
    # a window that would cross midnight is left out
    assert shift_change_windows(time(0, 10), time(23, 50), 30) == ()
    # the read's time is taken on Shanghai's clock, whatever zone it comes in
    utc = NOW.astimezone(ZoneInfo("UTC"))  # 01:30 UTC is 09:30 in Shanghai
    assert (
        decide(F(credential=BADGE, shift_windows=SHIFT), Policy(), utc).reason == "staff.shift_in"
    )


def test_p13_the_shift_change_duties_say_what_to_watch() -> None:
    # rule P-13
    d = decide(F(credential=BADGE, out=True, shift_windows=SHIFT), Policy(), NOW)
    (duty,) = d.obligations
    assert (duty.duty, duty.register) == (Duty.INSPECT_ON_EXIT, None)
    assert "公司物品" in duty.note and "放行条" in duty.note
    d = decide(F(credential=BADGE, shift_windows=SHIFT), Policy(), NOW)
    assert [(o.duty, o.note) for o in d.obligations] == [(Duty.REMIND, "督促员工打卡")]


@pytest.mark.parametrize(("facts", "policy", "exp"), P11)
def test_p11_strangers_blacklist_passes(facts: Facts, policy: Policy, exp: E) -> None:
    run(facts, policy, exp)  # rule P-11


@pytest.mark.parametrize(("facts", "policy", "exp"), P12)
def test_p12_midshift(facts: Facts, policy: Policy, exp: E) -> None:
    run(facts, policy, exp)  # rule P-12


@pytest.mark.parametrize(("facts", "policy", "exp"), VI01)
def test_vi01_visitor_flow(facts: Facts, policy: Policy, exp: E) -> None:
    run(facts, policy, exp)  # rule VI-01


@pytest.mark.parametrize(("facts", "policy", "exp"), VI02)
def test_vi02_invitations(facts: Facts, policy: Policy, exp: E) -> None:
    run(facts, policy, exp)  # rule VI-02


@pytest.mark.parametrize(("facts", "policy", "exp"), M01)
def test_m01_tightened_mode(facts: Facts, policy: Policy, exp: E) -> None:
    run(facts, policy, exp)  # rule M-01


@pytest.mark.parametrize(("facts", "policy", "exp"), M02)
def test_m02_epidemic_mode(facts: Facts, policy: Policy, exp: E) -> None:
    run(facts, policy, exp)  # rule M-02


@pytest.mark.parametrize(("facts", "policy", "exp"), M03)
def test_m03_home_monitoring_keeps_a_returnee_in(facts: Facts, policy: Policy, exp: E) -> None:
    run(facts, policy, exp)  # rule M-03


@pytest.mark.parametrize(("facts", "policy", "exp"), M05)
def test_m05_unified_entrances(facts: Facts, policy: Policy, exp: E) -> None:
    run(facts, policy, exp)  # rule M-05


def test_m05_refusal_names_the_unified_entrances() -> None:
    # rule M-05: the sentence names the entrances to use and the merger
    decision = decide(F(merger=MERGED, resident=True), Policy(), NOW)
    assert (decision.outcome, decision.reason, decision.rule) == (
        Outcome.REFUSE,
        "merger.entrance_closed",
        "M-05",
    )
    assert decision.message == "已合并出入口，请走统一出入口：一区东门、二区北门（东片区合并）"
    assert decision.obligations == ()
    # the merger's last moment still holds; its end restores the site's own rules
    assert not MERGED.active(NOW + DAY) and MERGED.active(NOW + DAY - timedelta(seconds=1))


@pytest.mark.parametrize(("facts", "policy", "exp"), T3)
def test_t3_campus_leave_passes_and_appointments(facts: Facts, policy: Policy, exp: E) -> None:
    run(facts, policy, exp)  # rule T3-01, rule T3-02


def test_m03_refusal_says_until_when() -> None:
    # rule M-03: the guard's sentence names the last day of the monitoring (Asia/Shanghai)
    until = datetime(2026, 12, 8, 0, 0, tzinfo=SH)
    decision = decide(F(out=True, monitoring_until=until), Policy(), NOW)
    assert (decision.outcome, decision.reason, decision.rule) == (
        Outcome.REFUSE,
        "epidemic.home_monitoring",
        "M-03",
    )
    assert decision.message.endswith("（监测至12月7日）")
    assert "居家健康监测期间不得外出" in decision.message
    assert decision.registers() == ()


def test_m02_outing_refusal_says_when_next() -> None:
    # rule M-02: the household's count and the moment it may go out next (Asia/Shanghai)
    exits = (NOW - 40 * HOUR, NOW - 30 * HOUR, NOW - 3 * DAY)
    facts = F(
        mode=EP, out=True, resident=True, outing_limit=OutingLimit(2, 2), household_outings=exits
    )
    decision = decide(facts, Policy(), NOW)
    assert (decision.outcome, decision.reason, decision.rule) == (
        Outcome.REFUSE,
        "epidemic.outing_limit",
        "M-02",
    )
    then = (NOW - 40 * HOUR + 2 * DAY).astimezone(SH)
    assert decision.message.endswith(
        f"（本户2天内限2人次，已外出2人次；{then.month}月{then.day}日{then:%H:%M}后可再外出）"
    )


def test_tables_cover_every_reason() -> None:
    covered = {p.values[2].reason for table in TABLES.values() for p in table}
    covered |= {"policy.invalid"}  # tests/core/test_policy.py: a policy that cannot be read
    assert covered == set(REASONS)


def test_visit_minutes_and_sales_default_limit() -> None:
    sales = F(Entrant.SALESPERSON, destination_verified=True, host_consent=True)
    limits = [
        o.minutes for o in decide(sales, Policy(), NOW).obligations if o.duty is Duty.TIME_LIMIT
    ]
    assert limits == [30]
    limits = [
        o.minutes
        for o in decide(sales, Policy(visit_minutes=45), NOW).obligations
        if o.duty is Duty.TIME_LIMIT
    ]
    assert limits == [45]
    visitor = decide(F(Entrant.VISITOR, host_consent=True), Policy(), NOW)
    assert not visitor.has(Duty.TIME_LIMIT)


# -- the order of the checks: the first that fails supplies the reason --------------------------

LOST = replace(CARD, status=CredentialStatus.LOST)
# fmt: off
ORDER = [
    case("lane-kind-before-direction", F(lane=LaneFacts(LaneKind.MOTOR, Direction.OUT)), no("lane.not_for_people", "P-01")),
    case("direction-before-mode", F(mode=T, lane=OUT_LANE), no("lane.one_way", "P-02")),
    case("mode-before-blacklist", F(mode=T, blacklisted=True), no("mode.entrance_closed", "M-01")),
    case("epidemic-mode-before-blacklist", F(mode=EP, blacklisted=True), no("mode.epidemic_entrance_closed", "M-02")),
    case("blacklist-before-valid-card", F(blacklisted=True, credential=CARD), no("blacklist.hit", "P-11", (), *MON)),
    case("blacklist-before-lost-card", F(blacklisted=True, credential=LOST), no("blacklist.hit", "P-11", (), *MON)),
    case("blacklist-before-unknown", F(blacklisted=True, credential=None), no("blacklist.hit", "P-11", (), *MON)),
    case("status-before-window", F(credential=replace(CARD, status=CredentialStatus.REVOKED, valid_until=NOW - DAY)), no("credential.revoked", "P-03")),
    case("window-before-kind", F(credential=replace(CARD, kind=CredentialKind.PLATE, valid_until=NOW)), no("credential.expired", "P-03")),
    case("kind-before-holder", F(credential=replace(CARD, kind=CredentialKind.PARKING_CARD, holder_active=False)), no("credential.wrong_kind", "P-01")),
    case("validity-before-antipassback", F(credential=LOST, inside=True), no("credential.lost", "P-03", (), *MON), AP),
    case("validity-for-any-entrant", F(Entrant.VISITOR, credential=LOST, host_consent=True), no("credential.lost", "P-03", (), *MON)),
    case("window-for-any-entrant", F(Entrant.RELATIVE, credential=replace(CARD, valid_from=NOW + DAY), host_consent=True), no("credential.not_yet_valid", "P-03")),
    case("antipassback-before-epidemic", F(**RES, inside=True, health=health("39.0")), no("antipassback.already_inside", "P-02", (), *MON), AP),
    case("epidemic-before-entrant", F(Entrant.INVITED, **VIS, invitation=inv(), health=replace(WELL, code=HealthCode.YELLOW)), no("epidemic.code_abnormal", "M-02", (), *MON)),
    case("fever-before-necessity", F(Entrant.VISITOR, **VIS, health=health("37.5", necessary=False)), no("epidemic.fever", "M-02", (), *MON)),
]
# fmt: on


@pytest.mark.parametrize(("facts", "policy", "exp"), ORDER)
def test_order_of_checks(facts: Facts, policy: Policy, exp: E) -> None:
    # lane, mode, blacklist, credential, anti-passback, epidemic, then the entrant's own rule;
    # each row's expectation names the rule that must win
    run(facts, policy, exp)


# -- VI-03: visitors still inside -------------------------------------------------------------

_DAY = datetime(2026, 11, 24, 0, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
_CLOSING = _DAY.replace(hour=22)


@pytest.mark.parametrize(
    ("time_in", "limit", "now", "expected"),
    [
        pytest.param(_DAY.replace(hour=9), None, _DAY.replace(hour=21, minute=59), None, id="ok"),
        pytest.param(_DAY.replace(hour=9), None, _CLOSING, Overstay.AFTER_CLOSING, id="at-closing"),
        pytest.param(
            _DAY.replace(hour=9),
            _DAY.replace(hour=10),
            _DAY.replace(hour=10, minute=1),
            Overstay.TIME_LIMIT,
            id="past-limit",
        ),
        pytest.param(
            _DAY.replace(hour=9), _DAY.replace(hour=10), _DAY.replace(hour=10), None, id="at-limit"
        ),
        pytest.param(
            _DAY - timedelta(hours=2), None, _DAY.replace(hour=8), Overstay.OVERNIGHT, id="night"
        ),
    ],
)
def test_visitors_without_time_out_are_flagged(time_in, limit, now, expected):
    # rule VI-03
    assert (
        overstay(
            time_in=time_in, time_limit_at=limit, day_starts=_DAY, closing_at=_CLOSING, now=now
        )
        is expected
    )
