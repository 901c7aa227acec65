"""Keys issued in the admin: shown once, stored only as a hash, audited, revocable."""

from __future__ import annotations

import re

from django.http import HttpRequest
from django.urls import reverse

from gatehouse.accounts.models import ApiToken
from gatehouse.audit.models import AuditEntry
from gatehouse.devices.models import Device
from gatehouse.devices.services import device_authenticate


def test_a_manager_issues_and_revokes_a_device_key(client, manager_a, site_a):
    device = Device.objects.create(site=site_a, name="东门人行闸机1", kind="turnstile")
    assert client.login(request=HttpRequest(), username="manager_a", password="pass-1234")
    response = client.post(
        reverse("admin:devices_device_changelist"),
        {"action": "issue_key", "_selected_action": [device.pk]},
        follow=True,
    )
    key = re.search(r"(gd_[A-Za-z0-9_\-]+)", response.content.decode()).group(1)
    device.refresh_from_db()
    assert device.key_hash and key not in device.key_hash
    assert device_authenticate(key) == device
    assert AuditEntry.objects.filter(object_id=str(device.pk), actor=manager_a).exists()
    client.post(
        reverse("admin:devices_device_changelist"),
        {"action": "revoke", "_selected_action": [device.pk]},
    )
    assert device_authenticate(key) is None


def test_a_manager_cannot_issue_a_key_for_another_sites_device(client, manager_a, site_b):
    device = Device.objects.create(site=site_b, name="西岭主门闸机", kind="turnstile")
    assert client.login(request=HttpRequest(), username="manager_a", password="pass-1234")
    response = client.post(
        reverse("admin:devices_device_changelist"),
        {"action": "issue_key", "_selected_action": [device.pk]},
        follow=True,
    )
    assert "gd_" not in response.content.decode()
    device.refresh_from_db()
    assert not device.key_hash


def test_a_staff_user_issues_their_own_api_token_once(client, manager_a, desk_a):
    assert client.login(request=HttpRequest(), username="manager_a", password="pass-1234")
    response = client.post(
        reverse("admin:accounts_apitoken_add"), {"name": "巡检脚本"}, follow=True
    )
    page = response.content.decode()
    key = re.search(r"(gh_[A-Za-z0-9_\-]+)", page).group(1)
    token = ApiToken.objects.get(name="巡检脚本")
    assert token.user == manager_a and token.key_hash != key and key.startswith(token.prefix)
    # The key is not shown again on the token's page.
    assert (
        key
        not in client.get(
            reverse("admin:accounts_apitoken_change", args=[token.pk])
        ).content.decode()
    )
    # Another staff user neither sees nor opens it.
    client.logout()
    assert client.login(request=HttpRequest(), username="desk_a", password="pass-1234")
    assert (
        "巡检脚本" not in client.get(reverse("admin:accounts_apitoken_changelist")).content.decode()
    )
