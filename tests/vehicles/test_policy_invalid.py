"""The vehicle gate with a corrupt policy (issue 12 §2): the vehicle device API, the plate camera
and the vehicle booth answer 200 ``refuse`` / ``policy.invalid``, keep the barrier down, write the
event and raise a monitoring notice. The rows are corrupted as in
:mod:`tests.access.test_policy_invalid` (raw SQL past the CHECK constraints)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gatehouse.access.models import Notice
from gatehouse.core.access import POLICY_INVALID_MESSAGE
from gatehouse.devices.models import Device
from gatehouse.devices.services import device_issue_key
from gatehouse.parking.models import TariffPlan
from gatehouse.sites.models import Lane, Site
from gatehouse.vehicles.models import ParkingSession, VehicleSettings, VehicleVisit
from tests.access.test_policy_invalid import SQLITE, _assert_denied_and_told, corrupt
from tests.api.conftest import ApiClient, FastPathClient
from tests.conftest import NOW
from tests.vehicles.test_api import _shown

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
HX = {"HTTP_HX_REQUEST": "true"}
PLATE = "京A12345"


# -- vehicles: the device API, the booth and the plate camera ------------------------------------


@pytest.fixture
def vconf(site_a):
    return VehicleSettings.objects.create(site=site_a)


def _vehicle_cases(site: Site, lane: Lane, conf: VehicleSettings) -> dict[str, tuple]:
    cases = {
        "mode": (Site, site.pk, "mode", "closed", "site.mode='closed'"),
        "site-kind": (Site, site.pk, "kind", "", "site.kind=''"),
        "lane-kind": (Lane, lane.pk, "kind", "", "lane.kind=''"),
        "taxi-minutes": (VehicleSettings, conf.pk, "taxi_minutes", 0, "taxi_minutes=0"),
        "delivery-minutes": (
            VehicleSettings,
            conf.pk,
            "delivery_minutes",
            0,
            "delivery_minutes=0",
        ),
    }
    if SQLITE:
        cases["grace"] = (
            VehicleSettings,
            conf.pk,
            "exit_grace_minutes",
            "soon",
            "exit_grace_minutes='soon'",
        )
    return cases


VCASES = ["mode", "site-kind", "lane-kind", "taxi-minutes", "delivery-minutes"]


def _corrupt_vehicle(site, lane, conf, case) -> str:
    model, pk, column, value, problem = _vehicle_cases(site, lane, conf)[case]
    corrupt(model, pk, column, value)
    return problem


def _camera(site, manager, lane) -> str:
    device = Device.objects.create(
        site=site, lane=lane, name="车库入口相机", kind="plate_camera", vendor="vzenith"
    )
    return device_issue_key(device=device, actor=manager, now=NOW)


@pytest.mark.parametrize("case", VCASES)
def test_the_vehicle_api_refuses_and_alarms(case, site_a, manager_a, vlanes, vconf):
    lane = vlanes["garage/in"]
    problem = _corrupt_vehicle(site_a, lane, vconf, case)
    device = Device.objects.create(site=site_a, name="车库读卡器", kind="plate_camera")
    key = device_issue_key(device=device, actor=manager_a, now=NOW)
    client = ApiClient(FastPathClient(), headers={"X-Device-Key": key})
    response = client.post(
        "/vehicle/decisions", {"lane": "garage/in", "plate": PLATE, "nonce": "v-1"}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["outcome"], body["reason"], body["message"]) == (
        "refuse",
        "policy.invalid",
        POLICY_INVALID_MESSAGE,
    )
    assert body["plate"] == PLATE and body["fee"] is None
    _assert_denied_and_told([problem], plate=PLATE)
    assert not ParkingSession.objects.exists()  # nobody was let in


def test_a_corrupt_posted_tariff_refuses_at_the_barrier(site_a, manager_a, vlanes, vconf):
    plan = TariffPlan.objects.create(
        site=site_a, table={"default": {"price": 500}}, effective_from=NOW, created_at=NOW
    )
    TariffPlan.objects.filter(pk=plan.pk).update(table={"default": {"price": "lots"}})
    key = _camera(site_a, manager_a, vlanes["garage/in"])
    body = _push(key, PLATE)
    reply = body["Response_AlarmInfoPlate"]
    assert reply["info"] == "no" and POLICY_INVALID_MESSAGE in _shown(reply)
    _assert_denied_and_told(["tariff_plan.table: tariff.price"], plate=PLATE)


def _push(key: str, plate: str, plate_id: int = 1187) -> dict:
    body = {
        "AlarmInfoPlate": {
            "serialno": "e2ab41d6-8c9f4a01",
            "result": {
                "PlateResult": {
                    "license": plate,
                    "plateid": plate_id,
                    "confidence": 96,
                    "isoffline": 0,
                    "timeStamp": {"Timeval": {"sec": int(NOW.timestamp()), "usec": 0}},
                }
            },
        }
    }
    response = Client().post(
        f"/api/v1/cameras/vzenith?key={key}", body, content_type="application/json"
    )
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("case", VCASES)
def test_the_camera_keeps_the_barrier_down_and_says_why(case, site_a, manager_a, vlanes, vconf):
    lane = vlanes["garage/in"]
    problem = _corrupt_vehicle(site_a, lane, vconf, case)
    key = _camera(site_a, manager_a, lane)
    reply = _push(key, PLATE)["Response_AlarmInfoPlate"]
    assert reply["info"] == "no" and reply["plateid"] == 1187
    assert _shown(reply) == [PLATE, POLICY_INVALID_MESSAGE]
    _assert_denied_and_told([problem], plate=PLATE)


@pytest.mark.skipif(not SQLITE, reason="only SQLite keeps text in an integer column")
def test_the_camera_refuses_on_a_non_numeric_grace(site_a, manager_a, vlanes, vconf):
    lane = vlanes["garage/in"]
    problem = _corrupt_vehicle(site_a, lane, vconf, "grace")
    reply = _push(_camera(site_a, manager_a, lane), PLATE)["Response_AlarmInfoPlate"]
    assert reply["info"] == "no"
    _assert_denied_and_told([problem], plate=PLATE)


def test_the_vehicle_booth_refuses_and_alarms(client, guard_a, site_a, vlanes, vconf):
    lane = vlanes["north/in"]
    problem = _corrupt_vehicle(site_a, lane, vconf, "mode")
    client.force_login(guard_a)
    response = client.post(reverse("vehicles:decide"), {"lane": lane.pk, "plate": PLATE}, **HX)
    assert response.status_code == 200
    assert POLICY_INVALID_MESSAGE in response.content.decode()
    event = _assert_denied_and_told([problem], plate=PLATE)
    assert event.guard_id == guard_a.pk
    assert not VehicleVisit.objects.exists()


def test_the_dwell_scan_tells_once_and_goes_on(site_a, vlanes, vconf):
    from gatehouse.vehicles.services import dwell_scan

    corrupt(VehicleSettings, vconf.pk, "taxi_minutes", 0)
    (notice,) = dwell_scan(site=site_a, now=NOW)
    assert (notice.kind, notice.audience) == ("policy.invalid", "monitoring")
    assert "taxi_minutes=0" in notice.message and POLICY_INVALID_MESSAGE in notice.message
    assert dwell_scan(site=site_a, now=NOW) == []  # not raised again while it is open


# -- a leave-by time that is not one (SQLite keeps any text in a TIME column) --------------------


@pytest.mark.skipif(not SQLITE, reason="only SQLite keeps text in a TIME column")
@pytest.mark.parametrize("value", ["25:99", "abc"])
def test_a_broken_leave_by_time_refuses_the_vehicle(value, site_a, manager_a, vlanes, vconf):
    # rule V-11: the leave-by time is policy; text that is not a time is refused, never taken
    # for "no leave-by time" (was: 'abc' read as NULL, '25:99' a 500 at every vehicle gate).
    corrupt(VehicleSettings, vconf.pk, "visitor_leave_by", value)
    problem = f"vehicle_settings.visitor_leave_by={value!r}"
    device = Device.objects.create(site=site_a, name="车库读卡器", kind="plate_camera")
    key = device_issue_key(device=device, actor=manager_a, now=NOW)
    api = ApiClient(FastPathClient(), headers={"X-Device-Key": key})
    response = api.post("/vehicle/decisions", {"lane": "garage/in", "plate": PLATE, "nonce": "v-1"})
    assert response.status_code == 200
    body = response.json()
    assert (body["outcome"], body["reason"], body["message"]) == (
        "refuse",
        "policy.invalid",
        POLICY_INVALID_MESSAGE,
    )
    _assert_denied_and_told([problem], plate=PLATE)
    assert not ParkingSession.objects.exists()


@pytest.mark.skipif(not SQLITE, reason="only SQLite keeps text in a TIME column")
@pytest.mark.parametrize("value", ["25:99", "abc"])
def test_a_broken_leave_by_time_refuses_at_the_vehicle_booth(
    value, client, guard_a, site_a, vlanes, vconf
):
    corrupt(VehicleSettings, vconf.pk, "visitor_leave_by", value)
    client.force_login(guard_a)
    lane = vlanes["north/in"]
    page = client.post(reverse("vehicles:decide"), {"lane": lane.pk, "plate": PLATE}, **HX)
    assert page.status_code == 200 and POLICY_INVALID_MESSAGE in page.content.decode()
    event = _assert_denied_and_told([f"vehicle_settings.visitor_leave_by={value!r}"], plate=PLATE)
    assert event.guard_id == guard_a.pk
    assert not VehicleVisit.objects.exists()


@pytest.mark.skipif(not SQLITE, reason="only SQLite keeps text in a TIME column")
@pytest.mark.parametrize("value", ["25:99", "abc"])
def test_a_broken_leave_by_time_keeps_the_barrier_down(value, site_a, manager_a, vlanes, vconf):
    corrupt(VehicleSettings, vconf.pk, "visitor_leave_by", value)
    reply = _push(_camera(site_a, manager_a, vlanes["garage/in"]), PLATE)["Response_AlarmInfoPlate"]
    assert reply["info"] == "no" and _shown(reply) == [PLATE, POLICY_INVALID_MESSAGE]
    _assert_denied_and_told([f"vehicle_settings.visitor_leave_by={value!r}"], plate=PLATE)


def test_no_leave_by_time_is_still_allowed(site_a, manager_a, vlanes, vconf):
    # rule V-11: NULL is "visitors leave before midnight", a sound policy, not policy.invalid.
    VehicleSettings.objects.filter(pk=vconf.pk).update(visitor_leave_by=None)
    reply = _push(_camera(site_a, manager_a, vlanes["garage/in"]), PLATE)["Response_AlarmInfoPlate"]
    assert _shown(reply) != [PLATE, POLICY_INVALID_MESSAGE]
    assert not Notice.objects.filter(kind="policy.invalid").exists()


@pytest.mark.skipif(SQLITE, reason="PostgreSQL's time type refuses such text at the write")
@pytest.mark.parametrize("value", ["25:99", "abc"])
def test_postgresql_refuses_a_broken_leave_by_at_the_write(value, vconf):
    from django.db import DataError, IntegrityError, transaction

    with pytest.raises((DataError, IntegrityError)), transaction.atomic():
        corrupt(VehicleSettings, vconf.pk, "visitor_leave_by", value)
    assert VehicleSettings.objects.get(pk=vconf.pk).visitor_leave_by == vconf.visitor_leave_by
