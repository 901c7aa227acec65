"""Hypothesis properties of gatehouse.core.vehicle.decide_vehicle over arbitrary facts.

The facts strategy draws from every enum and every optional sub-fact, but leans towards a motor or
garage lane in the matching direction and a vehicle in good order, so that the later checks, the
kinds' own rules and the fee at the exit are reached often, not only the first refusals.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from gatehouse.core.access import (
    CredentialStatus,
    Direction,
    Duty,
    LaneFacts,
    LaneKind,
    Mode,
    Outcome,
    Register,
)
from gatehouse.core.tariff import (
    Tariff,
    TariffTable,
    VehicleClass,
    delivery_tariff,
    fee_for_class,
)
from gatehouse.core.vehicle import (
    LARGE_BODIES,
    REASONS,
    Body,
    CardFacts,
    Errand,
    Observation,
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
    charged_class,
    decide_vehicle,
    fee_due,
)

SH = ZoneInfo("Asia/Shanghai")
moments = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(SH)
)
opt_bool = st.none() | st.booleans()
stays = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3))

cards = st.builds(
    CardFacts,
    kind=st.sampled_from(VehicleCard),
    status=st.just(CredentialStatus.ACTIVE) | st.sampled_from(CredentialStatus),
    valid_from=st.none() | moments,
    valid_until=st.none() | moments,
)
passes = st.builds(
    VehiclePassFacts,
    kind=st.sampled_from(VehiclePassKind),
    status=st.just(CredentialStatus.ACTIVE) | st.sampled_from(CredentialStatus),
    # mostly valid for any ``now`` drawn from ``moments``
    valid_from=st.just(datetime(2023, 1, 1, tzinfo=SH)) | moments,
    valid_until=st.none() | st.just(datetime(2030, 1, 1, tzinfo=SH)) | moments,
)
registrations = st.just(RegistrationFacts()) | st.builds(
    RegistrationFacts, licensed=opt_bool, insured=opt_bool, environmental_label=opt_bool
)
good_order = Observation(Body.CAR)
observations = st.just(good_order) | st.builds(
    Observation,
    body=st.sampled_from(Body),
    hazardous_cargo=st.booleans(),
    faulty=st.booleans(),
    leaking=st.booleans(),
)
tariffs = st.builds(
    Tariff,
    price=st.integers(0, 2000),
    period_minutes=st.sampled_from([15, 30, 60]),
    free_minutes=st.integers(0, 90),
    cap=st.none() | st.integers(1, 10000),
)
tables = st.just(VehiclePolicy().tariffs) | st.builds(
    lambda base, staff, delivery: TariffTable(
        default=base,
        classes=(
            (VehicleClass.DELIVERY, delivery_tariff(delivery)),
            (VehicleClass.STAFF, staff),
        ),
    ),
    tariffs,
    tariffs,
    tariffs,
)
policies = st.builds(
    VehiclePolicy,
    site=st.sampled_from(SiteKind),
    passes_required=st.booleans(),
    tariffs=tables,
    delivery_minutes=st.integers(1, 240),
    taxi_minutes=st.integers(1, 60),
    visitor_leave_by=st.none() | st.builds(time, st.integers(0, 23), st.sampled_from([0, 30])),
)


@st.composite
def facts_(draw: st.DrawFn, now: datetime) -> VehicleFacts:
    lane = LaneFacts(
        kind=draw(st.sampled_from([LaneKind.MOTOR, LaneKind.GARAGE]) | st.sampled_from(LaneKind)),
        direction=draw(st.sampled_from(Direction)),
        open_when_tightened=draw(st.booleans()),
    )
    kind = draw(st.sampled_from(VehicleKind))
    session = draw(
        st.none()
        | st.builds(
            SessionFacts,
            entered_at=st.builds(lambda d: now - d, stays),
            kind=st.just(kind) | st.sampled_from(VehicleKind),
        )
    )
    return VehicleFacts(
        lane=lane,
        direction=draw(st.just(lane.direction) | st.sampled_from(Direction)),
        kind=kind,
        mode=draw(st.just(Mode.NORMAL) | st.sampled_from(Mode)),
        charging_started=draw(st.booleans()),
        plate=draw(st.none() | st.just("苏E12345")),
        plate_registered=draw(st.booleans()),
        card=draw(st.none() | cards),
        card_forgotten=draw(st.booleans()),
        pass_=draw(st.none() | passes),
        registration=draw(registrations),
        observed=draw(observations),
        errand=draw(st.none() | st.sampled_from(Errand)),
        service=draw(st.none() | st.sampled_from(PublicService)),
        verified=draw(opt_bool),
        host_consent=draw(opt_bool),
        approval=draw(opt_bool),
        session=session,
        paid_fen=draw(st.just(0) | st.integers(0, 5000)),
        large_items=draw(st.booleans()),
        exit_slip_ok=draw(opt_bool),
    )


@st.composite
def cases(draw: st.DrawFn) -> tuple[VehicleFacts, VehiclePolicy, datetime]:
    now = draw(moments)
    return draw(facts_(now)), draw(policies), now


@settings(max_examples=400)
@given(case=cases())
def test_decision_is_well_formed(case: tuple[VehicleFacts, VehiclePolicy, datetime]) -> None:
    facts, policy, now = case
    d = decide_vehicle(facts, policy, now)
    assert (d.rule, d.message) == REASONS[d.reason]
    # a refused or pending decision always says why; a pending one says what it waits for
    if d.outcome is not Outcome.ALLOW:
        assert d.reason and d.message and d.rule
    assert (d.pending is not None) == (d.outcome is Outcome.PENDING)
    # a fee is only ever owed by a pending decision, and it is positive
    owed = fee_due(d)
    if owed is not None:
        assert d.outcome is Outcome.PENDING and owed.amount > 0
    assert decide_vehicle(facts, policy, now) == d


@settings(max_examples=400)
@given(case=cases())
def test_emergency_vehicles_are_never_held(
    case: tuple[VehicleFacts, VehiclePolicy, datetime],
) -> None:
    # rule V-05: any lane kind, any direction, any mode, any condition, any pass
    facts, policy, now = case
    d = decide_vehicle(replace(facts, kind=VehicleKind.EMERGENCY), policy, now)
    assert d.outcome is Outcome.ALLOW
    assert d.reason == "vehicle.emergency"
    assert d.has(Duty.NOTIFY_MONITORING)
    if facts.direction is Direction.IN:
        assert d.registers() == (Register.VEHICLE,)
    else:
        assert d.has(Duty.CLOSE_REGISTER)


_DEFECTS = [
    {"observed": Observation(hazardous_cargo=True)},
    {"observed": Observation(Body.TANKER)},
    {"observed": Observation(faulty=True)},
    {"observed": Observation(leaking=True)},
    {"registration": RegistrationFacts(licensed=False)},
    {"registration": RegistrationFacts(insured=False)},
    {"registration": RegistrationFacts(environmental_label=False)},
]


@settings(max_examples=400)
@given(
    case=cases(),
    defect=st.sampled_from(_DEFECTS),
    kind=st.sampled_from([k for k in VehicleKind if k is not VehicleKind.EMERGENCY]),
)
def test_refused_kinds_are_never_let_in(
    case: tuple[VehicleFacts, VehiclePolicy, datetime], defect: dict[str, object], kind: VehicleKind
) -> None:
    # rule V-09, rule V-10: whatever else is in order (consent, approval, cards, passes)
    facts, policy, now = case
    facts = replace(
        facts,
        kind=kind,
        direction=Direction.IN,
        lane=replace(facts.lane, direction=Direction.IN),
        host_consent=True,
        verified=True,
        approval=True,
        plate_registered=True,
        **defect,  # type: ignore[arg-type]
    )
    assert not decide_vehicle(facts, policy, now).allowed


@settings(max_examples=400)
@given(
    case=cases(),
    body=st.sampled_from(sorted(LARGE_BODIES)),
    kind=st.sampled_from([k for k in VehicleKind if k is not VehicleKind.EMERGENCY]),
)
def test_large_vehicles_enter_a_residential_site_only_as_approved_deliveries(
    case: tuple[VehicleFacts, VehiclePolicy, datetime], body: Body, kind: VehicleKind
) -> None:
    # rule V-09: trucks, box vans, medium and larger buses; moving or large deliveries approved
    facts, policy, now = case
    facts = replace(
        facts,
        kind=kind,
        direction=Direction.IN,
        lane=replace(facts.lane, direction=Direction.IN),
        observed=Observation(body),
    )
    d = decide_vehicle(facts, replace(policy, site=SiteKind.RESIDENTIAL), now)
    if d.allowed:
        assert facts.kind is VehicleKind.DELIVERY and facts.approval is True


@settings(max_examples=400)
@given(case=cases(), kind=st.sampled_from(VehicleKind))
def test_after_charging_an_owner_card_never_opens_the_barrier(
    case: tuple[VehicleFacts, VehiclePolicy, datetime], kind: VehicleKind
) -> None:
    # rule V-01
    facts, policy, now = case
    owner_card = CardFacts(VehicleCard.OWNER_CARD)
    facts = replace(facts, kind=kind, charging_started=True, card=owner_card)
    d = decide_vehicle(facts, policy, now)
    assert d.reason != "vehicle.owner_card"
    # an own vehicle coming in with nothing but the owner card stays out
    only_the_card = replace(
        facts,
        kind=VehicleKind.RESIDENT,
        direction=Direction.IN,
        lane=LaneFacts(LaneKind.MOTOR, Direction.IN),
        mode=Mode.NORMAL,
        plate_registered=False,
        card_forgotten=False,
        pass_=None,
    )
    no_passes = replace(policy, passes_required=False)
    assert not decide_vehicle(only_the_card, no_passes, now).allowed


@settings(max_examples=400)
@given(case=cases(), lane=st.sampled_from([LaneKind.MOTOR, LaneKind.GARAGE]))
def test_fee_on_the_obligation_is_the_tariff_core_fee(
    case: tuple[VehicleFacts, VehiclePolicy, datetime], lane: LaneKind
) -> None:
    # rule V-07, rule PK-02: the amount due is the tariff core's fee less what was paid
    facts, policy, now = case
    facts = replace(
        facts, direction=Direction.OUT, lane=LaneFacts(lane, Direction.OUT), large_items=False
    )
    d = decide_vehicle(facts, policy, now)
    owed = fee_due(d)
    vehicle_class = charged_class(facts)  # None for emergency vehicles, taxis, goods trucks …
    if vehicle_class is None or facts.session is None:
        assert owed is None
        return
    charge = fee_for_class(
        policy.tariffs, vehicle_class, entered_at=facts.session.entered_at, left_at=now
    )
    if charge.amount > facts.paid_fen:
        assert owed is not None
        assert owed.charge == charge
        assert owed.amount == charge.amount - facts.paid_fen
        if facts.paid_fen == 0:
            assert owed.amount == charge.amount
    else:
        assert owed is None
        assert d.allowed


@given(entered=moments, stay=stays, later=stays, paid=st.integers(0, 1000))
def test_leaving_later_never_owes_less(
    entered: datetime, stay: timedelta, later: timedelta, paid: int
) -> None:
    # rule V-07: the same stay, left later, never owes less at the barrier
    def due(now: datetime) -> int:
        facts = VehicleFacts(
            lane=LaneFacts(LaneKind.GARAGE, Direction.OUT),
            direction=Direction.OUT,
            kind=VehicleKind.TEMPORARY,
            card=CardFacts(VehicleCard.TEMPORARY_CARD),
            session=SessionFacts(entered, VehicleKind.TEMPORARY),
            paid_fen=paid,
        )
        owed = fee_due(decide_vehicle(facts, VehiclePolicy(), now))
        return 0 if owed is None else owed.amount

    assert due(entered + stay) <= due(entered + stay + later)
