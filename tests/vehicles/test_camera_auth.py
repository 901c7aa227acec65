"""A plate camera authenticates without its key in the URL: by its push address token
(``/api/v1/cameras/gc_…/plate``, issued with the key, stored hashed, rotated with it) or by the
``X-Device-Key`` header; the query key keeps working for cameras that can do neither."""

from __future__ import annotations

import hashlib
import json
import re

from django.http import HttpRequest
from django.urls import reverse

from gatehouse.access.models import AccessEvent
from gatehouse.audit.models import AuditEntry
from gatehouse.devices.models import Device
from gatehouse.devices.services import device_issue_camera_token, device_issue_key, device_revoke
from gatehouse.throttle import key_throttle
from tests.api.conftest import FastPathClient, assert_error_shape
from tests.conftest import NOW
from tests.vehicles.test_api import PLATE, camera, clock, push  # noqa: F401 (fixtures)

SEC = int(NOW.timestamp())


def _post(url: str, body: dict, **headers: str):
    """A push as the served application takes it: the fast path in front of Django."""
    return FastPathClient().post(
        url, json.dumps(body), content_type="application/json", headers=headers
    )


def _opened(response) -> bool:
    assert response.status_code == 200, response.content
    return response.json()["Response_AlarmInfoPlate"]["info"] == "ok"


def test_the_push_address_token_authenticates_and_is_stored_hashed(camera, manager_a):  # noqa: F811
    device, _key = camera
    token = device_issue_camera_token(device=device, actor=manager_a, now=NOW)
    assert token.startswith("gc_") and len(token) > 40
    device.refresh_from_db()
    assert device.camera_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert device.camera_token_prefix == token[:10]
    assert AuditEntry.objects.filter(action="device.camera_token_issue").count() == 1
    url = reverse("api:camera_plate_push", kwargs={"token": token})
    assert url == f"/api/v1/cameras/{token}/plate"
    assert _opened(_post(url, push(PLATE, 1, SEC)))
    assert AccessEvent.objects.get().plate == PLATE


def test_a_wrong_or_rotated_or_revoked_token_is_refused(camera, manager_a):  # noqa: F811
    device, _key = camera
    token = device_issue_camera_token(device=device, actor=manager_a, now=NOW)
    wrong = "gc_" + "x" * 43
    assert_error_shape(
        _post(f"/api/v1/cameras/{wrong}/plate", push(PLATE, 1, SEC)), 401, "unauthenticated"
    )
    assert_error_shape(
        _post("/api/v1/cameras/vzenith/plate", push(PLATE, 1, SEC)), 401, "unauthenticated"
    )
    # Rotating the key withdraws the old token.
    device_issue_key(device=device, actor=manager_a, now=NOW)
    old = _post(f"/api/v1/cameras/{token}/plate", push(PLATE, 2, SEC))
    assert_error_shape(old, 401, "unauthenticated")
    fresh = device_issue_camera_token(device=Device.objects.get(pk=device.pk), actor=manager_a)
    device_revoke(device=Device.objects.get(pk=device.pk), actor=manager_a, now=NOW)
    revoked = _post(f"/api/v1/cameras/{fresh}/plate", push(PLATE, 3, SEC))
    assert_error_shape(revoked, 401, "unauthenticated")
    assert not AccessEvent.objects.exists()


def test_the_key_in_a_header_authenticates(camera):  # noqa: F811
    _device, key = camera
    assert _opened(_post("/api/v1/cameras/vzenith", push(PLATE, 1, SEC), **{"X-Device-Key": key}))
    wrong = _post("/api/v1/cameras/vzenith", push(PLATE, 2, SEC), **{"X-Device-Key": "gd_nope"})
    assert_error_shape(wrong, 401, "unauthenticated")
    # A wrong header is not rescued by a right query key.
    both = _post(
        f"/api/v1/cameras/vzenith?key={key}", push(PLATE, 3, SEC), **{"X-Device-Key": "gd_nope"}
    )
    assert both.status_code == 401


def test_the_query_key_still_works(camera):  # noqa: F811
    _device, key = camera
    assert _opened(_post(f"/api/v1/cameras/vzenith?key={key}", push(PLATE, 1, SEC)))


def test_failed_camera_tokens_count_toward_the_address_throttle(camera, manager_a, settings):  # noqa: F811
    settings.GATEHOUSE_KEY_FAILURE_LIMIT = 2
    device, key = camera
    token = device_issue_camera_token(device=device, actor=manager_a, now=NOW)
    for i in range(2):
        _post(f"/api/v1/cameras/gc_wrong{i}/plate", push(PLATE, i, SEC))
    for url, headers in (
        (f"/api/v1/cameras/{token}/plate", {}),
        ("/api/v1/cameras/vzenith", {"X-Device-Key": key}),
        (f"/api/v1/cameras/vzenith?key={key}", {}),
    ):
        response = _post(url, push(PLATE, 9, SEC), **headers)
        body = assert_error_shape(response, 429, "auth.throttled")
        assert body["details"]["retry_after"] == int(response["Retry-After"]) > 0
    key_throttle.reset()
    assert _opened(_post(f"/api/v1/cameras/{token}/plate", push(PLATE, 9, SEC)))


def test_the_admin_action_shows_the_push_address_once(client, camera, manager_a):  # noqa: F811
    device, _key = camera
    assert client.login(request=HttpRequest(), username="manager_a", password="pass-1234")
    response = client.post(
        reverse("admin:devices_device_changelist"),
        {"action": "issue_key", "_selected_action": [device.pk]},
        follow=True,
    )
    page = response.content.decode()
    found = re.search(r"http://testserver(/api/v1/cameras/(gc_[\w-]+)/plate)", page)
    assert found, page
    device.refresh_from_db()
    assert device.camera_token_hash == hashlib.sha256(found.group(2).encode()).hexdigest()
    assert _opened(_post(found.group(1), push(PLATE, 1, SEC)))
