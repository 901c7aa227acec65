"""Hostile input through the API gets a 4xx with a code, never a 500, and writes nothing
(issue 12 §5): NUL characters, offsets past any database integer, bodies over their limit."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from gatehouse import fastpath, inputguard
from gatehouse.access.models import AccessEvent
from gatehouse.audit.models import AuditEntry
from gatehouse.people.models import Person
from tests.access.test_device_api import clock, counts, make_device, read  # noqa: F401 (fixture)
from tests.api.conftest import ApiClient, FastPathClient, assert_error_shape
from tests.conftest import CARD_ZHANG

GATE = "/gate/decisions"


def _person(**changes) -> dict:
    return {"name": "张伟", "kind": "owner", **changes}


@pytest.mark.parametrize(
    "body",
    [
        _person(name="张\x00伟"),
        _person(note="备注\x00"),
        _person(house_number="3-2-1201\x00"),
        _person(name="张伟", id_number="\x00"),
        {"name\x00": "张伟", "kind": "owner"},
    ],
    ids=["name", "note", "house", "id_number", "key"],
)
def test_a_nul_in_a_json_body_is_422_and_writes_nothing(as_user, manager_a, site_a, body):
    api = as_user(manager_a)
    before = (Person.objects.count(), AuditEntry.objects.count())
    text = json.dumps(body)
    assert "\\u0000" in text  # as a client sends it
    response = api.post(f"/sites/{site_a.pk}/people", text)
    assert_error_shape(response, 422, "input.nul")
    assert (Person.objects.count(), AuditEntry.objects.count()) == before


def test_a_raw_nul_byte_in_a_body_is_422(as_user, manager_a, site_a):
    api = as_user(manager_a)
    response = api.post(f"/sites/{site_a.pk}/people", b'{"name": "\x00", "kind": "owner"}')
    assert_error_shape(response, 422, "input.nul")
    assert Person.objects.count() == 0


def test_an_escaped_backslash_before_u0000_is_not_a_nul(as_user, manager_a, site_a):
    api = as_user(manager_a)
    response = api.post(f"/sites/{site_a.pk}/people", json.dumps(_person(note="C:\\u0000")))
    assert response.status_code == 201, response.content
    assert Person.objects.get().note == "C:\\u0000"


def test_a_lone_surrogate_is_422(as_user, manager_a, site_a):
    api = as_user(manager_a)
    response = api.post(f"/sites/{site_a.pk}/people", '{"name": "张\\ud800", "kind": "owner"}')
    assert_error_shape(response, 422, "input.encoding")
    assert Person.objects.count() == 0


@pytest.mark.parametrize(
    "params",
    [{"q": "张\x00"}, {"kind\x00": "owner"}, {"q": "\x00", "offset": "0"}],
)
def test_a_nul_in_a_query_is_422(as_user, manager_a, site_a, params):
    response = as_user(manager_a).get(f"/sites/{site_a.pk}/people", params)
    assert_error_shape(response, 422, "input.nul")


def test_a_nul_in_a_cookie_is_422(as_user, manager_a, site_a):
    api = as_user(manager_a)
    api.client.cookies["sessionid"] = "abcdefgh\x00ijk"
    assert_error_shape(api.get("/sites"), 422, "input.nul")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"offset": "9223372036854775808"}, "offset"),
        ({"offset": str(10**9 + 1)}, "offset"),
        ({"offset": "-1"}, "offset"),
        ({"limit": "201"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "99999999999999999999999"}, "limit"),
    ],
)
def test_offsets_and_limits_have_bounds(as_user, manager_a, site_a, params, field):
    response = as_user(manager_a).get(f"/sites/{site_a.pk}/people", params)
    body = assert_error_shape(response, 422, "invalid_request")
    assert [e["field"] for e in body["details"]["errors"]] == [field]


def test_the_largest_offset_is_answered(as_user, manager_a, site_a, resident_a):
    response = as_user(manager_a).get(f"/sites/{site_a.pk}/people", {"offset": str(10**9)})
    assert response.status_code == 200, response.content
    assert response.json()["items"] == [] and response.json()["count"] == 1


def test_the_bounds_are_documented():
    from gatehouse.api import api

    schema = api.get_openapi_schema()
    params = {
        p["name"]: p for p in schema["paths"]["/api/v1/sites/{site_id}/people"]["get"]["parameters"]
    }
    assert params["limit"]["schema"]["maximum"] == 200
    assert params["offset"]["schema"]["maximum"] == 10**9


def test_every_operation_documents_the_shared_error_statuses():
    from gatehouse.api import api

    schema = api.get_openapi_schema()
    assert (
        "64 KiB" in schema["info"]["description"] and "input.nul" in schema["info"]["description"]
    )
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            # A terminal's push is answered in ISAPI's ResponseStatus, what the terminal reads
            # (401 an unknown token); what the input guard answers before it is ErrorOut.
            isapi = path == "/api/v1/terminals/{token}/events"
            for status in (413, 422, 500) if isapi else (413, 422, 500, 401):
                ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorOut"), (method, path, status)
            if isapi:
                ref = responses[401]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/IsapiStatusOut")
            if method == "post":
                assert 400 in responses, (method, path)
            if "{" in path:
                assert 404 in responses, (method, path)


# -- bodies over their limit ----------------------------------------------------------------------


def test_an_api_body_over_the_limit_is_413(as_user, manager_a, site_a):
    api = as_user(manager_a)
    body = json.dumps(_person(note="x" * inputguard.API_MAX_BODY))
    response = api.post(f"/sites/{site_a.pk}/people", body)
    body = assert_error_shape(response, 413, "request.too_large")
    assert body["details"] == {"limit": inputguard.API_MAX_BODY}
    assert Person.objects.count() == 0


def test_the_gate_read_paths_are_the_apis_urls():
    assert {
        reverse("api:gate_decision_create"),
        reverse("api:vehicle_decision_create"),
    } == inputguard.GATE_READ_PATHS
    # Every camera push and heartbeat, by key or by its push address token, has the camera's
    # limit (its pushes carry pictures).
    for camera in (
        reverse("api:camera_vzenith_push"),
        reverse("api:camera_plate_push", kwargs={"token": "gc_x"}),
        reverse("api:camera_vzenith_heartbeat"),
        reverse("api:camera_heartbeat", kwargs={"token": "gc_x"}),
    ):
        assert camera.startswith(inputguard.CAMERA_PREFIX)
        assert inputguard.body_limit(camera) == inputguard.CAMERA_MAX_BODY == 4 * 1024 * 1024
    assert inputguard.body_limit(reverse("api:me")) == inputguard.API_MAX_BODY
    assert fastpath.MAX_BODY == inputguard.GATE_READ_MAX_BODY == 64 * 1024


@pytest.fixture
def key(site_a, manager_a, lanes_a, clock):  # noqa: F811 (fixture)
    return make_device(site_a, manager_a)[1]


def _both(key: str) -> list[ApiClient]:
    headers = {"X-Device-Key": key}
    return [ApiClient(FastPathClient(), headers), ApiClient(FastPathClient(full=True), headers)]


@pytest.mark.parametrize("size", [64 * 1024 + 1, 9 * 1024 * 1024])
def test_a_gate_read_over_its_limit_is_413_on_both_stacks(key, card_a, size):
    body = read("card", CARD_ZHANG, "n-1")
    text = json.dumps({**body, "pad": "x" * size})
    for api in _both(key):
        response = api.post(GATE, text)
        assert api.client.fast == 0
        got = assert_error_shape(response, 413, "request.too_large")
        assert got["details"] == {"limit": 64 * 1024}
    assert counts() == (0, 0, 0, 0)


def test_the_vehicle_decision_has_the_gate_reads_limit(key):
    api = ApiClient(FastPathClient(full=True), {"X-Device-Key": key})
    response = api.post("/vehicle/decisions", json.dumps({"pad": "x" * (64 * 1024)}))
    assert_error_shape(response, 413, "request.too_large")
    assert AccessEvent.objects.count() == 0


def test_a_camera_push_may_carry_a_picture_but_not_more_than_its_limit(key):
    api = ApiClient(FastPathClient(full=True), {"X-Device-Key": key})
    # A push with a 1 MiB picture passes the guard (answered by the camera endpoint, in the
    # camera's form: this device is no camera of a lane, so nothing is recorded).
    picture = "A" * (1024 * 1024)
    fine = api.post("/cameras/vzenith", json.dumps({"AlarmInfoPlate": {"imageFile": picture}}))
    assert fine.status_code == 200
    assert fine.json()["Response_AlarmInfoPlate"]["info"] == "no"
    too_big = api.post("/cameras/vzenith", json.dumps({"pad": "x" * (4 * 1024 * 1024)}))
    got = assert_error_shape(too_big, 413, "request.too_large")
    assert got["details"] == {"limit": 4 * 1024 * 1024}
    assert AccessEvent.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        read("card", CARD_ZHANG, "n-1", lane="east/walk-in\x00"),
        read("card", CARD_ZHANG + "\x00", "n-1"),
        read("card", CARD_ZHANG, "n-\x001"),
        read("card", CARD_ZHANG, "n-1", health_code="\x00"),
    ],
    ids=["lane", "credential", "nonce", "health"],
)
def test_a_nul_in_a_gate_read_is_422_on_both_stacks(key, card_a, body):
    for api in _both(key):
        response = api.post(GATE, json.dumps(body))
        assert api.client.fast == 0
        assert_error_shape(response, 422, "input.nul")
    assert counts() == (0, 0, 0, 0)


def test_an_ordinary_read_still_takes_the_fast_path(key, card_a):
    fast, _full = _both(key)
    assert fast.post(GATE, read("card", CARD_ZHANG, "n-1")).status_code == 200
    assert fast.client.fast == 1
