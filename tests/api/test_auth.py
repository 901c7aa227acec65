"""Authentication: personal tokens, console sessions (with CSRF), device keys."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from django.test import Client

from gatehouse.accounts.models import ApiToken
from gatehouse.accounts.services import api_token_authenticate, api_token_issue, api_token_revoke
from gatehouse.audit.models import AuditEntry
from gatehouse.devices.models import Device
from gatehouse.devices.services import device_authenticate, device_issue_key, device_revoke
from gatehouse.people.models import Person
from tests.api.conftest import ApiClient, assert_error_shape
from tests.conftest import NOW

# ------------------------------------------------------------------------------------ tokens


def test_token_is_issued_once_and_stored_only_as_its_hash(manager_a):
    token, key = api_token_issue(user=manager_a, name="门禁对接", actor=manager_a)
    assert re.fullmatch(r"gh_[A-Za-z0-9_\-]{43}", key)
    token.refresh_from_db()
    assert token.prefix == key[:10]
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    stored = list(ApiToken.objects.values_list("name", "prefix", "key_hash"))
    assert all(key not in value for row in stored for value in row)
    entry = AuditEntry.objects.get(action="api_token.issue", object_id=str(token.pk))
    assert entry.actor == manager_a
    assert "key_hash" not in entry.after
    assert key not in str(entry.after)


def test_valid_token_authenticates(manager_a):
    _token, key = api_token_issue(user=manager_a, name="t", actor=manager_a)
    response = ApiClient(headers={"Authorization": f"Bearer {key}"}).get("/me")
    assert response.status_code == 200
    assert response.json()["username"] == "manager_a"
    assert response.json()["auth"] == "token"


def test_revoked_token_is_refused_and_the_revocation_audited(manager_a, superuser):
    token, key = api_token_issue(user=manager_a, name="t", actor=manager_a)
    api = ApiClient(headers={"Authorization": f"Bearer {key}"})
    assert api.get("/me").status_code == 200
    api_token_revoke(token=token, actor=superuser)
    assert_error_shape(api.get("/me"), 401, "unauthenticated")
    entry = AuditEntry.objects.get(action="api_token.revoke", object_id=str(token.pk))
    assert entry.actor == superuser and entry.after["revoked_at"] is not None
    # Revoking again changes nothing and records nothing.
    api_token_revoke(token=token, actor=superuser)
    assert AuditEntry.objects.filter(action="api_token.revoke").count() == 1


@pytest.mark.parametrize(
    "header",
    [
        "Bearer garbage",
        "Bearer gh_" + "A" * 43,
        "Bearer ",
        "Basic bWFuYWdlcl9hOnBhc3MtMTIzNA==",
        "gh_something",
    ],
)
def test_garbage_tokens_are_refused(manager_a, header):
    api_token_issue(user=manager_a, name="t", actor=manager_a)
    response = ApiClient(headers={"Authorization": header}).get("/me")
    assert_error_shape(response, 401, "unauthenticated")


def test_token_with_a_wrong_character_is_refused(manager_a):
    _token, key = api_token_issue(user=manager_a, name="t", actor=manager_a)
    tampered = key[:-1] + ("A" if key[-1] != "A" else "B")
    response = ApiClient(headers={"Authorization": f"Bearer {tampered}"}).get("/me")
    assert_error_shape(response, 401, "unauthenticated")


def test_token_of_an_inactive_user_is_refused(manager_a):
    _token, key = api_token_issue(user=manager_a, name="t", actor=manager_a)
    manager_a.is_active = False
    manager_a.save()
    response = ApiClient(headers={"Authorization": f"Bearer {key}"}).get("/me")
    assert_error_shape(response, 401, "unauthenticated")


def test_token_last_used_is_written_at_most_once_a_minute(manager_a):
    token, key = api_token_issue(user=manager_a, name="t", actor=manager_a)
    assert api_token_authenticate(key, now=NOW) is not None
    token.refresh_from_db()
    assert token.last_used_at == NOW
    api_token_authenticate(key, now=NOW + timedelta(seconds=59))
    token.refresh_from_db()
    assert token.last_used_at == NOW
    api_token_authenticate(key, now=NOW + timedelta(seconds=61))
    token.refresh_from_db()
    assert token.last_used_at == NOW + timedelta(seconds=61)


def test_token_needs_no_csrf_even_for_writes(manager_a, site_a):
    _token, key = api_token_issue(user=manager_a, name="t", actor=manager_a)
    api = ApiClient(Client(enforce_csrf_checks=True), {"Authorization": f"Bearer {key}"})
    response = api.post(f"/sites/{site_a.pk}/people", {"name": "王芳", "kind": "owner"})
    assert response.status_code == 201, response.content


# ----------------------------------------------------------------------------------- session


def test_session_authenticates_reads(manager_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager_a)
    response = ApiClient(client).get("/me")
    assert response.status_code == 200
    assert response.json()["auth"] == "session"


def test_session_write_without_csrf_is_refused_and_writes_nothing(manager_a, site_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager_a)
    before = Person.objects.count()
    response = ApiClient(client).post(
        f"/sites/{site_a.pk}/people", {"name": "王芳", "kind": "owner"}
    )
    assert_error_shape(response, 403, "csrf_failed")
    assert Person.objects.count() == before


def test_session_write_with_csrf_token_succeeds(manager_a, site_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager_a)
    secret = "k" * 32
    client.cookies["csrftoken"] = secret
    api = ApiClient(client, {"X-CSRFToken": secret})
    response = api.post(f"/sites/{site_a.pk}/people", {"name": "王芳", "kind": "owner"})
    assert response.status_code == 201, response.content
    assert Person.objects.filter(site=site_a, name="王芳").exists()


def test_logged_out_session_is_401(manager_a):
    client = Client()
    client.force_login(manager_a)
    client.logout()
    assert_error_shape(ApiClient(client).get("/me"), 401, "unauthenticated")


# ------------------------------------------------------------------------------------ devices


def _device_api(key: str) -> ApiClient:
    return ApiClient(headers={"X-Device-Key": key})


def test_device_key_is_issued_once_stored_hashed_and_audited(device_a, manager_a):
    key = device_issue_key(device=device_a, actor=manager_a, now=NOW)
    assert re.fullmatch(r"gd_[A-Za-z0-9_\-]{43}", key)
    device_a.refresh_from_db()
    assert device_a.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert device_a.key_prefix == key[:10]
    assert device_a.key_issued_at == NOW and device_a.is_active
    entry = AuditEntry.objects.get(action="device.key_issue", object_id=str(device_a.pk))
    assert entry.site_id == device_a.site_id and entry.actor == manager_a
    assert "key_hash" not in entry.after and key not in str(entry.after)


def test_device_whoami_with_a_valid_key(device_a, lane_a, gate_a, site_a, manager_a):
    key = device_issue_key(device=device_a, actor=manager_a)
    response = _device_api(key).get("/device/whoami")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == device_a.pk
    assert body["name"] == "东门人行闸机1"
    assert body["kind"] == "turnstile"
    assert body["kind_label"] == "人行闸机"
    assert body["site"]["code"] == "donghu"
    assert body["lane"]["kind"] == "non_motor"
    assert body["lane"]["direction"] == "in"
    assert body["lane"]["gate"] == {"id": gate_a.pk, "code": "east", "name": "东门"}
    assert body["key_prefix"] == key[:10]
    device_a.refresh_from_db()
    assert device_a.last_seen_at is not None


def test_device_without_lane(device_a, manager_a):
    device_a.lane = None
    device_a.save()
    key = device_issue_key(device=device_a, actor=manager_a)
    response = _device_api(key).get("/device/whoami")
    assert response.status_code == 200
    assert response.json()["lane"] is None


def test_revoked_device_key_is_401(device_a, manager_a):
    key = device_issue_key(device=device_a, actor=manager_a)
    device_revoke(device=device_a, actor=manager_a)
    body = assert_error_shape(_device_api(key).get("/device/whoami"), 401, "unauthenticated")
    assert body["message"] == "设备密钥无效或已吊销"
    assert AuditEntry.objects.filter(action="device.revoke", object_id=str(device_a.pk)).exists()


def test_rotated_device_key_replaces_the_old_one(device_a, manager_a):
    old = device_issue_key(device=device_a, actor=manager_a)
    new = device_issue_key(device=device_a, actor=manager_a)
    assert old != new
    assert_error_shape(_device_api(old).get("/device/whoami"), 401, "unauthenticated")
    assert _device_api(new).get("/device/whoami").status_code == 200


def test_reissuing_after_revocation_restores_the_device(device_a, manager_a):
    device_issue_key(device=device_a, actor=manager_a)
    device_revoke(device=device_a, actor=manager_a)
    key = device_issue_key(device=device_a, actor=manager_a)
    device_a.refresh_from_db()
    assert device_a.revoked_at is None
    assert _device_api(key).get("/device/whoami").status_code == 200


def test_device_of_an_inactive_site_is_refused(device_a, site_a, manager_a):
    key = device_issue_key(device=device_a, actor=manager_a)
    site_a.is_active = False
    site_a.save()
    assert_error_shape(_device_api(key).get("/device/whoami"), 401, "unauthenticated")


@pytest.mark.parametrize("key", [None, "", "garbage", "gd_" + "x" * 43])
def test_missing_or_garbage_device_key_is_401(device_a, manager_a, key):
    device_issue_key(device=device_a, actor=manager_a)
    api = ApiClient() if key is None else _device_api(key)
    assert_error_shape(api.get("/device/whoami"), 401, "unauthenticated")


def test_person_token_does_not_open_device_endpoints(as_user, manager_a):
    assert_error_shape(as_user(manager_a).get("/device/whoami"), 401, "unauthenticated")


def test_device_key_does_not_open_person_endpoints(device_a, manager_a):
    key = device_issue_key(device=device_a, actor=manager_a)
    assert_error_shape(_device_api(key).get("/me"), 401, "unauthenticated")
    assert_error_shape(
        ApiClient(headers={"Authorization": f"Bearer {key}"}).get("/me"), 401, "unauthenticated"
    )


def test_device_last_seen_is_written_at_most_once_a_minute(device_a, manager_a):
    key = device_issue_key(device=device_a, actor=manager_a)
    assert device_authenticate(key, now=NOW) is not None
    device_authenticate(key, now=NOW + timedelta(seconds=30))
    assert Device.objects.get(pk=device_a.pk).last_seen_at == NOW
    device_authenticate(key, now=NOW + timedelta(minutes=2))
    assert Device.objects.get(pk=device_a.pk).last_seen_at == NOW + timedelta(minutes=2)
