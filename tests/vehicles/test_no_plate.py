"""Vehicles the barrier cannot read (issue 12 §6).

* 无牌车: a vehicle without a plate, or one the camera cannot read, is decided and recorded: the
  booth and the vehicle API accept "no plate" with a description, the camera's ``_无_`` or a
  garbled result is taken as one, and V-09 refuses it with an event (plate shown as 无牌, the
  description in the note), a row of 外来车辆进出登记表 and a notice for the monitoring centre and
  the booth — instead of ``vehicle.unidentified`` with nothing written.
* A vehicle in the site's register (a resident's car, an enterprise's fleet car) is known at
  the barrier by its plate, with or without a plate credential.
"""

from __future__ import annotations

import base64

import pytest
from django.test import Client
from django.urls import reverse

from gatehouse.access.models import AccessEvent, Notice, NoticeAudience
from gatehouse.devices.adapters.vzenith import led
from gatehouse.devices.models import Device
from gatehouse.devices.services import device_issue_key
from gatehouse.people.models import Credential, Enterprise, Vehicle
from gatehouse.vehicles.models import ParkingSession, VehicleVisit
from tests.api.conftest import ApiClient
from tests.conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]
HX = {"HTTP_HX_REQUEST": "true"}
UNLICENSED = "无牌无证车辆不得进入：已登记车辆特征并通知监控中心，请引导车辆停在小区外"


@pytest.fixture
def booth(client, guard_a, vlanes):
    client.force_login(guard_a)
    return client


@pytest.fixture
def api(site_a, manager_a, vlanes):
    device = Device.objects.create(site=site_a, name="北门道闸", kind="plate_camera")
    key = device_issue_key(device=device, actor=manager_a, now=NOW)
    return ApiClient(headers={"X-Device-Key": key})


@pytest.fixture
def camera_key(site_a, manager_a, vlanes):
    device = Device.objects.create(
        site=site_a,
        lane=vlanes["garage/in"],
        name="车库入口相机",
        kind="plate_camera",
        vendor="vzenith",
    )
    return device_issue_key(device=device, actor=manager_a, now=NOW)


def _refused_unlicensed(description: str, *, source: str) -> tuple[AccessEvent, VehicleVisit]:
    """V-09's refusal, recorded: the event, the register row, the notice."""
    event = AccessEvent.objects.get()
    assert (event.outcome, event.reason, event.rule) == ("refuse", "vehicle.unlicensed", "V-09")
    assert (event.plate, event.subject, event.source) == ("无牌", "无牌", source)
    assert event.message == UNLICENSED
    assert description in event.note and "无牌车" in event.note
    row = VehicleVisit.objects.get()
    assert (row.plate, row.status, row.outcome_reason) == ("无牌", "refused", "vehicle.unlicensed")
    assert (row.register, row.description) == ("vehicle", description)
    assert row.time_in is None
    notice = Notice.objects.get(kind="vehicle.unlicensed")
    assert notice.audience == NoticeAudience.MONITORING and notice.event_id == event.pk
    assert description in notice.message
    assert not ParkingSession.objects.exists()
    return event, row


# -- 无牌车 at the booth ---------------------------------------------------------------------------


def test_the_booth_refuses_a_vehicle_without_a_plate_and_registers_it(booth, vlanes, guard_a):
    # rule V-09: 无牌无证的车辆不得进入 — refused, registered by what it looks like, alarmed
    description = "白色五菱面包车，男性驾驶人约40岁"
    response = booth.post(
        reverse("vehicles:decide"),
        {"lane": vlanes["north/in"].pk, "no_plate": "on", "description": description},
        **HX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert UNLICENSED in html and "无牌" in html
    event, row = _refused_unlicensed(description, source="console")
    assert event.guard_id == guard_a.pk and row.registered_by == guard_a
    # The register the booth shows lists it with the description.
    register = booth.get(reverse("vehicles:register")).content.decode()
    assert "无牌" in register and description in register
    # The booth's alerts show the notice.
    alerts = booth.get(reverse("booth:alerts"), **HX).content.decode()
    assert UNLICENSED in alerts


def test_the_booth_page_offers_no_plate_with_a_description(booth):
    html = booth.get(reverse("vehicles:index")).content.decode()
    assert 'name="no_plate"' in html and 'name="description"' in html
    assert "无牌车（或车牌无法识别）" in html


def test_the_booth_takes_the_word_wupai_as_no_plate(booth, vlanes):
    # rule V-09
    response = booth.post(
        reverse("vehicles:decide"),
        {"lane": vlanes["north/in"].pk, "plate": "无牌", "description": "黑色轿车"},
        **HX,
    )
    assert response.status_code == 200
    _refused_unlicensed("黑色轿车", source="console")


def test_no_plate_without_a_description_is_422_and_writes_nothing(booth, vlanes):
    response = booth.post(
        reverse("vehicles:decide"), {"lane": vlanes["north/in"].pk, "no_plate": "on"}, **HX
    )
    assert response.status_code == 422
    assert "车辆特征" in response.content.decode()
    assert not AccessEvent.objects.exists() and not VehicleVisit.objects.exists()


def test_neither_plate_nor_card_nor_no_plate_is_still_unidentified(booth, vlanes):
    response = booth.post(reverse("vehicles:decide"), {"lane": vlanes["north/in"].pk}, **HX)
    assert response.status_code == 422
    assert not AccessEvent.objects.exists()


# -- 无牌车 through the vehicle API and the camera -------------------------------------------------


def test_the_api_accepts_no_plate_with_a_description(api):
    # rule V-09
    response = api.post(
        "/vehicle/decisions",
        {"lane": "north/in", "no_plate": True, "description": "红色摩托三轮", "nonce": "np-1"},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["outcome"], body["reason"], body["rule"], body["plate"]) == (
        "refuse",
        "vehicle.unlicensed",
        "V-09",
        "无牌",
    )
    assert {"register", "guide_outside", "notify_monitoring"} <= {
        o["duty"] for o in body["obligations"]
    }
    _refused_unlicensed("红色摩托三轮", source="device")


def _push(key: str, license_: str, plate_id: int = 77) -> tuple[int, dict]:
    body = {
        "AlarmInfoPlate": {
            "serialno": "e2ab41d6-8c9f4a01",
            "result": {
                "PlateResult": {
                    "license": license_,
                    "plateid": plate_id,
                    "confidence": 40,
                    "timeStamp": {"Timeval": {"sec": int(NOW.timestamp()), "usec": 0}},
                }
            },
        }
    }
    response = Client().post(
        f"/api/v1/cameras/vzenith?key={key}", body, content_type="application/json"
    )
    return response.status_code, response.json()


@pytest.mark.parametrize(
    ("license_", "description"),
    [("_无_", "未能识别车牌"), ("ABC123", "相机识别结果：ABC123")],
    ids=["no-plate", "unreadable"],
)
def test_the_camera_keeps_the_barrier_down_for_a_vehicle_without_a_readable_plate(
    camera_key, license_, description
):
    # rule V-09: the camera gets 200 (not 422), the barrier stays down, the guard is told
    status, body = _push(camera_key, license_)
    assert status == 200
    reply = body["Response_AlarmInfoPlate"]
    assert reply["info"] == "no" and reply["plateid"] == 77
    assert reply["content"] == "retransfer_stop"
    shown = [led.decode(base64.b64decode(item["data"])) for item in reply["serialData"]]
    assert [f.text for f in shown if f.cmd == led.SHOW_TEXT] == ["无牌", UNLICENSED]
    _refused_unlicensed(description, source="device")
    # The camera pushing the same result again is answered once.
    again = _push(camera_key, license_)[1]["Response_AlarmInfoPlate"]
    assert again["info"] == "no" and AccessEvent.objects.count() == 1


# -- registered vehicles are known by their plate ------------------------------------------------


def test_a_residents_registered_car_without_a_plate_credential_is_admitted(api, resident_a, site_a):
    # rule V-01: a registered plate opens the ground barrier, credential or not
    Vehicle.objects.create(site=site_a, plate="京N77777", plate_kind="small", owner=resident_a)
    assert not Credential.objects.filter(kind="plate").exists()
    body = api.post(
        "/vehicle/decisions", {"lane": "north/in", "plate": "京N77777", "nonce": "r-1"}
    ).json()
    assert (body["outcome"], body["reason"], body["rule"]) == ("allow", "vehicle.plate", "V-01")
    event = AccessEvent.objects.get()
    assert (event.vehicle_kind, event.plate) == ("resident", "京N77777")
    assert ParkingSession.objects.get().kind == "resident"
    assert not VehicleVisit.objects.exists()  # an own vehicle is not an outside one


def test_an_enterprise_fleet_car_with_no_person_is_a_staff_vehicle(api, site_a):
    # rule V-04: a company's car parks in the garage like a staff vehicle
    firm = Enterprise.objects.create(site=site_a, name="东湖物业服务有限公司")
    Vehicle.objects.create(site=site_a, plate="京F88888", plate_kind="small", enterprise=firm)
    body = api.post(
        "/vehicle/decisions", {"lane": "garage/in", "plate": "京F88888", "nonce": "f-1"}
    ).json()
    assert (body["outcome"], body["reason"], body["rule"]) == (
        "allow",
        "vehicle.staff_garage",
        "V-04",
    )
    assert AccessEvent.objects.get().vehicle_kind == "staff"
    assert ParkingSession.objects.get().kind == "staff"


def test_a_car_whose_owner_left_or_firm_moved_out_is_not_known(api, resident_a, site_a):
    # rule V-06: an unknown vehicle on the ground is turned away, as before
    firm = Enterprise.objects.create(site=site_a, name="已迁出公司", is_active=False)
    Vehicle.objects.create(site=site_a, plate="京F66666", plate_kind="small", enterprise=firm)
    resident_a.is_active = False
    resident_a.save(update_fields=["is_active"])
    Vehicle.objects.create(site=site_a, plate="京N55555", plate_kind="small", owner=resident_a)
    for n, plate in enumerate(("京F66666", "京N55555", "京C12345")):
        body = api.post(
            "/vehicle/decisions", {"lane": "north/in", "plate": plate, "nonce": f"u-{n}"}
        ).json()
        assert (body["outcome"], body["reason"], body["rule"]) == (
            "refuse",
            "vehicle.not_allowed",
            "V-06",
        ), plate
    assert set(AccessEvent.objects.values_list("vehicle_kind", flat=True)) == {"other"}


def test_an_unknown_plate_at_the_garage_is_still_a_temporary_car(api):
    # rule V-07
    body = api.post(
        "/vehicle/decisions", {"lane": "garage/in", "plate": "京C12345", "nonce": "t-1"}
    ).json()
    assert (body["outcome"], body["reason"]) == ("allow", "vehicle.temporary_card")
    assert AccessEvent.objects.get().vehicle_kind == "temporary"
