"""Tests for gatehouse.core.vehicle: the gate decision for a vehicle, table by table, per SPEC rule.

Each table holds ``(facts, policy, expected)``; ``expected`` names the outcome, the reason code, the
rule id (written out, not read from REASONS), the pending kind, the registers the decision writes,
the duties it must carry and, for a car that owes money at the exit, the fee in fen (worked out by
hand from the default tariff: 30 minutes free if leaving within them, else ¥5.00 per hour or part
from entry; delivery vehicles one free hour deducted). Property-based tests live in
``test_vehicle_properties.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gatehouse.core.access import (
    CredentialStatus,
    Decision,
    Direction,
    Duty,
    LaneFacts,
    LaneKind,
    Mode,
    Outcome,
    Pending,
    Register,
)
from gatehouse.core.errors import InvalidInput
from gatehouse.core.tariff import (
    DEFAULT_TARIFF,
    Tariff,
    TariffTable,
    VehicleClass,
    delivery_tariff,
    fee_for_class,
)
from gatehouse.core.vehicle import (
    REASONS,
    Body,
    CardFacts,
    Dwell,
    Errand,
    ExitForm,
    FormStatus,
    Observation,
    Pairing,
    PublicService,
    RegistrationFacts,
    SessionFacts,
    SiteKind,
    VehicleCard,
    VehicleFacts,
    VehicleKind,
    VehiclePassFacts,
    VehiclePassKind,
    VehiclePolicy,
    check_pairing,
    decide_vehicle,
    dwell_alerts,
    fee_due,
    visitor_deadline,
)

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=SH)
DAY = timedelta(days=1)
MIN = timedelta(minutes=1)
DESIGNATED = LaneFacts(LaneKind.MOTOR, Direction.IN, open_when_tightened=True)
DESIGNATED_GARAGE = LaneFacts(LaneKind.GARAGE, Direction.IN, open_when_tightened=True)
VEH = (Register.VEHICLE,)
OWN = (Register.OWN_VEHICLE,)
MON = Duty.NOTIFY_MONITORING
GUIDE = Duty.GUIDE_OUTSIDE
PAY = Duty.PAY_AT_EXIT
CLOSE = Duty.CLOSE_REGISTER
# the duties a table row must name exactly: present if and only if listed
EXACT = (MON, GUIDE, PAY, CLOSE)

R, M, T, D = VehicleKind.RESIDENT, VehicleKind.MONTHLY, VehicleKind.TEMPORARY, VehicleKind.DELIVERY
ST, EM, TX, VI = VehicleKind.STAFF, VehicleKind.EMERGENCY, VehicleKind.TAXI, VehicleKind.VISITOR
OT = VehicleKind.OTHER
INDUSTRIAL = VehiclePolicy(site=SiteKind.INDUSTRIAL)
PASSES = VehiclePolicy(passes_required=True)
FREE_STAFF = TariffTable(
    default=DEFAULT_TARIFF,
    classes=(
        (VehicleClass.DELIVERY, delivery_tariff(DEFAULT_TARIFF)),
        (VehicleClass.STAFF, Tariff(price=0)),
    ),
)


def card(kind: VehicleCard = VehicleCard.PARKING_CARD, **kw: Any) -> CardFacts:
    return CardFacts(kind, **kw)


def pass_(
    kind: VehiclePassKind = VehiclePassKind.RESIDENT,
    status: CredentialStatus = CredentialStatus.ACTIVE,
    *,
    start: int = -30,
    end: int | None = 30,
) -> VehiclePassFacts:
    return VehiclePassFacts(
        kind, status, NOW + start * DAY, None if end is None else NOW + end * DAY
    )


def stay(minutes: int, kind: VehicleKind = T) -> SessionFacts:
    """An open session entered ``minutes`` before NOW."""
    return SessionFacts(NOW - minutes * MIN, kind, ref=f"s-{minutes}", plate="苏E12345")


def F(kind: VehicleKind = R, *, out: bool = False, garage: bool = False, **kw: Any) -> VehicleFacts:
    """Facts at a matching motor lane (the garage with ``garage``), IN unless ``out``."""
    d = Direction.OUT if out else Direction.IN
    kw.setdefault("lane", LaneFacts(LaneKind.GARAGE if garage else LaneKind.MOTOR, d))
    return VehicleFacts(direction=d, kind=kind, **kw)


@dataclass(frozen=True)
class E:
    outcome: Outcome
    reason: str
    rule: str
    pending: Pending | None = None
    registers: tuple[Register, ...] = ()
    duties: tuple[Duty, ...] = ()
    fee: int | None = None  # the amount on the PAY_AT_EXIT obligation, fen


def ok(reason: str, rule: str, registers: tuple[Register, ...] = (), *duties: Duty) -> E:
    return E(Outcome.ALLOW, reason, rule, None, registers, duties)


def no(reason: str, rule: str, registers: tuple[Register, ...] = (), *duties: Duty) -> E:
    return E(Outcome.REFUSE, reason, rule, None, registers, duties)


def wait(
    kind: Pending, reason: str, rule: str, registers: tuple[Register, ...] = (), *duties: Duty
) -> E:
    return E(Outcome.PENDING, reason, rule, kind, registers, duties)


def pay(reason: str, rule: str, fee: int, *duties: Duty) -> E:
    return E(Outcome.PENDING, reason, rule, Pending.PAYMENT, (), (PAY, *duties), fee)


def case(id_: str, facts: VehicleFacts, expected: E, policy: VehiclePolicy | None = None) -> Any:
    return pytest.param(facts, policy or VehiclePolicy(), expected, id=id_)


def check(decision: Decision, exp: E) -> None:
    assert decision.outcome is exp.outcome
    assert decision.reason == exp.reason
    assert decision.rule == exp.rule
    assert REASONS[exp.reason] == (exp.rule, decision.message)
    assert decision.message
    assert decision.pending is exp.pending
    assert decision.registers() == exp.registers
    for duty in exp.duties:
        assert decision.has(duty), duty
    for duty in EXACT:
        assert decision.has(duty) == (duty in exp.duties), duty
    owed = fee_due(decision)
    if exp.fee is None:
        assert owed is None
    else:
        assert owed is not None
        assert owed.duty is Duty.PAY_AT_EXIT
        assert owed.amount == exp.fee


def run(facts: VehicleFacts, policy: VehiclePolicy, exp: E) -> None:
    check(decide_vehicle(facts, policy, NOW), exp)


# -- tables, one per SPEC rule -------------------------------------------------------------------

OWNER = card(VehicleCard.OWNER_CARD)
TEMP = card(VehicleCard.TEMPORARY_CARD)
MONTH = card(VehicleCard.MONTHLY_CARD)
CHARGING = {"charging_started": True}
ALL_SERVICES = [F(EM, service=s) for s in PublicService]

# fmt: off
LANES = [
    case("non-motor-lane", F(lane=LaneFacts(LaneKind.NON_MOTOR, Direction.IN), plate_registered=True), no("vehicle.lane_not_for_vehicles", "P-01")),
    case("in-at-out-lane", F(lane=LaneFacts(LaneKind.MOTOR, Direction.OUT), plate_registered=True), no("vehicle.one_way", "P-02")),
    case("out-at-in-lane", F(out=True, lane=LaneFacts(LaneKind.GARAGE, Direction.IN)), no("vehicle.one_way", "P-02")),
]
V01 = [
    case("plate", F(plate="苏E12345", plate_registered=True), ok("vehicle.plate", "V-01")),
    case("parking-card", F(card=card()), ok("vehicle.parking_card", "V-01")),
    case("parking-card-after-charging", F(card=card(), **CHARGING), ok("vehicle.parking_card", "V-01")),
    case("monthly-card-is-a-parking-card", F(card=MONTH, **CHARGING), ok("vehicle.parking_card", "V-01")),
    case("monthly-kind-on-ground", F(M, card=card()), ok("vehicle.parking_card", "V-01")),
    case("owner-card-before-charging", F(card=OWNER), ok("vehicle.owner_card", "V-01")),
    case("owner-card-after-charging", F(card=OWNER, **CHARGING), no("vehicle.owner_card_after_charging", "V-01")),
    case("owner-card-after-charging-plate", F(card=OWNER, plate_registered=True, **CHARGING), ok("vehicle.plate", "V-01")),
    case("temporary-card-on-ground", F(card=TEMP), no("vehicle.card_wrong_lane", "V-01")),
    case("card-lost", F(card=card(status=CredentialStatus.LOST)), no("vehicle.card_lost", "V-01", (), MON)),
    case("card-lost-beats-plate", F(card=card(status=CredentialStatus.LOST), plate_registered=True), no("vehicle.card_lost", "V-01", (), MON)),
    case("card-revoked", F(card=card(status=CredentialStatus.REVOKED)), no("vehicle.card_revoked", "V-01")),
    case("card-expired-at-end", F(card=card(valid_until=NOW)), no("vehicle.card_invalid", "V-01")),
    case("card-not-yet", F(card=card(valid_from=NOW + MIN)), no("vehicle.card_invalid", "V-01")),
    case("card-window", F(card=card(valid_from=NOW, valid_until=NOW + MIN)), ok("vehicle.parking_card", "V-01")),
    case("nothing", F(), no("vehicle.no_credential", "V-01")),
    case("exit", F(out=True), ok("vehicle.exit", "V-01")),
    case("exit-owner-card-after-charging", F(out=True, card=OWNER, **CHARGING), ok("vehicle.exit", "V-01")),
]
V02 = [
    case("verify", F(card_forgotten=True), wait(Pending.VERIFY, "vehicle.forgotten_card_verify", "V-02", (), Duty.NOTIFY_DESK)),
    case("verified", F(card_forgotten=True, verified=True), ok("vehicle.forgotten_card_verified", "V-02", (), Duty.REMIND)),
    case("not-verified", F(card_forgotten=True, verified=False), no("vehicle.forgotten_card_refused", "V-02")),
    case("after-charging-too", F(card_forgotten=True, verified=True, **CHARGING), ok("vehicle.forgotten_card_verified", "V-02", (), Duty.REMIND)),
    case("plate-needs-no-card", F(card_forgotten=True, plate_registered=True), ok("vehicle.plate", "V-01")),
]
DEC = {"errand": Errand.DECORATION}
V03 = [
    case("verify", F(D, **DEC), wait(Pending.VERIFY, "vehicle.delivery_verify", "V-03", VEH)),
    case("verified", F(D, **DEC, verified=True), ok("vehicle.delivery", "V-03", VEH, Duty.REMIND, Duty.TIME_LIMIT, Duty.NOTIFY_PATROL)),
    case("water-van", F(D, errand=Errand.WATER, verified=True, observed=Observation(Body.VAN)), ok("vehicle.delivery", "V-03", VEH, Duty.TIME_LIMIT)),
    case("furniture-car", F(D, errand=Errand.FURNITURE, verified=True), ok("vehicle.delivery", "V-03", VEH, Duty.TIME_LIMIT)),
    case("refused", F(D, **DEC, verified=False), no("vehicle.delivery_refused", "V-03", VEH, GUIDE)),
    case("garage", F(D, **DEC, garage=True), no("vehicle.delivery_not_in_garage", "V-03", (), Duty.REMIND)),
    case("garage-even-verified", F(D, **DEC, garage=True, verified=True), no("vehicle.delivery_not_in_garage", "V-03", (), Duty.REMIND)),
    case("garage-moving-truck", F(D, errand=Errand.MOVING, garage=True, observed=Observation(Body.TRUCK)), no("vehicle.delivery_not_in_garage", "V-03", (), Duty.REMIND)),
    case("industrial-site-too", F(D, **DEC, verified=True), ok("vehicle.delivery", "V-03", VEH, Duty.TIME_LIMIT), INDUSTRIAL),
    case("left-within-the-hour", F(D, **DEC, out=True, session=stay(60, D)), ok("vehicle.delivery_left", "V-03", (), CLOSE)),
]
PK02 = [
    case("75-minutes", F(D, **DEC, out=True, session=stay(75, D)), pay("vehicle.delivery_fee_due", "PK-02", 500)),
    case("61-minutes", F(D, **DEC, out=True, session=stay(61, D)), pay("vehicle.delivery_fee_due", "PK-02", 500)),
    case("3-hours", F(D, **DEC, out=True, session=stay(180, D)), pay("vehicle.delivery_fee_due", "PK-02", 1000)),
    case("part-paid", F(D, **DEC, out=True, session=stay(180, D), paid_fen=300), pay("vehicle.delivery_fee_due", "PK-02", 700)),
    case("paid", F(D, **DEC, out=True, session=stay(180, D), paid_fen=1000), ok("vehicle.delivery_fee_paid", "PK-02", (), CLOSE)),
    case("no-entry-record", F(D, **DEC, out=True), wait(Pending.VERIFY, "vehicle.exit_without_entry", "V-07", (), MON)),
]
V04 = [
    case("ground", F(ST), no("vehicle.staff_not_on_ground", "V-04", (), Duty.REMIND)),
    case("ground-with-card", F(ST, card=card()), no("vehicle.staff_not_on_ground", "V-04", (), Duty.REMIND)),
    case("garage", F(ST, garage=True), ok("vehicle.staff_garage", "V-04")),
    case("garage-exit-paying", F(ST, garage=True, out=True, session=stay(120, ST)), pay("vehicle.fee_due", "V-07", 1000)),
    case("garage-exit-free-policy", F(ST, garage=True, out=True, session=stay(120, ST)), ok("vehicle.staff_left", "V-04"), VehiclePolicy(tariffs=FREE_STAFF)),
    case("garage-exit-within-free-minutes", F(ST, garage=True, out=True, session=stay(20, ST)), ok("vehicle.staff_left", "V-04")),
]
V05 = [
    *[case(f"ground-{f.service}", f, ok("vehicle.emergency", "V-05", VEH, MON)) for f in ALL_SERVICES],
    case("no-service-named", F(EM), ok("vehicle.emergency", "V-05", VEH, MON)),
    case("garage", F(EM, garage=True), ok("vehicle.emergency", "V-05", VEH, MON)),
    case("non-motor-lane", F(EM, lane=LaneFacts(LaneKind.NON_MOTOR, Direction.IN)), ok("vehicle.emergency", "V-05", VEH, MON)),
    case("against-the-lane", F(EM, lane=LaneFacts(LaneKind.MOTOR, Direction.OUT)), ok("vehicle.emergency", "V-05", VEH, MON)),
    case("epidemic-closed-entrance", F(EM, mode=Mode.EPIDEMIC), ok("vehicle.emergency", "V-05", VEH, MON)),
    case("tightened", F(EM, mode=Mode.TIGHTENED), ok("vehicle.emergency", "V-05", VEH, MON)),
    case("fire-engine-is-a-truck", F(EM, service=PublicService.FIRE, observed=Observation(Body.TRUCK)), ok("vehicle.emergency", "V-05", VEH, MON)),
    case("sewage-tanker", F(EM, service=PublicService.SEWAGE, observed=Observation(Body.TANKER, leaking=True)), ok("vehicle.emergency", "V-05", VEH, MON)),
    case("revoked-pass-shown", F(EM, pass_=pass_(status=CredentialStatus.REVOKED)), ok("vehicle.emergency", "V-05", VEH, MON)),
    case("exit", F(EM, out=True, large_items=True), ok("vehicle.emergency", "V-05", (), MON, CLOSE)),
]
V06 = [
    case("other", F(OT), no("vehicle.not_allowed", "V-06", (), GUIDE)),
    case("other-garage", F(OT, garage=True), no("vehicle.not_allowed", "V-06", (), GUIDE)),
    case("other-with-consent", F(OT, host_consent=True, verified=True), no("vehicle.not_allowed", "V-06", (), GUIDE)),
    case("temporary-on-ground", F(T, card=TEMP), no("vehicle.not_allowed", "V-06", (), GUIDE)),
    case("taxi-garage", F(TX, garage=True), no("vehicle.not_allowed", "V-06", (), GUIDE)),
    case("delivery-without-errand", F(D, verified=True), no("vehicle.not_allowed", "V-06", (), GUIDE)),
    case("goods-at-residential-site", F(D, errand=Errand.GOODS, verified=True, observed=Observation(Body.VAN)), no("vehicle.not_allowed", "V-06", (), GUIDE)),
    case("other-leaves", F(OT, out=True), ok("vehicle.left", "V-06")),
]
V07 = [
    case("monthly-card", F(R, garage=True, card=MONTH), ok("vehicle.monthly_card", "V-07")),
    case("monthly-kind-card", F(M, garage=True, card=MONTH), ok("vehicle.monthly_card", "V-07")),
    case("monthly-plate", F(M, garage=True, plate_registered=True), ok("vehicle.plate", "V-01")),
    case("resident-plate-not-monthly", F(R, garage=True, plate_registered=True), no("vehicle.garage_card_required", "V-07")),
    case("resident-temporary-card", F(R, garage=True, card=TEMP), ok("vehicle.temporary_card", "V-07")),
    case("temporary-card", F(T, garage=True, card=TEMP), ok("vehicle.temporary_card", "V-07")),
    case("temporary-no-card", F(T, garage=True), no("vehicle.garage_card_required", "V-07")),
    case("temporary-card-lost", F(T, garage=True, card=card(VehicleCard.TEMPORARY_CARD, status=CredentialStatus.LOST)), no("vehicle.card_lost", "V-01", (), MON)),
    case("owner-card-in-garage", F(R, garage=True, card=OWNER), no("vehicle.garage_card_required", "V-07")),
    case("parking-card-in-garage", F(R, garage=True, card=card()), no("vehicle.garage_card_required", "V-07")),
    case("forgot-card-in-garage", F(R, garage=True, card_forgotten=True), no("vehicle.garage_card_required", "V-07")),
    case("monthly-card-expired", F(M, garage=True, card=card(VehicleCard.MONTHLY_CARD, valid_until=NOW - DAY)), no("vehicle.card_invalid", "V-01")),
    case("exit-2h10", F(T, garage=True, out=True, card=TEMP, session=stay(130)), pay("vehicle.fee_due", "V-07", 1500)),
    case("exit-31-minutes", F(T, garage=True, out=True, card=TEMP, session=stay(31)), pay("vehicle.fee_due", "V-07", 500)),
    case("exit-30-minutes-free", F(T, garage=True, out=True, card=TEMP, session=stay(30)), ok("vehicle.fee_free", "V-07")),
    case("exit-paid", F(T, garage=True, out=True, card=TEMP, session=stay(130), paid_fen=1500), ok("vehicle.fee_paid", "V-07")),
    case("exit-overpaid", F(T, garage=True, out=True, card=TEMP, session=stay(130), paid_fen=2000), ok("vehicle.fee_paid", "V-07")),
    case("exit-part-paid", F(T, garage=True, out=True, card=TEMP, session=stay(130), paid_fen=1000), pay("vehicle.fee_due", "V-07", 500)),
    case("exit-no-entry", F(T, garage=True, out=True, card=TEMP), wait(Pending.VERIFY, "vehicle.exit_without_entry", "V-07", (), MON)),
    case("exit-entry-after-now", F(T, garage=True, out=True, card=TEMP, session=stay(-5)), wait(Pending.VERIFY, "vehicle.session_invalid", "V-07", (), MON)),
    case("resident-temporary-exit", F(R, garage=True, out=True, card=TEMP, session=stay(120, R)), pay("vehicle.fee_due", "V-07", 1000)),
    case("resident-monthly-exit", F(R, garage=True, out=True, card=MONTH, session=stay(600, R)), ok("vehicle.exit", "V-01")),
    case("visitor-exit-45-minutes", F(VI, out=True, session=stay(45, VI)), pay("vehicle.fee_due", "V-07", 500)),
    case("visitor-exit-paid", F(VI, out=True, session=stay(45, VI), paid_fen=500), ok("vehicle.fee_paid", "V-07", (), CLOSE)),
]
TRUCK = Observation(Body.TRUCK)
V08 = [
    case("goods-truck", F(D, errand=Errand.GOODS, observed=TRUCK), ok("vehicle.goods_delivery", "V-08", VEH, Duty.NOTIFY_DEPARTMENT, Duty.REMIND, Duty.INSPECT_ON_EXIT), INDUSTRIAL),
    case("goods-box-van", F(D, errand=Errand.GOODS, observed=Observation(Body.BOX_VAN)), ok("vehicle.goods_delivery", "V-08", VEH, Duty.NOTIFY_DEPARTMENT), INDUSTRIAL),
    case("goods-truck-leaves", F(D, errand=Errand.GOODS, observed=TRUCK, out=True, session=stay(300, D)), ok("vehicle.goods_left", "V-08", (), Duty.INSPECT_ON_EXIT, CLOSE), INDUSTRIAL),
    case("goods-truck-residential", F(D, errand=Errand.GOODS, observed=TRUCK), no("vehicle.refused_kind", "V-09", (), GUIDE)),
    case("goods-truck-hazardous", F(D, errand=Errand.GOODS, observed=Observation(Body.TRUCK, hazardous_cargo=True)), no("vehicle.hazardous", "V-09", (), GUIDE), INDUSTRIAL),
]
MOVING = {"errand": Errand.MOVING}
V09 = [
    case("hazardous", F(plate_registered=True, observed=Observation(hazardous_cargo=True)), no("vehicle.hazardous", "V-09", (), GUIDE)),
    case("tanker", F(OT, observed=Observation(Body.TANKER)), no("vehicle.tanker", "V-09", (), GUIDE)),
    case("tanker-industrial", F(D, errand=Errand.GOODS, observed=Observation(Body.TANKER)), no("vehicle.tanker", "V-09", (), GUIDE), INDUSTRIAL),
    case("unlicensed", F(VI, host_consent=True, registration=RegistrationFacts(licensed=False)), no("vehicle.unlicensed", "V-09", VEH, GUIDE, Duty.NOTIFY_MONITORING)),
    case("faulty", F(plate_registered=True, observed=Observation(faulty=True)), no("vehicle.faulty", "V-09", (), GUIDE)),
    case("leaking", F(D, **DEC, verified=True, observed=Observation(leaking=True)), no("vehicle.faulty", "V-09", (), GUIDE)),
    case("truck", F(plate_registered=True, observed=TRUCK), no("vehicle.refused_kind", "V-09", (), GUIDE)),
    case("box-van-visitor", F(VI, host_consent=True, observed=Observation(Body.BOX_VAN)), no("vehicle.refused_kind", "V-09", (), GUIDE)),
    case("medium-bus", F(OT, observed=Observation(Body.MEDIUM_BUS)), no("vehicle.refused_kind", "V-09", (), GUIDE)),
    case("truck-at-industrial-site", F(plate_registered=True, observed=TRUCK), ok("vehicle.plate", "V-01"), INDUSTRIAL),
    case("moving-await-approval", F(D, **MOVING), wait(Pending.APPROVAL, "vehicle.large_await_approval", "V-09", VEH, Duty.NOTIFY_DESK)),
    case("moving-truck-await-approval", F(D, **MOVING, observed=TRUCK, verified=True), wait(Pending.APPROVAL, "vehicle.large_await_approval", "V-09", VEH)),
    case("moving-not-approved", F(D, **MOVING, approval=False), no("vehicle.large_refused", "V-09", VEH, GUIDE)),
    case("moving-approved-then-verify", F(D, **MOVING, approval=True), wait(Pending.VERIFY, "vehicle.delivery_verify", "V-03", VEH)),
    case("moving-truck-approved", F(D, **MOVING, observed=TRUCK, approval=True, verified=True), ok("vehicle.delivery", "V-03", VEH, Duty.TIME_LIMIT)),
    case("furniture-box-van-await", F(D, errand=Errand.FURNITURE, observed=Observation(Body.BOX_VAN), verified=True), wait(Pending.APPROVAL, "vehicle.large_await_approval", "V-09", VEH)),
    case("approval-does-not-cover-hazard", F(D, **MOVING, approval=True, verified=True, observed=Observation(Body.TRUCK, hazardous_cargo=True)), no("vehicle.hazardous", "V-09", (), GUIDE)),
    case("moving-approved-industrial-needs-none", F(D, **MOVING, verified=True), ok("vehicle.delivery", "V-03", VEH), INDUSTRIAL),
    case("faulty-car-may-leave", F(out=True, observed=Observation(faulty=True, leaking=True)), ok("vehicle.exit", "V-01")),
]
V10 = [
    case("uninsured", F(plate_registered=True, registration=RegistrationFacts(insured=False)), no("vehicle.uninsured", "V-10", (), GUIDE)),
    case("no-env-label", F(plate_registered=True, registration=RegistrationFacts(environmental_label=False)), no("vehicle.no_env_label", "V-10", (), GUIDE)),
    case("papers-known-good", F(plate_registered=True, registration=RegistrationFacts(True, True, True)), ok("vehicle.plate", "V-01")),
    case("pass", F(pass_=pass_()), ok("vehicle.pass", "V-10")),
    case("pass-open-ended", F(pass_=pass_(end=None), **CHARGING), ok("vehicle.pass", "V-10")),
    case("pass-revoked", F(pass_=pass_(status=CredentialStatus.REVOKED), plate_registered=True), no("vehicle.pass_revoked", "V-10", (), GUIDE)),
    case("pass-lost", F(pass_=pass_(status=CredentialStatus.LOST)), no("vehicle.pass_lost", "V-10", (), GUIDE, MON)),
    case("pass-expired-at-end", F(pass_=pass_(end=0)), no("vehicle.pass_invalid", "V-10", (), GUIDE)),
    case("pass-not-yet", F(pass_=pass_(start=1)), no("vehicle.pass_invalid", "V-10", (), GUIDE)),
    case("visitor-revoked-temp-pass", F(VI, pass_=pass_(VehiclePassKind.TEMPORARY, CredentialStatus.REVOKED)), no("vehicle.pass_revoked", "V-10", (), GUIDE)),
    case("required-pass-shown", F(pass_=pass_()), ok("vehicle.pass", "V-10"), PASSES),
    case("required-no-pass-is-visitor", F(plate_registered=True), wait(Pending.HOST_CONSENT, "vehicle.visitor_await", "V-11", VEH, Duty.NOTIFY_DESK), PASSES),
    case("required-monthly-no-pass", F(M, card=MONTH, host_consent=True), ok("vehicle.visitor", "V-11", VEH, Duty.ISSUE_PASS), PASSES),
    case("not-required-no-pass", F(plate_registered=True), ok("vehicle.plate", "V-01")),
]
V11 = [
    case("await", F(VI), wait(Pending.HOST_CONSENT, "vehicle.visitor_await", "V-11", VEH, Duty.NOTIFY_DESK)),
    case("verified-await-host", F(VI, verified=True), wait(Pending.HOST_CONSENT, "vehicle.visitor_await", "V-11", VEH)),
    case("consented", F(VI, host_consent=True), ok("vehicle.visitor", "V-11", VEH, Duty.ISSUE_PASS, Duty.TIME_LIMIT)),
    case("refused", F(VI, host_consent=False), no("vehicle.visitor_refused", "V-11", VEH, GUIDE)),
    case("unverified", F(VI, verified=False, host_consent=True), no("vehicle.visitor_unverified", "V-11", VEH, GUIDE)),
    case("temporary-pass", F(VI, pass_=pass_(VehiclePassKind.TEMPORARY, end=1)), ok("vehicle.visitor_pass", "V-11", VEH, Duty.TIME_LIMIT)),
    case("garage", F(VI, garage=True, host_consent=True), ok("vehicle.visitor", "V-11", VEH, Duty.ISSUE_PASS)),
    case("leaves-within-free-time", F(VI, out=True, session=stay(20, VI)), ok("vehicle.visitor_left", "V-11", (), CLOSE)),
    case("taxi", F(TX), ok("vehicle.taxi", "V-11", (), Duty.DWELL_ALERT)),
    case("taxi-leaves", F(TX, out=True, session=stay(5, TX)), ok("vehicle.taxi_left", "V-11")),
]
FORM = ExitForm("DJ-2026-0001", FormStatus.ISSUED, NOW.date(), "苏E12345", "沙发1件")
SLIP = {"out": True, "large_items": True, "plate": "苏E12345", "exit_form": FORM}
NO_FORM = {"out": True, "large_items": True, "plate": "苏E12345"}
COLLECT = Duty.COLLECT_SLIP
V12 = [
    # rule V-12: no form, no large items out (T7 第五条: 请客户出示《大件物品出入单》)
    case("no-form", F(**NO_FORM), no("vehicle.goods_no_form", "V-12")),
    case("no-form-guard-says-match", F(**NO_FORM, exit_slip_ok=True), no("vehicle.goods_no_form", "V-12")),
    case("form-used", F(**(SLIP | {"exit_form": replace(FORM, status=FormStatus.USED)})), no("vehicle.goods_form_used", "V-12")),
    case("form-revoked", F(**(SLIP | {"exit_form": replace(FORM, status=FormStatus.REVOKED)})), no("vehicle.goods_form_revoked", "V-12")),
    case("form-yesterday", F(**(SLIP | {"exit_form": replace(FORM, valid_on=(NOW - DAY).date())})), no("vehicle.goods_form_wrong_day", "V-12")),
    case("form-unchecked", F(**SLIP), wait(Pending.VERIFY, "vehicle.goods_form_check", "V-12", (), Duty.INSPECT_ON_EXIT)),
    case("form-mismatch", F(**SLIP, exit_slip_ok=False), wait(Pending.APPROVAL, "vehicle.goods_await_office", "V-12", (), Duty.NOTIFY_DESK)),
    case("form-other-car", F(**(SLIP | {"plate": "苏E99999"}), exit_slip_ok=True), wait(Pending.APPROVAL, "vehicle.goods_await_office", "V-12", (), Duty.NOTIFY_DESK)),
    case("form-any-car", F(**(SLIP | {"exit_form": replace(FORM, plate=None), "plate": "苏E99999"}), exit_slip_ok=True), ok("vehicle.exit", "V-01", (), Duty.INSPECT_ON_EXIT, COLLECT)),
    case("form-ok", F(**SLIP, exit_slip_ok=True), ok("vehicle.exit", "V-01", (), Duty.INSPECT_ON_EXIT, COLLECT)),
    case("office-allows", F(**SLIP, exit_slip_ok=False, approval=True), ok("vehicle.exit", "V-01", (), Duty.INSPECT_ON_EXIT, COLLECT)),
    case("office-refuses", F(**SLIP, exit_slip_ok=False, approval=False), no("vehicle.goods_refused", "V-12")),
    case("goods-before-fee", F(T, garage=True, card=TEMP, session=stay(130), **SLIP), wait(Pending.VERIFY, "vehicle.goods_form_check", "V-12")),
    case("form-ok-then-fee", F(T, garage=True, card=TEMP, session=stay(130), **SLIP, exit_slip_ok=True), pay("vehicle.fee_due", "V-07", 1500, Duty.INSPECT_ON_EXIT)),
    case("visitor-form-ok", F(VI, session=stay(20, VI), **SLIP, exit_slip_ok=True), ok("vehicle.visitor_left", "V-11", (), Duty.INSPECT_ON_EXIT, CLOSE)),
    case("small-items-no-form", F(out=True, large_items=False), ok("vehicle.exit", "V-01")),
]


def test_v12_the_form_s_number_and_items_are_on_the_guard_s_duty() -> None:
    # rule V-12: the exit event records which form was checked against what
    decision = decide_vehicle(F(**SLIP, exit_slip_ok=True), VehiclePolicy(), NOW)
    notes = [o.note for o in decision.obligations]
    assert "核对《大件物品出入单》DJ-2026-0001：沙发1件" in notes
    assert "DJ-2026-0001" in notes  # collected for the shift's hand-in


def test_v12_the_form_s_day_is_judged_in_shanghai() -> None:
    # rule V-12: at 00:30 Shanghai (16:30 UTC the day before) yesterday's form is no longer valid
    late = datetime(2026, 11, 25, 0, 30, tzinfo=SH)
    decision = decide_vehicle(F(**SLIP, exit_slip_ok=True), VehiclePolicy(), late)
    assert decision.reason == "vehicle.goods_form_wrong_day"
    assert decision.outcome is Outcome.REFUSE


EP = {"mode": Mode.EPIDEMIC, "lane": DESIGNATED}
EPIDEMIC_PASS = pass_(VehiclePassKind.EPIDEMIC)
V13 = [
    case("visitor", F(VI, **EP, host_consent=True), no("vehicle.epidemic_outside", "V-13", (), GUIDE)),
    case("delivery", F(D, **EP, **DEC, verified=True), no("vehicle.epidemic_outside", "V-13", (), GUIDE)),
    case("taxi", F(TX, **EP), no("vehicle.epidemic_outside", "V-13", (), GUIDE)),
    case("temporary", F(T, mode=Mode.EPIDEMIC, lane=DESIGNATED_GARAGE, card=TEMP), no("vehicle.epidemic_outside", "V-13", (), GUIDE)),
    case("resident-no-pass", F(**EP, plate_registered=True), no("vehicle.epidemic_no_pass", "V-13")),
    case("resident-temporary-pass", F(**EP, pass_=pass_(VehiclePassKind.TEMPORARY)), no("vehicle.epidemic_no_pass", "V-13")),
    case("resident-epidemic-pass", F(**EP, pass_=EPIDEMIC_PASS), ok("vehicle.epidemic_pass", "V-13", OWN)),
    case("resident-vehicle-pass", F(**EP, pass_=pass_()), ok("vehicle.epidemic_pass", "V-13", OWN)),
    case("resident-expired-pass", F(**EP, pass_=pass_(VehiclePassKind.EPIDEMIC, end=0)), no("vehicle.pass_invalid", "V-10", (), GUIDE)),
    case("monthly-garage", F(M, mode=Mode.EPIDEMIC, lane=DESIGNATED_GARAGE, pass_=EPIDEMIC_PASS), ok("vehicle.epidemic_pass", "V-13", OWN)),
    case("staff-pass-ground", F(ST, **EP, pass_=EPIDEMIC_PASS), no("vehicle.staff_not_on_ground", "V-04")),
    case("staff-pass-garage", F(ST, mode=Mode.EPIDEMIC, lane=DESIGNATED_GARAGE, pass_=EPIDEMIC_PASS), ok("vehicle.staff_garage", "V-04", OWN)),
    case("resident-exit", F(mode=Mode.EPIDEMIC, out=True), ok("vehicle.exit", "V-01", OWN)),
    case("visitor-exit", F(VI, mode=Mode.EPIDEMIC, out=True, session=stay(20, VI)), ok("vehicle.visitor_left", "V-11", (), CLOSE)),
    case("not-designated", F(mode=Mode.EPIDEMIC, pass_=EPIDEMIC_PASS), no("vehicle.epidemic_entrance_closed", "M-02")),
    case("emergency", F(EM, **EP), ok("vehicle.emergency", "V-05", VEH, MON)),
]
M01 = [
    case("closed", F(mode=Mode.TIGHTENED, plate_registered=True), no("vehicle.entrance_closed", "M-01")),
    case("designated", F(mode=Mode.TIGHTENED, lane=DESIGNATED, plate_registered=True), ok("vehicle.plate", "V-01")),
    case("exit-not-blocked", F(mode=Mode.TIGHTENED, out=True), ok("vehicle.exit", "V-01")),
]
# the first check that fails supplies the reason
ORDER = [
    case("lane-before-mode", F(mode=Mode.EPIDEMIC, lane=LaneFacts(LaneKind.NON_MOTOR, Direction.IN)), no("vehicle.lane_not_for_vehicles", "P-01")),
    case("mode-before-condition", F(mode=Mode.TIGHTENED, observed=Observation(hazardous_cargo=True)), no("vehicle.entrance_closed", "M-01")),
    case("hazard-before-tanker", F(OT, observed=Observation(Body.TANKER, hazardous_cargo=True)), no("vehicle.hazardous", "V-09", (), GUIDE)),
    case("condition-before-papers", F(observed=Observation(leaking=True), registration=RegistrationFacts(insured=False)), no("vehicle.faulty", "V-09", (), GUIDE)),
    case("papers-before-pass", F(registration=RegistrationFacts(environmental_label=False), pass_=pass_(status=CredentialStatus.REVOKED)), no("vehicle.no_env_label", "V-10", (), GUIDE)),
    case("pass-before-epidemic", F(VI, **EP, pass_=pass_(status=CredentialStatus.REVOKED)), no("vehicle.pass_revoked", "V-10", (), GUIDE)),
    case("epidemic-before-size", F(OT, **EP, observed=TRUCK), no("vehicle.epidemic_outside", "V-13", (), GUIDE)),
    case("garage-before-approval", F(D, **MOVING, garage=True), no("vehicle.delivery_not_in_garage", "V-03", (), Duty.REMIND)),
    case("size-before-kind", F(ST, garage=True, observed=Observation(Body.MEDIUM_BUS)), no("vehicle.refused_kind", "V-09", (), GUIDE)),
    case("pass-before-card", F(pass_=pass_(), card=OWNER, **CHARGING), ok("vehicle.pass", "V-10")),
]
# fmt: on

TABLES = {
    "lanes": LANES, "V-01": V01, "V-02": V02, "V-03": V03, "PK-02": PK02, "V-04": V04,
    "V-05": V05, "V-06": V06, "V-07": V07, "V-08": V08, "V-09": V09, "V-10": V10, "V-11": V11,
    "V-12": V12, "V-13": V13, "M-01": M01, "order": ORDER,
}  # fmt: skip


@pytest.mark.parametrize(("facts", "policy", "exp"), LANES)
def test_lanes(facts: VehicleFacts, policy: VehiclePolicy, exp: E) -> None:
    run(facts, policy, exp)  # rule P-01, rule P-02 (motor vehicles)


@pytest.mark.parametrize(("facts", "policy", "exp"), V01)
def test_v01_owner_vehicles_cards_and_plates(
    facts: VehicleFacts, policy: VehiclePolicy, exp: E
) -> None:
    run(facts, policy, exp)  # rule V-01


@pytest.mark.parametrize(("facts", "policy", "exp"), V02)
def test_v02_forgotten_parking_card(facts: VehicleFacts, policy: VehiclePolicy, exp: E) -> None:
    run(facts, policy, exp)  # rule V-02


@pytest.mark.parametrize(("facts", "policy", "exp"), V03)
def test_v03_delivery_vehicles(facts: VehicleFacts, policy: VehiclePolicy, exp: E) -> None:
    run(facts, policy, exp)  # rule V-03


@pytest.mark.parametrize(("facts", "policy", "exp"), PK02)
def test_pk02_delivery_pays_the_excess(facts: VehicleFacts, policy: VehiclePolicy, exp: E) -> None:
    run(facts, policy, exp)  # rule PK-02


@pytest.mark.parametrize(("facts", "policy", "exp"), V04)
def test_v04_staff_vehicles(facts: VehicleFacts, policy: VehiclePolicy, exp: E) -> None:
    run(facts, policy, exp)  # rule V-04


@pytest.mark.parametrize(("facts", "policy", "exp"), V05)
def test_v05_emergency_vehicles(facts: VehicleFacts, policy: VehiclePolicy, exp: E) -> None:
    run(facts, policy, exp)  # rule V-05


@pytest.mark.parametrize(("facts", "policy", "exp"), V06)
def test_v06_other_vehicles(facts: VehicleFacts, policy: VehiclePolicy, exp: E) -> None:
    run(facts, policy, exp)  # rule V-06


@pytest.mark.parametrize(("facts", "policy", "exp"), V07)
def test_v07_garage_cards_and_fee(facts: VehicleFacts, policy: VehiclePolicy, exp: E) -> None:
    run(facts, policy, exp)  # rule V-07


@pytest.mark.parametrize(("facts", "policy", "exp"), V08)
def test_v08_goods_trucks(facts: VehicleFacts, policy: VehiclePolicy, exp: E) -> None:
    run(facts, policy, exp)  # rule V-08


@pytest.mark.parametrize(("facts", "policy", "exp"), V09)
def test_v09_refused_kinds(facts: VehicleFacts, policy: VehiclePolicy, exp: E) -> None:
    run(facts, policy, exp)  # rule V-09


@pytest.mark.parametrize(("facts", "policy", "exp"), V10)
def test_v10_passes_and_papers(facts: VehicleFacts, policy: VehiclePolicy, exp: E) -> None:
    run(facts, policy, exp)  # rule V-10


@pytest.mark.parametrize(("facts", "policy", "exp"), V11)
def test_v11_visitors_and_taxis(facts: VehicleFacts, policy: VehiclePolicy, exp: E) -> None:
    run(facts, policy, exp)  # rule V-11


@pytest.mark.parametrize(("facts", "policy", "exp"), V12)
def test_v12_large_items_leaving(facts: VehicleFacts, policy: VehiclePolicy, exp: E) -> None:
    run(facts, policy, exp)  # rule V-12


@pytest.mark.parametrize(("facts", "policy", "exp"), V13)
def test_v13_epidemic_mode(facts: VehicleFacts, policy: VehiclePolicy, exp: E) -> None:
    run(facts, policy, exp)  # rule V-13


@pytest.mark.parametrize(("facts", "policy", "exp"), M01)
def test_m01_tightened_mode(facts: VehicleFacts, policy: VehiclePolicy, exp: E) -> None:
    run(facts, policy, exp)  # rule M-01


@pytest.mark.parametrize(("facts", "policy", "exp"), ORDER)
def test_order_of_checks(facts: VehicleFacts, policy: VehiclePolicy, exp: E) -> None:
    # lane, mode, condition, papers, pass, epidemic, garage, size, then the kind's own rule
    run(facts, policy, exp)


# -- the details the tables do not show ---------------------------------------------------------


def _obligation(decision: Decision, duty: Duty) -> Any:
    [found] = [o for o in decision.obligations if o.duty is duty]
    return found


def test_v03_time_limit_is_the_policy_value() -> None:
    # rule V-03
    facts = F(D, errand=Errand.WATER, verified=True)
    assert _obligation(decide_vehicle(facts, VehiclePolicy(), NOW), Duty.TIME_LIMIT).minutes == 60
    limited = decide_vehicle(facts, VehiclePolicy(delivery_minutes=45), NOW)
    assert _obligation(limited, Duty.TIME_LIMIT).minutes == 45
    assert _obligation(limited, Duty.REMIND).note == "不得驶入小区人行道路"


def test_v05_register_note_names_the_service() -> None:
    # rule V-05
    d = decide_vehicle(F(EM, service=PublicService.CASH_VAN), VehiclePolicy(), NOW)
    assert _obligation(d, Duty.REGISTER).note == "运钞车"


def test_v07_fee_obligation_carries_the_tariff_core_charge() -> None:
    # rule V-07
    facts = F(T, garage=True, out=True, card=TEMP, session=stay(130))
    owed = fee_due(decide_vehicle(facts, VehiclePolicy(), NOW))
    assert owed is not None and owed.charge is not None
    expected = fee_for_class(
        VehiclePolicy().tariffs, VehicleClass.TEMPORARY, entered_at=NOW - 130 * MIN, left_at=NOW
    )
    assert owed.charge == expected
    assert owed.amount == expected.amount == 1500
    assert owed.note == expected.message
    assert "¥15.00" in owed.note


def test_v07_part_payment_is_in_the_note() -> None:
    # rule V-07
    facts = F(T, garage=True, out=True, card=TEMP, session=stay(130), paid_fen=1000)
    owed = fee_due(decide_vehicle(facts, VehiclePolicy(), NOW))
    assert owed is not None and owed.charge is not None
    assert (owed.amount, owed.charge.amount) == (500, 1500)
    assert owed.note.endswith("已付¥10.00，尚需¥5.00。")


def test_v07_site_tariff_is_used() -> None:
    # rule V-07: the posted tariff is configuration
    table = TariffTable(default=Tariff(price=300, period_minutes=30))
    facts = F(T, garage=True, out=True, card=TEMP, session=stay(61))
    owed = fee_due(decide_vehicle(facts, VehiclePolicy(tariffs=table), NOW))
    assert owed is not None and owed.amount == 900  # three half hours begun


@pytest.mark.parametrize(
    ("leave_by", "minutes", "note"),
    [
        (time(22, 0), 750, "不得在小区过夜，请于22:00前离开"),
        (None, 870, "不得在小区过夜，请于00:00前离开"),
        (time(9, 30), 870, "不得在小区过夜，请于00:00前离开"),  # came in at closing time
    ],
)
def test_v11_visitor_time_limit_runs_to_the_deadline(
    leave_by: time | None, minutes: int, note: str
) -> None:
    # rule V-11: no overnight stay
    d = decide_vehicle(F(VI, host_consent=True), VehiclePolicy(visitor_leave_by=leave_by), NOW)
    limit = _obligation(d, Duty.TIME_LIMIT)
    assert (limit.minutes, limit.note) == (minutes, note)
    assert _obligation(d, Duty.ISSUE_PASS).note == "换发临时车辆出入证"


def test_v11_taxi_dwell_minutes_is_the_policy_value() -> None:
    # rule V-11
    assert _obligation(decide_vehicle(F(TX), VehiclePolicy(), NOW), Duty.DWELL_ALERT).minutes == 10
    short = decide_vehicle(F(TX), VehiclePolicy(taxi_minutes=5), NOW)
    assert _obligation(short, Duty.DWELL_ALERT).minutes == 5


def test_v13_occupants_are_registered_with_a_note() -> None:
    # rule V-13
    d = decide_vehicle(F(**EP, pass_=EPIDEMIC_PASS), VehiclePolicy(), NOW)
    row = _obligation(d, Duty.REGISTER)
    assert (row.register, row.note) == (Register.OWN_VEHICLE, "登记车辆及车内人员信息")


def test_guide_outside_says_so() -> None:
    # rule V-06
    d = decide_vehicle(F(OT), VehiclePolicy(), NOW)
    assert _obligation(d, Duty.GUIDE_OUTSIDE).note == "引导车辆停在小区外"
    assert d.message == "此类车辆禁止进入，请引导其停在小区外"


def test_owner_card_after_charging_explains() -> None:
    # rule V-01
    d = decide_vehicle(F(card=OWNER, charging_started=True), VehiclePolicy(), NOW)
    assert d.message == "已开始停车收费，道闸不再接受业主卡，请刷停车卡"


# -- parking-session pairing --------------------------------------------------------------------


PAIRINGS = [
    pytest.param(Direction.IN, None, Pairing.NORMAL, "session.entry", id="entry"),
    pytest.param(Direction.OUT, stay(40), Pairing.NORMAL, "session.exit", id="exit"),
    pytest.param(
        Direction.OUT, None, Pairing.EXIT_WITHOUT_ENTRY, "session.exit_without_entry", id="orphan"
    ),
    pytest.param(
        Direction.IN, stay(40), Pairing.SECOND_ENTRY_WITHOUT_EXIT, "session.second_entry", id="2nd"
    ),
]


@pytest.mark.parametrize(("direction", "session", "pairing", "reason"), PAIRINGS)
def test_session_pairing(
    direction: Direction, session: SessionFacts | None, pairing: Pairing, reason: str
) -> None:
    # rule V-07: a fee needs an entry to start from
    result = check_pairing(direction=direction, open_session=session)
    assert (result.pairing, result.reason, result.rule) == (pairing, reason, "V-07")
    assert result.message == REASONS[reason][1]
    assert result.anomaly is (pairing is not Pairing.NORMAL)


# -- dwell alerts -------------------------------------------------------------------------------


def _at(hour: int, minute: int = 0, day: int = 24) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SH)


DWELLS = [
    pytest.param(SessionFacts(NOW - 10 * MIN, TX), VehiclePolicy(), None, id="taxi-at-limit"),
    pytest.param(SessionFacts(NOW - 11 * MIN, TX), VehiclePolicy(), Dwell.TAXI, id="taxi-late"),
    pytest.param(
        SessionFacts(NOW - 6 * MIN, TX), VehiclePolicy(taxi_minutes=5), Dwell.TAXI, id="taxi-5"
    ),
    pytest.param(SessionFacts(NOW - 60 * MIN, D), VehiclePolicy(), None, id="delivery-at-hour"),
    pytest.param(SessionFacts(NOW - 61 * MIN, D), VehiclePolicy(), Dwell.DELIVERY, id="delivery"),
    pytest.param(SessionFacts(NOW - 300 * MIN, R), VehiclePolicy(), None, id="resident"),
    pytest.param(SessionFacts(NOW - 900 * MIN, T), VehiclePolicy(), None, id="temporary"),
    pytest.param(SessionFacts(NOW - 30 * MIN, VI), VehiclePolicy(), None, id="visitor-morning"),
]


@pytest.mark.parametrize(("session", "policy", "dwell"), DWELLS)
def test_dwell_alerts(session: SessionFacts, policy: VehiclePolicy, dwell: Dwell | None) -> None:
    # rule V-11 (taxis), rule V-03 (delivery over its time)
    alerts = dwell_alerts([session], policy, NOW)
    assert [a.dwell for a in alerts] == ([] if dwell is None else [dwell])
    for alert in alerts:
        assert alert.session is session
        assert (alert.rule, alert.message) == REASONS[alert.reason]
        assert alert.due_at < NOW


@pytest.mark.parametrize(
    ("entered", "now", "leave_by", "late"),
    [
        pytest.param(_at(9), _at(21, 59), time(22, 0), False, id="before-closing"),
        pytest.param(_at(9), _at(22), time(22, 0), True, id="at-closing"),
        pytest.param(_at(22, 30), _at(23, 59), time(22, 0), False, id="came-after-closing"),
        pytest.param(_at(22, 30), _at(0, day=25), time(22, 0), True, id="after-closing-midnight"),
        pytest.param(_at(9), _at(23, 59), None, False, id="midnight-policy-evening"),
        pytest.param(_at(9), _at(0, day=25), None, True, id="midnight-policy-across"),
        pytest.param(_at(23), _at(8, day=26), time(22, 0), True, id="days-later"),
    ],
)
def test_visitor_overnight_alert(
    entered: datetime, now: datetime, leave_by: time | None, late: bool
) -> None:
    # rule V-11: visitor vehicles do not stay overnight
    policy = VehiclePolicy(visitor_leave_by=leave_by)
    session = SessionFacts(entered, VI, ref="v1", plate="苏E88888")
    alerts = dwell_alerts([session], policy, now)
    assert [(a.dwell, a.reason, a.rule) for a in alerts] == (
        [(Dwell.OVERNIGHT, "dwell.visitor_overnight", "V-11")] if late else []
    )
    if late:
        assert alerts[0].due_at == visitor_deadline(entered, policy)


def test_dwell_alerts_keep_the_order_and_the_refs() -> None:
    # rule V-11, rule V-03
    sessions = [
        SessionFacts(NOW - 20 * MIN, TX, ref="a"),
        SessionFacts(NOW - 5 * MIN, TX, ref="b"),
        SessionFacts(NOW - 90 * MIN, D, ref="c"),
    ]
    alerts = dwell_alerts(iter(sessions), VehiclePolicy(), NOW)
    assert [(a.session.ref, a.reason, a.due_at) for a in alerts] == [
        ("a", "dwell.taxi", NOW - 10 * MIN),
        ("c", "dwell.delivery", NOW - 30 * MIN),
    ]


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "code"),
    [
        pytest.param(lambda: VehiclePolicy(taxi_minutes=0), "vehicle.policy_minutes", id="taxi-0"),
        pytest.param(
            lambda: VehiclePolicy(delivery_minutes=True), "vehicle.policy_minutes", id="bool"
        ),
        pytest.param(
            lambda: VehiclePolicy(delivery_minutes=1441), "vehicle.policy_minutes", id="too-long"
        ),
        pytest.param(
            lambda: VehiclePolicy(visitor_leave_by=time(22, tzinfo=SH)),
            "vehicle.policy_leave_by",
            id="aware-time",
        ),
        pytest.param(
            lambda: VehiclePolicy(tariffs=DEFAULT_TARIFF), "vehicle.policy_tariffs", id="tariff"
        ),
        pytest.param(lambda: F(paid_fen=-1), "vehicle.paid_fen", id="negative-paid"),
        pytest.param(lambda: F(paid_fen=1.5), "vehicle.paid_fen", id="float-paid"),
        pytest.param(
            lambda: decide_vehicle(F(), VehiclePolicy(), NOW.replace(tzinfo=None)),
            "vehicle.naive_datetime",
            id="naive-now",
        ),
        pytest.param(
            lambda: dwell_alerts([], VehiclePolicy(), NOW.replace(tzinfo=None)),
            "vehicle.naive_datetime",
            id="naive-now-dwell",
        ),
    ],
)
def test_bad_input_is_refused(build: Any, code: str) -> None:
    with pytest.raises(InvalidInput) as err:
        build()
    assert err.value.code == code
    assert err.value.message


# -- the reason table ----------------------------------------------------------------------------


def test_every_reason_is_exercised() -> None:
    covered = {p.values[2].reason for table in TABLES.values() for p in table}
    covered |= {p.values[3] for p in PAIRINGS}
    covered |= {"dwell.taxi", "dwell.delivery", "dwell.visitor_overnight"}  # the dwell tests
    covered |= {"policy.invalid"}  # tests/core/test_policy.py: a policy that cannot be read
    assert covered == set(REASONS)


def test_reason_table_is_well_formed() -> None:
    rules = {f"V-{n:02d}" for n in range(1, 14)} | {"PK-02", "P-01", "P-02", "M-01", "M-02"}
    rules |= {"§12"}  # policy.invalid: a fault is reported, never guessed around
    for code, (rule, message) in REASONS.items():
        assert code.split(".")[0] in {"vehicle", "session", "dwell", "policy"}
        assert rule in rules, code
        assert message and not message.isascii(), code
    # every vehicle rule of SPEC §4 has at least one reason of its own
    assert {rule for rule, _ in REASONS.values()} == rules
