"""The plate's facts in one statement (:mod:`gatehouse.vehicles.lookups`): each part finds what
the decision needs, on SQLite and PostgreSQL, and nothing of another site, another plate or
another moment."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gatehouse.parking.models import TariffPlan, VehiclePass
from gatehouse.people.models import Credential, Enterprise, Person, Vehicle
from gatehouse.vehicles.lookups import plate_lookup
from gatehouse.vehicles.models import ParkingSession, VehicleSettings, VehicleVisit
from tests.conftest import NOW

pytestmark = pytest.mark.django_db
PLATE = "京A12345"


def _look(site, plate=PLATE, at=NOW, garage=None):
    return plate_lookup(
        site_id=site.pk, plate=plate, at=at, garage_id=garage.pk if garage else None
    )


def _person(site, name: str, *, active: bool = True) -> Person:
    return Person.objects.create(site=site, name=name, kind="owner", is_active=active)


def test_nothing_known_finds_nothing(site_a):
    found = _look(site_a)
    assert found.settings is None and found.tariff is None
    assert (found.holder, found.vehicle, found.vpass, found.session, found.inside) == (None,) * 5
    assert found.registered() == (False, None)


def test_the_settings_and_the_plate_credentials_holder(site_a, site_b):
    conf = VehicleSettings.objects.create(site=site_a, charging_started=True)
    holder = _person(site_a, "李四")
    revoked = _person(site_a, "王五")
    Credential.objects.create(
        site=site_a, person=revoked, kind="plate", number=PLATE, status="revoked", valid_from=NOW
    )
    Credential.objects.create(
        site=site_a, person=holder, kind="plate", number=PLATE, valid_from=NOW
    )
    Credential.objects.create(
        site=site_a, person=revoked, kind="plate", number="京A99999", valid_from=NOW
    )
    found = _look(site_a)
    assert found.settings == conf and found.settings.charging_started is True
    assert found.holder == holder  # the active credential's holder, not the revoked one's
    assert _look(site_b).holder is None and _look(site_b).settings is None
    assert _look(site_a, plate="京B12345").holder is None


def test_a_registered_car_is_its_owners_and_a_fleet_car_its_enterprises(site_a):
    owner = _person(site_a, "李四")
    Vehicle.objects.create(site=site_a, plate=PLATE, plate_kind="small", owner=owner)
    found = _look(site_a)
    assert found.registered() == (True, owner) and found.vehicle.owner == owner
    Person.objects.filter(pk=owner.pk).update(is_active=False)  # moved out
    assert _look(site_a).registered() == (False, None)
    firm = Enterprise.objects.create(site=site_a, name="华辰精密")
    Vehicle.objects.create(site=site_a, plate="京A00001", plate_kind="small", enterprise=firm)
    assert _look(site_a, plate="京A00001").registered() == (True, None)  # V-04: a staff car
    Enterprise.objects.filter(pk=firm.pk).update(is_active=False)  # the enterprise left
    assert _look(site_a, plate="京A00001").registered() == (False, None)


def test_the_pass_in_force_at_the_moment(site_a):
    holder = _person(site_a, "李四")
    vpass = VehiclePass.objects.create(
        site=site_a,
        number="CL-2026-0001",
        token="t-1",
        plate=PLATE,
        holder=holder,
        kind="owner",
        valid_from=NOW,
        valid_until=NOW + timedelta(days=30),
        issued_at=NOW,
    )
    assert _look(site_a).vpass == vpass
    assert _look(site_a, at=NOW - timedelta(seconds=1)).vpass is None  # not yet
    assert _look(site_a, at=NOW + timedelta(days=30)).vpass is None  # ended
    VehiclePass.objects.filter(pk=vpass.pk).update(status="revoked")
    assert _look(site_a).vpass is None


def test_the_open_session_and_the_newest_register_row_inside(site_a):
    for status in ("closed", "open", "closed"):  # (one open stay a plate: a constraint)
        ParkingSession.objects.create(site=site_a, plate=PLATE, kind="temporary", status=status)
    newest = ParkingSession.objects.filter(status="open").order_by("-pk").first()
    VehicleVisit.objects.create(
        site=site_a,
        register="vehicle",
        plate=PLATE,
        kind="visitor",
        status="inside",
        registered_at=NOW,
    )
    inside = VehicleVisit.objects.create(
        site=site_a,
        register="vehicle",
        plate=PLATE,
        kind="visitor",
        status="inside",
        registered_at=NOW,
    )
    VehicleVisit.objects.create(
        site=site_a,
        register="vehicle",
        plate=PLATE,
        kind="visitor",
        status="left",
        registered_at=NOW,
    )
    found = _look(site_a)
    assert found.session == newest and found.session.status == "open"
    assert found.inside == inside
    # A vehicle without a plate looks up only the settings and the tariff.
    assert (_look(site_a, plate="").session, _look(site_a, plate="").inside) == (None, None)


def test_the_garages_own_tariff_before_the_site_wide_one_in_force_at_the_moment(site_a, vlanes):
    garage = vlanes["garage/in"].garage
    site_wide = {"default": {"price": 500}}
    own = {"default": {"price": 800}}
    later = {"default": {"price": 900}}
    TariffPlan.objects.create(site=site_a, table=site_wide, effective_from=NOW, created_at=NOW)
    import json

    assert json.loads(_look(site_a, garage=garage).tariff) == site_wide
    TariffPlan.objects.create(
        site=site_a, garage=garage, table=own, effective_from=NOW, created_at=NOW
    )
    TariffPlan.objects.create(
        site=site_a,
        garage=garage,
        table=later,
        effective_from=NOW + timedelta(days=1),
        created_at=NOW,
    )
    assert json.loads(_look(site_a, garage=garage).tariff) == own
    assert json.loads(_look(site_a, garage=garage, at=NOW + timedelta(days=2)).tariff) == later
    assert json.loads(_look(site_a).tariff) == site_wide  # on the ground
    assert _look(site_a, at=NOW - timedelta(seconds=1)).tariff is None  # nothing yet


def test_a_stay_written_and_closed_by_the_prebuilt_statements_reads_back_as_written(site_a, vlanes):
    from gatehouse.gate import rows

    garage = vlanes["garage/in"].garage
    stay = rows.insert(
        ParkingSession(
            site=site_a, garage_id=garage.pk, plate=PLATE, kind="temporary", entered_at=NOW
        )
    )
    assert stay.pk is not None and not stay._state.adding
    stored = ParkingSession.objects.get(pk=stay.pk)
    assert (stored.plate, stored.garage, stored.entered_at, stored.status) == (
        PLATE,
        garage,
        NOW,
        "open",
    )
    assert _look(site_a).session == stored
    stay.status, stay.exited_at, stay.fee_fen = "closed", NOW + timedelta(hours=2), 1000
    rows.update(stay, ["status", "exited_at", "fee_fen"])
    stored.refresh_from_db()
    assert (stored.status, stored.exited_at, stored.fee_fen) == (
        "closed",
        NOW + timedelta(hours=2),
        1000,
    )
    assert _look(site_a).session is None
