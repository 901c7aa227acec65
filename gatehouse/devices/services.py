"""Device keys: issue (and rotate), revoke, authenticate.

A device key is ``gd_`` followed by 43 URL-safe characters. Only its SHA-256 is stored, with the
first ten characters as ``key_prefix``; the clear key is returned once when issued. Issuing a key
to a device that already has one replaces it: the old key stops working at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from gatehouse.audit.services import audit_record, snapshot
from gatehouse.devices.models import Device

KEY_SCHEME = "gd_"
PREFIX_LENGTH = 10
# ``last_seen_at`` is written at most once in this interval.
TOUCH_INTERVAL = timedelta(minutes=1)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@transaction.atomic
def device_issue_key(*, device: Device, actor: Any, now: datetime | None = None) -> str:
    """Give ``device`` a new key (replacing any old one, lifting a revocation); returns it once."""
    now = now or timezone.now()
    before = snapshot(device)
    key = KEY_SCHEME + secrets.token_urlsafe(32)
    device.key_hash = key_digest(key)
    device.key_prefix = key[:PREFIX_LENGTH]
    device.key_issued_at = now
    device.revoked_at = None
    device.save(update_fields=["key_hash", "key_prefix", "key_issued_at", "revoked_at"])
    audit_record(
        action="device.key_issue",
        obj=device,
        actor=actor,
        site=device.site,
        before=before,
        after=snapshot(device),
        at=now,
    )
    return key


@transaction.atomic
def device_revoke(*, device: Device, actor: Any, now: datetime | None = None) -> Device:
    """Revoke the device's key; the device is refused until a new key is issued."""
    now = now or timezone.now()
    if device.revoked_at is not None:
        return device
    before = snapshot(device)
    device.revoked_at = now
    device.save(update_fields=["revoked_at"])
    audit_record(
        action="device.revoke",
        obj=device,
        actor=actor,
        site=device.site,
        before=before,
        after=snapshot(device),
        at=now,
    )
    return device


def device_authenticate(key: str | None, *, now: datetime | None = None) -> Device | None:
    """The device holding ``key`` (site, lane and gate loaded), or None.

    Only devices with a live key at an active site pass. Looked up by the key's hash; the final
    comparison is constant-time.
    """
    if not key or not key.startswith(KEY_SCHEME) or len(key) > 200:
        return None
    digest = key_digest(key)
    device = (
        Device.objects.select_related("site", "lane__gate", "lane__garage")
        .filter(key_hash=digest, revoked_at__isnull=True, site__is_active=True)
        .first()
    )
    if device is None or not hmac.compare_digest(device.key_hash, digest):
        return None
    now = now or timezone.now()
    if device.last_seen_at is None or now - device.last_seen_at >= TOUCH_INTERVAL:
        # Liveness bookkeeping, not a change of state: not audited.
        Device.objects.filter(pk=device.pk).update(last_seen_at=now)
        device.last_seen_at = now
    return device
