"""People and credentials through the API: masked output, core validation, nothing written on
bad input."""

from __future__ import annotations

import json

import pytest

from gatehouse.audit.models import AuditEntry
from gatehouse.core.errors import DomainError
from gatehouse.people.models import Credential, HouseMembership, Person, Vehicle
from tests.api.conftest import assert_error_shape
from tests.conftest import ID_ZHANG

PHONE = "13800138000"


def _counts() -> tuple[int, ...]:
    return (
        Person.objects.count(),
        HouseMembership.objects.count(),
        Credential.objects.count(),
        Vehicle.objects.count(),
        AuditEntry.objects.count(),
    )


def _create_zhang(api, site) -> dict:
    response = api.post(
        f"/sites/{site.pk}/people",
        {
            "name": "张伟",
            "kind": "owner",
            "id_number": ID_ZHANG.lower(),
            "phone": "+86 138-0013-8000",
            "house_number": "3-2-1201",
        },
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_person_created_via_the_api_is_never_returned_in_full(as_user, manager_a, site_a, house_a):
    api = as_user(manager_a)
    person = _create_zhang(api, site_a)
    assert person["name"] == "张伟"
    assert person["id_number_masked"] == "110105********002X"
    assert person["phone_masked"] == "138****8000"
    assert person["houses"] == [
        {
            "house_id": house_a.pk,
            "number": "3-2-1201",
            "relation": "owner",
            "relation_label": "业主",
        }
    ]

    # Every way of reading the person back, including searching by the full numbers.
    api.get(f"/people/{person['id']}")
    api.get(f"/sites/{site_a.pk}/people")
    found_by_phone = api.get(f"/sites/{site_a.pk}/people", {"q": PHONE}).json()
    found_by_id = api.get(f"/sites/{site_a.pk}/people", {"q": ID_ZHANG}).json()
    assert [p["id"] for p in found_by_phone["items"]] == [person["id"]]
    assert [p["id"] for p in found_by_id["items"]] == [person["id"]]
    card = api.post(
        f"/sites/{site_a.pk}/credentials",
        {"kind": "owner_card", "number": "0010597059", "person_id": person["id"]},
    )
    assert card.status_code == 201
    api.post(f"/credentials/{card.json()['id']}/status", {"status": "lost"})
    # A second registration of the same ID number is refused — with the number masked.
    duplicate = api.post(
        f"/sites/{site_a.pk}/people", {"name": "张伟", "kind": "owner", "id_number": ID_ZHANG}
    )
    assert_error_shape(duplicate, 409, "person.duplicate_id_number")
    api.get("/openapi.json")

    everything = api.all_bodies()
    for secret in (ID_ZHANG, ID_ZHANG.lower(), PHONE, "0010597059", "00A1B2C3"):
        assert secret not in everything, secret
    # Nor is it in the audit trail of these writes.
    audit = json.dumps(list(AuditEntry.objects.values("before", "after")), ensure_ascii=False)
    assert ID_ZHANG not in audit and PHONE not in audit


def test_person_detail_has_houses_and_masked_credentials(
    as_user, desk_a, site_a, resident_a, house_a
):
    api = as_user(desk_a)
    card = api.post(
        f"/sites/{site_a.pk}/credentials",
        {
            "kind": "owner_card",
            "number": "161,45763",
            "person_id": resident_a.pk,
            "valid_from": "2026-11-24T09:30:00",
            "valid_until": "2027-11-24T00:00:00+08:00",
        },
    )
    assert card.status_code == 201, card.content
    assert card.json()["number_display"] == "****B2C3"
    assert card.json()["valid_from"].startswith("2026-11-24T09:30:00")
    plate = api.post(
        f"/sites/{site_a.pk}/credentials",
        {"kind": "plate", "person_id": resident_a.pk, "plate": "京a·12345"},
    )
    assert plate.status_code == 201, plate.content
    assert plate.json()["number_display"] == "京A12345"
    assert plate.json()["vehicle_plate"] == "京A12345"
    assert Vehicle.objects.get(site=site_a, plate="京A12345").owner == resident_a

    detail = api.get(f"/people/{resident_a.pk}").json()
    assert detail["houses"][0]["number"] == "3-2-1201"
    assert {c["number_display"] for c in detail["credentials"]} == {"****B2C3", "京A12345"}
    assert {c["status"] for c in detail["credentials"]} == {"active"}


def test_one_active_holder_per_card_then_reissue_after_loss(as_user, manager_a, site_a, resident_a):
    api = as_user(manager_a)
    first = api.post(
        f"/sites/{site_a.pk}/credentials",
        {"kind": "owner_card", "number": "00A1B2C3", "person_id": resident_a.pk},
    )
    assert first.status_code == 201
    before = _counts()
    # The same card typed as a 10-digit decimal is the same card.
    duplicate = api.post(
        f"/sites/{site_a.pk}/credentials",
        {"kind": "parking_card", "number": "0010597059", "person_id": resident_a.pk},
    )
    assert_error_shape(duplicate, 409, "credential.duplicate")
    assert _counts() == before

    lost = api.post(f"/credentials/{first.json()['id']}/status", {"status": "lost"})
    assert lost.status_code == 200 and lost.json()["status"] == "lost"
    again = api.post(
        f"/sites/{site_a.pk}/credentials",
        {"kind": "owner_card", "number": "00A1B2C3", "person_id": resident_a.pk},
    )
    assert again.status_code == 201
    # The lost card cannot come back while the new one is active.
    assert_error_shape(
        api.post(f"/credentials/{first.json()['id']}/status", {"status": "active"}),
        409,
        "credential.duplicate",
    )
    assert_error_shape(
        api.post(f"/credentials/{first.json()['id']}/status", {"status": "stolen"}),
        422,
        "invalid_request",
    )


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        (
            {"name": "王芳", "kind": "owner", "id_number": ID_ZHANG[:-1] + "1"},
            422,
            "id_number.checksum",
        ),
        (
            {"name": "王芳", "kind": "owner", "id_number": "110105204912310021"},
            422,
            "id_number.future_birth",
        ),
        ({"name": "王芳", "kind": "owner", "phone": "12345"}, 422, "phone.format"),
        ({"name": "   ", "kind": "owner"}, 422, "person.name_empty"),
        ({"name": "王芳", "kind": "owner", "house_number": "9-9-9999"}, 422, "house.not_found"),
        (
            {"name": "王芳", "kind": "employee", "house_number": "3-2-1201"},
            422,
            "person.house_relation",
        ),
        ({"name": "王芳", "kind": "astronaut"}, 422, "invalid_request"),
        ({"name": "王芳"}, 422, "invalid_request"),
    ],
)
def test_bad_person_input_changes_nothing(
    as_user, manager_a, site_a, house_a, payload, status, code
):
    api = as_user(manager_a)
    before = _counts()
    assert_error_shape(api.post(f"/sites/{site_a.pk}/people", payload), status, code)
    assert _counts() == before


def test_failure_after_the_person_is_written_rolls_everything_back(
    as_user, manager_a, site_a, house_a, monkeypatch
):
    from gatehouse.people import services

    def refuse(**kwargs):
        raise DomainError("house.full", "该房屋登记人数已满")

    monkeypatch.setattr(services, "house_link", refuse)
    api = as_user(manager_a)
    before = _counts()
    response = api.post(
        f"/sites/{site_a.pk}/people",
        {"name": "王芳", "kind": "owner", "id_number": ID_ZHANG, "house_number": "3-2-1201"},
    )
    assert_error_shape(response, 400, "house.full")
    assert _counts() == before


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"kind": "owner_card", "number": "not-a-card"}, "card.format"),
        ({"kind": "owner_card", "number": "00C1C2C3"}, "credential.holder"),
        ({"kind": "plate", "plate": "ABC"}, "plate.province"),
        (
            {
                "kind": "owner_card",
                "number": "00C1C2C3",
                "valid_from": "2026-12-01T00:00:00+08:00",
                "valid_until": "2026-11-01T00:00:00+08:00",
            },
            "credential.window",
        ),
        (
            {"kind": "owner_card", "number": "00C1C2C3", "valid_from": "yesterday"},
            "invalid_request",
        ),
    ],
)
def test_bad_credential_input_changes_nothing(
    as_user, manager_a, site_a, resident_a, payload, code
):
    api = as_user(manager_a)
    if code in {"card.format", "credential.window", "invalid_request"}:
        payload = {**payload, "person_id": resident_a.pk}
    before = _counts()
    response = api.post(f"/sites/{site_a.pk}/credentials", payload)
    body = assert_error_shape(response, 422, code)
    assert body["code"].split(".")[0] in {"card", "credential", "plate", "invalid_request"}
    assert _counts() == before


def test_plate_credential_failing_after_vehicle_registration_rolls_back(
    as_user, manager_a, site_a, resident_a
):
    api = as_user(manager_a)
    before = _counts()
    # The plate is new (a vehicle would be registered) but the window is wrong: nothing stays.
    response = api.post(
        f"/sites/{site_a.pk}/credentials",
        {
            "kind": "plate",
            "plate": "京A12345",
            "person_id": resident_a.pk,
            "valid_from": "2026-12-01T00:00:00+08:00",
            "valid_until": "2026-11-01T00:00:00+08:00",
        },
    )
    assert_error_shape(response, 422, "credential.window")
    assert _counts() == before


def test_person_list_filters_and_pages(as_user, manager_a, site_a, resident_a):
    from gatehouse.people import services

    for name, kind in [("王芳", "tenant"), ("王磊", "employee"), ("赵敏", "family")]:
        services.person_create(site=site_a, actor=manager_a, name=name, kind=kind)
    api = as_user(manager_a)
    everyone = api.get(f"/sites/{site_a.pk}/people").json()
    assert everyone["count"] == 4
    wang = api.get(f"/sites/{site_a.pk}/people", {"q": "王"}).json()
    assert {p["name"] for p in wang["items"]} == {"王芳", "王磊"}
    tenants = api.get(f"/sites/{site_a.pk}/people", {"kind": "tenant"}).json()
    assert [p["name"] for p in tenants["items"]] == ["王芳"]
    by_house = api.get(f"/sites/{site_a.pk}/people", {"q": "3-2-1201"}).json()
    assert [p["name"] for p in by_house["items"]] == ["张伟"]
    page = api.get(f"/sites/{site_a.pk}/people", {"limit": 2, "offset": 2}).json()
    assert page["count"] == 4 and page["limit"] == 2 and len(page["items"]) == 2
    first_page = api.get(f"/sites/{site_a.pk}/people", {"limit": 2}).json()
    assert {p["id"] for p in page["items"]}.isdisjoint({p["id"] for p in first_page["items"]})


def test_site_detail_lists_zones_gates_lanes_and_counts(as_user, guard_a, site_a, lane_a, house_a):
    from gatehouse.sites.models import Garage, ParkingSpace, Zone

    Zone.objects.create(site=site_a, code="north", name="北区", industry_focus="")
    garage = Garage.objects.create(site=site_a, code="b1", name="地下车库")
    ParkingSpace.objects.create(garage=garage, number="B1-001")
    body = as_user(guard_a).get(f"/sites/{site_a.pk}").json()
    assert body["name"] == "东湖花园" and body["kind_label"] == "住宅小区"
    assert [z["name"] for z in body["zones"]] == ["北区"]
    assert body["gates"][0]["name"] == "东门"
    assert body["gates"][0]["lanes"][0]["code"] == "east-walk-in"
    assert body["counts"] == {
        "garages": 1,
        "parking_spaces": 1,
        "buildings": 1,
        "houses": 1,
        "checkpoints": 0,
        "posts": 0,
    }


def test_me_lists_roles_per_site(as_user, manager_a, site_a, site_b):
    from gatehouse.accounts.models import Membership

    Membership.objects.create(user=manager_a, site=site_a, role="front_desk")
    body = as_user(manager_a).get("/me").json()
    assert body["username"] == "manager_a"
    assert body["sites"] == [
        {
            "id": site_a.pk,
            "code": "donghu",
            "name": "东湖花园",
            "roles": [
                {"code": "front_desk", "label": "客服前台"},
                {"code": "security_manager", "label": "安保主管"},
            ],
        }
    ]
