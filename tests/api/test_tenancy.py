"""Tenancy through the API: staff of site A reach nothing of site B — 404, never 403, and not a
byte of B's data (its resident 李娜) in any response."""

from __future__ import annotations

import pytest

from gatehouse.audit.models import AuditEntry
from gatehouse.people import services
from gatehouse.people.models import Credential, HouseMembership, Person, Vehicle
from tests.api.conftest import assert_error_shape
from tests.conftest import NOW

SECRET_NAME = "李娜"


@pytest.fixture
def card_b(site_b, resident_b, manager_b):
    return services.credential_issue(
        site=site_b,
        actor=manager_b,
        kind="staff_badge",
        number="00B1C2D3",
        person=resident_b,
        now=NOW,
    )


def _counts() -> tuple[int, ...]:
    return (
        Person.objects.count(),
        Credential.objects.count(),
        Vehicle.objects.count(),
        HouseMembership.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("persona", ["guard_a", "manager_a", "desk_a"])
def test_staff_of_site_a_reach_nothing_at_site_b(
    request, persona, as_user, site_a, site_b, resident_a, resident_b, card_b
):
    api = as_user(request.getfixturevalue(persona))
    not_found = api.get("/people/99999999").json()
    before = _counts()

    responses = [
        api.get(f"/sites/{site_b.pk}"),
        api.get(f"/sites/{site_b.pk}/people"),
        api.get(f"/sites/{site_b.pk}/people", {"q": SECRET_NAME}),
        api.get(f"/people/{resident_b.pk}"),
        api.post(
            f"/sites/{site_b.pk}/people",
            {"name": "王芳", "kind": "employee", "phone": "13912340000"},
        ),
        api.post(
            f"/sites/{site_b.pk}/credentials",
            {"kind": "staff_badge", "number": "00E1E2E3", "person_id": resident_b.pk},
        ),
        api.post(f"/credentials/{card_b.pk}/status", {"status": "revoked"}),
    ]
    for response in responses:
        body = assert_error_shape(response, 404, "not_found")
        # Same answer as for an id that exists nowhere: nothing confirms B's records exist.
        assert body == not_found

    assert _counts() == before
    card_b.refresh_from_db()
    assert card_b.status == "active"

    # What they may see lists site A only.
    sites = api.get("/sites").json()
    assert [s["code"] for s in sites] == ["donghu"]
    assert [s["code"] for s in api.get("/me").json()["sites"]] == ["donghu"]
    listing = api.get(f"/sites/{site_a.pk}/people", {"q": SECRET_NAME})
    assert listing.status_code == 200 and listing.json()["count"] == 0
    assert api.get(f"/sites/{site_a.pk}/people", {"q": "13912345678"}).json()["count"] == 0

    assert SECRET_NAME not in api.all_bodies()
    assert "西岭" not in api.all_bodies()


def test_person_of_site_b_cannot_be_given_a_credential_at_site_a(
    as_user, manager_a, site_a, resident_b
):
    api = as_user(manager_a)
    before = _counts()
    response = api.post(
        f"/sites/{site_a.pk}/credentials",
        {"kind": "owner_card", "number": "00C1C2C3", "person_id": resident_b.pk},
    )
    assert_error_shape(response, 422, "credential.person_not_found")
    assert _counts() == before
    assert SECRET_NAME not in api.all_bodies()


def test_guard_reads_own_site_but_may_not_write(as_user, guard_a, site_a, resident_a):
    api = as_user(guard_a)
    listing = api.get(f"/sites/{site_a.pk}/people")
    assert listing.status_code == 200
    assert [p["name"] for p in listing.json()["items"]] == ["张伟"]
    assert api.get(f"/people/{resident_a.pk}").status_code == 200
    before = _counts()
    assert_error_shape(
        api.post(f"/sites/{site_a.pk}/people", {"name": "王芳", "kind": "owner"}), 403, "forbidden"
    )
    assert_error_shape(
        api.post(
            f"/sites/{site_a.pk}/credentials",
            {"kind": "owner_card", "number": "00C1C2C3", "person_id": resident_a.pk},
        ),
        403,
        "forbidden",
    )
    assert _counts() == before


def test_member_without_staff_role_sees_the_site_but_not_its_people(as_user, site_a, resident_a):
    from django.contrib.auth import get_user_model

    from gatehouse.accounts.models import Membership

    owner = get_user_model().objects.create_user(username="owner_a", password="pass-1234")
    Membership.objects.create(user=owner, site=site_a, role="resident")
    api = as_user(owner)
    assert api.get(f"/sites/{site_a.pk}").status_code == 200
    assert_error_shape(api.get(f"/sites/{site_a.pk}/people"), 403, "forbidden")
    # A single record is scoped by role too: "not found", as for any record out of reach.
    assert_error_shape(api.get(f"/people/{resident_a.pk}"), 404, "not_found")


def test_superuser_sees_every_site(as_user, superuser, site_a, site_b, resident_b):
    api = as_user(superuser)
    assert {s["code"] for s in api.get("/sites").json()} == {"donghu", "xiling"}
    assert api.get(f"/people/{resident_b.pk}").json()["name"] == SECRET_NAME


def test_user_of_an_inactive_site_loses_it(as_user, guard_a, site_a):
    api = as_user(guard_a)
    assert api.get(f"/sites/{site_a.pk}").status_code == 200
    site_a.is_active = False
    site_a.save()
    assert_error_shape(api.get(f"/sites/{site_a.pk}"), 404, "not_found")
    assert api.get("/sites").json() == []
