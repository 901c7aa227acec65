"""The vehicle gate's one path: decide, record the event, pair the stay, write the register row,
take the fee at the exit (SPEC §4, §5)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gatehouse.access.models import AccessEvent, Notice
from gatehouse.core.errors import DomainError
from gatehouse.core.vehicle import Errand, PublicService, VehicleKind
from gatehouse.parking.models import LedgerEntry, LedgerTransaction
from gatehouse.vehicles import services
from gatehouse.vehicles.models import (
    ParkingSession,
    SessionAnomaly,
    VehicleSettings,
    VehicleVisit,
)
from tests.conftest import NOW

PLATE = "京A12345"


def decide(lane, *, at=NOW, guard=None, **kw):
    return services.vehicle_decide(services.VehicleInput(lane=lane, **kw), now=at, guard=guard)


def test_temporary_car_pays_at_the_garage_exit_then_leaves(vlanes, guard_a):
    # rule V-07 / PK-01: an unknown car takes the garage as a temporary car, pays at the exit
    entry = decide(vlanes["garage/in"], plate="京a·12345")
    assert (entry.decision.outcome.value, entry.decision.reason) == (
        "allow",
        "vehicle.temporary_card",
    )
    session = ParkingSession.objects.get()
    assert (session.plate, session.kind, session.entered_at, session.status) == (
        PLATE,
        "temporary",
        NOW,
        "open",
    )
    assert session.garage.code == "b1" and session.entry_event == entry.event
    assert entry.event.plate == PLATE and entry.event.vehicle_kind == "temporary"

    leave_at = NOW + timedelta(hours=3, minutes=10)
    exit_ = decide(vlanes["garage/out"], plate=PLATE, at=leave_at)
    assert exit_.decision.outcome.value == "pending"
    assert (exit_.decision.reason, exit_.decision.rule, exit_.decision.pending.value) == (
        "vehicle.fee_due",
        "V-07",
        "payment",
    )
    assert exit_.fee.amount == 2000  # default tariff: ¥5 an hour begun, 4 hours begun
    assert exit_.event.obligations[0] == {
        "duty": "pay_at_exit",
        "note": exit_.fee.note,
        "amount_fen": 2000,
    }
    session.refresh_from_db()
    assert session.status == "open"  # the barrier stays down: the stay is not over

    paid = services.session_pay(
        session=session, lane=vlanes["garage/out"], method="qr", guard=guard_a, now=leave_at
    )
    assert paid == 2000
    txn = LedgerTransaction.objects.get()
    assert txn.ref == f"parking_session:{session.pk}"
    entries = {(e.account, e.side): e.amount_fen for e in LedgerEntry.objects.all()}
    assert entries[("qr", "debit")] == 2000 and entries[("income:parking", "credit")] == 2000

    out = decide(vlanes["garage/out"], plate=PLATE, at=leave_at + timedelta(minutes=1))
    assert (out.decision.outcome.value, out.decision.reason) == ("allow", "vehicle.fee_paid")
    session.refresh_from_db()
    assert (session.status, session.exited_at, session.paid_fen, session.fee_fen) == (
        "closed",
        leave_at + timedelta(minutes=1),
        2000,
        2000,
    )
    assert AccessEvent.objects.filter(plate=PLATE).count() == 3


def test_paying_twice_is_refused_and_nothing_is_posted(vlanes, guard_a):
    # rule PK-07: the fee is taken once; a second payment finds nothing due
    decide(vlanes["garage/in"], plate=PLATE)
    session = ParkingSession.objects.get()
    later = NOW + timedelta(hours=1)
    services.session_pay(
        session=session, lane=vlanes["garage/out"], method="cash", guard=guard_a, now=later
    )
    with pytest.raises(DomainError) as err:
        services.session_pay(
            session=session, lane=vlanes["garage/out"], method="cash", guard=guard_a, now=later
        )
    assert err.value.code == "session.nothing_due"
    with pytest.raises(DomainError) as err:
        services.session_pay(
            session=session, lane=vlanes["garage/out"], method="bitcoin", guard=guard_a, now=later
        )
    assert err.value.code == "payment.method"
    assert LedgerTransaction.objects.count() == 1


def test_a_short_stay_inside_the_free_minutes_leaves_free(vlanes):
    # rule PK-01: left within the free minutes
    decide(vlanes["garage/in"], plate=PLATE)
    out = decide(vlanes["garage/out"], plate=PLATE, at=NOW + timedelta(minutes=25))
    assert (out.decision.outcome.value, out.decision.reason) == ("allow", "vehicle.fee_free")
    assert out.fee is None
    assert ParkingSession.objects.get().status == "closed"


def test_delivery_van_is_registered_limited_and_patrol_told(vlanes, guard_a):
    # rule V-03: verified delivery on the ground: the register row, the hour, the patrol
    result = decide(
        vlanes["north/in"],
        plate="沪B6789D",
        kind=VehicleKind.DELIVERY,
        errand=Errand.DECORATION,
        verified=True,
        guard=guard_a,
        register={"driver": "王师傅", "destination": "3-2-1201", "purpose": "送装修材料"},
    )
    assert (result.decision.outcome.value, result.decision.reason, result.decision.rule) == (
        "allow",
        "vehicle.delivery",
        "V-03",
    )
    visit = VehicleVisit.objects.get()
    assert (visit.plate, visit.kind, visit.errand, visit.status, visit.register) == (
        "沪B6789D",
        "delivery",
        "decoration",
        "inside",
        "vehicle",
    )
    assert visit.time_in == NOW and visit.time_limit_at == NOW + timedelta(minutes=60)
    assert visit.registered_by == guard_a and visit.destination == "3-2-1201"
    assert Notice.objects.filter(audience="patrol", kind="vehicle.delivery").count() == 1

    out = decide(vlanes["north/out"], plate="沪B6789D", at=NOW + timedelta(minutes=75))
    # rule PK-02: the quarter hour over the free hour costs a period
    assert (out.decision.reason, out.fee.amount) == ("vehicle.delivery_fee_due", 500)


def test_delivery_refused_at_the_garage(vlanes):
    # rule V-03: not into the underground garage
    result = decide(
        vlanes["garage/in"],
        plate="沪B6789D",
        kind=VehicleKind.DELIVERY,
        errand=Errand.MOVING,
        verified=True,
        approval=True,
    )
    assert (result.decision.outcome.value, result.decision.reason) == (
        "refuse",
        "vehicle.delivery_not_in_garage",
    )
    assert not ParkingSession.objects.exists()
    assert AccessEvent.objects.get().outcome == "refuse"


def test_fire_engine_is_never_held_and_always_registered(vlanes, site_a):
    # rule V-05: even in the epidemic mode
    site_a.mode = "epidemic"
    site_a.save(update_fields=["mode"])
    result = decide(
        vlanes["north/in"], plate="京A00119", kind=VehicleKind.EMERGENCY, service=PublicService.FIRE
    )
    assert (result.decision.outcome.value, result.decision.reason, result.decision.rule) == (
        "allow",
        "vehicle.emergency",
        "V-05",
    )
    visit = VehicleVisit.objects.get()
    assert (visit.kind, visit.service, visit.status) == ("emergency", "fire", "inside")
    assert Notice.objects.filter(audience="monitoring", kind="vehicle.emergency").exists()


def test_unknown_car_on_the_ground_is_guided_outside(vlanes):
    # rule V-06
    result = decide(vlanes["north/in"], plate=PLATE)
    assert (result.decision.outcome.value, result.decision.reason) == (
        "refuse",
        "vehicle.not_allowed",
    )
    assert [o["duty"] for o in result.event.obligations] == ["guide_outside"]
    assert not ParkingSession.objects.exists() and not VehicleVisit.objects.exists()


def test_owner_card_stops_opening_the_barrier_once_charging_starts(
    vlanes, site_a, resident_a, manager_a
):
    # rule V-01
    from gatehouse.people import services as people

    people.credential_issue(
        site=site_a,
        person=resident_a,
        kind="owner_card",
        number="0A1B2C3D",
        actor=manager_a,
        valid_from=NOW - timedelta(days=1),
        now=NOW,
    )
    before = decide(vlanes["north/in"], plate=PLATE, card_number="0A1B2C3D")
    assert (before.decision.outcome.value, before.decision.reason) == (
        "allow",
        "vehicle.owner_card",
    )
    VehicleSettings.objects.create(site=site_a, charging_started=True)
    after = decide(
        vlanes["north/in"], plate="京A54321", card_number="0A1B2C3D", at=NOW + timedelta(minutes=1)
    )
    assert (after.decision.outcome.value, after.decision.reason) == (
        "refuse",
        "vehicle.owner_card_after_charging",
    )
    assert after.event.credential_masked == "****2C3D"


def test_second_entry_without_exit_closes_the_first_as_an_anomaly(vlanes):
    # rule V-07: the pairing anomaly is recorded and the monitoring centre told
    decide(vlanes["garage/in"], plate=PLATE)
    decide(vlanes["garage/in"], plate=PLATE, at=NOW + timedelta(hours=1))
    first, second = ParkingSession.objects.order_by("pk")
    assert (first.status, first.anomaly) == ("closed", SessionAnomaly.SECOND_ENTRY)
    assert (second.status, second.entered_at) == ("open", NOW + timedelta(hours=1))
    assert Notice.objects.filter(kind="session.second_entry").count() == 1


def test_exit_without_entry_is_pending_and_recorded_when_let_out(vlanes, guard_a):
    # rule V-07: no entry record: the guard checks by hand
    result = decide(vlanes["garage/out"], plate=PLATE)
    assert (result.decision.outcome.value, result.decision.reason) == (
        "pending",
        "vehicle.exit_without_entry",
    )
    assert not ParkingSession.objects.exists()


def test_malformed_plate_is_422_and_writes_nothing(vlanes):
    with pytest.raises(DomainError) as err:
        decide(vlanes["garage/in"], plate="ABC")
    assert err.value.code.startswith("plate.")
    with pytest.raises(DomainError) as err:
        decide(vlanes["garage/in"])
    assert err.value.code == "vehicle.unidentified"
    assert not AccessEvent.objects.exists()


def test_dwell_scan_raises_each_alert_once(vlanes):
    # rule V-11: a taxi not gone after its minutes
    decide(vlanes["north/in"], plate="京B12345", kind=VehicleKind.TAXI)
    assert ParkingSession.objects.get().kind == "taxi"
    assert (
        services.dwell_scan(site=vlanes["north/in"].gate.site, now=NOW + timedelta(minutes=5)) == []
    )
    raised = services.dwell_scan(site=vlanes["north/in"].gate.site, now=NOW + timedelta(minutes=11))
    assert [n.kind for n in raised] == ["dwell.taxi"]
    assert (
        services.dwell_scan(site=vlanes["north/in"].gate.site, now=NOW + timedelta(minutes=30))
        == []
    )


def test_occupancy_counts_open_stays_per_garage(vlanes, site_a):
    decide(vlanes["garage/in"], plate=PLATE)
    decide(vlanes["garage/in"], plate="京A54321")
    decide(vlanes["garage/out"], plate="京A54321", at=NOW + timedelta(minutes=5))
    counts = {
        (row["garage"].code if row["garage"] else None): row["inside"]
        for row in services.occupancy(site_a)
    }
    assert counts == {"b1": 1, None: 0}


@pytest.mark.parametrize(
    ("minutes_after", "outcome", "reason", "due"),
    [
        (10, "allow", "vehicle.fee_paid", None),
        (15, "allow", "vehicle.fee_paid", None),
        (20, "pending", "vehicle.fee_due", 500),
    ],
)
def test_after_paying_the_car_has_the_grace_to_leave(
    vlanes, guard_a, minutes_after, outcome, reason, due
):
    # rule V-07: paid at the booth, the exit camera reads it a little later
    decide(vlanes["garage/in"], plate=PLATE)
    paid_at = NOW + timedelta(hours=2)
    services.session_pay(
        session=ParkingSession.objects.get(),
        lane=vlanes["garage/out"],
        method="cash",
        guard=guard_a,
        now=paid_at,
    )
    out = decide(vlanes["garage/out"], plate=PLATE, at=paid_at + timedelta(minutes=minutes_after))
    assert (out.decision.outcome.value, out.decision.reason) == (outcome, reason)
    assert (out.fee.amount if out.fee else None) == due
