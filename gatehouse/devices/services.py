"""Device keys: issue (and rotate), revoke, authenticate.

A device key is ``gd_`` followed by 43 URL-safe characters. Only its SHA-256 is stored, with the
first ten characters as ``key_prefix``; the clear key is returned once when issued. Issuing a key
to a device that already has one replaces it: the old key stops working at once.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from gatehouse.audit.services import audit_record, audited_update
from gatehouse.core.errors import InvalidInput
from gatehouse.devices.models import (
    Device,
    FaceEnrolment,
)
from gatehouse.devices.sync import sync_person
from gatehouse.gate.reads import device_by_digest, device_by_push_digest, forget_devices
from gatehouse.keys import key_digest, new_key
from gatehouse.people.models import Person
from gatehouse.privacy import seal, unseal
from gatehouse.throttle import key_throttle

KEY_SCHEME = "gd_"
# A plate camera's push address token: ``gc_`` and 43 URL-safe characters (a path segment).
CAMERA_TOKEN_SCHEME = "gc_"
# ``last_seen_at`` is written at most once in this interval.
TOUCH_INTERVAL = timedelta(minutes=1)


@transaction.atomic
def device_issue_key(*, device: Device, actor: Any, now: datetime | None = None) -> str:
    """Give ``device`` a new key (replacing any old one, lifting a revocation); returns it once.

    A camera's push address token is withdrawn with the old key: rotating a device's
    credentials rotates all of them (the admin action issues a new token with the new key).
    """
    now = now or timezone.now()
    fresh = new_key(KEY_SCHEME)
    audited_update(
        device,
        action="device.key_issue",
        actor=actor,
        at=now,
        key_hash=fresh.digest,
        key_prefix=fresh.prefix,
        key_issued_at=now,
        revoked_at=None,
        camera_token_hash="",
        camera_token_prefix="",
    )
    return fresh.key


@transaction.atomic
def device_issue_camera_token(*, device: Device, actor: Any, now: datetime | None = None) -> str:
    """Give ``device`` a new push address token (replacing any old one); returns it once.

    The camera then posts to ``/api/v1/cameras/<token>/plate`` and needs no key in its URL.
    """
    now = now or timezone.now()
    fresh = new_key(CAMERA_TOKEN_SCHEME)
    audited_update(
        device,
        action="device.camera_token_issue",
        actor=actor,
        at=now,
        camera_token_hash=fresh.digest,
        camera_token_prefix=fresh.prefix,
    )
    return fresh.key


@transaction.atomic
def device_revoke(*, device: Device, actor: Any, now: datetime | None = None) -> Device:
    """Revoke the device's key; the device is refused until a new key is issued."""
    now = now or timezone.now()
    if device.revoked_at is not None:
        return device
    audited_update(device, action="device.revoke", actor=actor, at=now, revoked_at=now)
    return device


def device_authenticate(
    key: str | None,
    *,
    address: str | None = None,
    now: datetime | None = None,
    memory: bool = False,
) -> Device | None:
    """The device holding ``key`` (site, lane and gate loaded), or None.

    Only devices with a live key at an active site pass. Looked up by the key's hash; the final
    comparison is constant-time. A key presented from ``address`` that fails is logged and
    counted against the address (:mod:`gatehouse.throttle`); without ``address`` (the fast
    path, which hands a failure to the full stack) nothing is counted. ``memory``: the device
    may come from the decision path's memory (:func:`gatehouse.gate.reads.device_by_digest`;
    only for a gate decision, whose write checks it).
    """
    if not key:
        return None
    if not key.startswith(KEY_SCHEME) or len(key) > 200:
        device = None
    else:
        digest = key_digest(key)
        device = device_by_digest(digest, memory=memory)
        if device is not None and not hmac.compare_digest(device.key_hash, digest):
            device = None
    return _seen(device, address=address, kind="device key", presented=key, now=now)


def push_authenticate(
    token: str | None,
    *,
    address: str | None = None,
    now: datetime | None = None,
    kind: str = "push token",
    device_kinds: tuple[str, ...] = (),
) -> Device | None:
    """The live device whose push address token is ``token`` (site, lane and gate loaded), or
    None; a failure from ``address`` is logged and counted as a failed key is.

    Any device that pushes to an address Gatehouse gives it authenticates this way: a plate
    camera (``/api/v1/cameras/<token>/plate``), a terminal's event push
    (``/api/v1/terminals/<token>/events``). ``device_kinds``: only devices of these kinds
    (a terminal's push address is no plate camera's)."""
    device = None
    if token and token.startswith(CAMERA_TOKEN_SCHEME) and len(token) <= 200:
        digest = key_digest(token)
        device = device_by_push_digest(digest)
        if device is not None and (
            (device_kinds and device.kind not in device_kinds)
            or not hmac.compare_digest(device.camera_token_hash, digest)
        ):
            device = None
    return _seen(device, address=address, kind=kind, presented=token, now=now)


def camera_authenticate(
    token: str | None, *, address: str | None = None, now: datetime | None = None
) -> Device | None:
    """A plate camera's push address token (:func:`push_authenticate`)."""
    return push_authenticate(token, address=address, now=now, kind="camera token")


def _seen(
    device: Device | None,
    *,
    address: str | None,
    kind: str,
    presented: str | None,
    now: datetime | None,
) -> Device | None:
    """An authentication's end: a failure from ``address`` is logged and counted (the fast path
    passes no address: it hands failures to the full stack, which counts them once); a device
    that authenticated is marked as seen, at most once per :data:`TOUCH_INTERVAL`."""
    if device is None:
        if address is not None:
            key_throttle.fail(address, kind=kind, presented=presented)
        return None
    now = now or timezone.now()
    if device.last_seen_at is None or now - device.last_seen_at >= TOUCH_INTERVAL:
        # Liveness bookkeeping, not a change of state: not audited.
        Device.objects.filter(pk=device.pk, site_id=device.site_id).update(last_seen_at=now)
        device.last_seen_at = now
        if device.memory_version is not None:
            forget_devices(device.key_hash)  # kept with the old time: read it again next time
    return device


@transaction.atomic
def device_set_login(
    *,
    device: Device,
    actor: Any,
    address: str,
    username: str,
    password: str | None,
    now: datetime | None = None,
) -> Device:
    """Where and as whom Gatehouse reaches ``device`` (a terminal it drives); the password is
    stored encrypted with the data keys. ``password`` None keeps the stored one."""
    changes: dict[str, Any] = {"address": address.strip().rstrip("/"), "username": username}
    if password is not None:
        changes["password_cipher"] = seal("device", password).cipher if password else ""
    return audited_update(  # type: ignore[return-value]
        device, action="device.login", actor=actor, at=now or timezone.now(), **changes
    )


def device_password(device: Device) -> str:
    """The clear password Gatehouse signs in to ``device`` with ("" when none is set)."""
    return unseal(device.password_cipher)


# --------------------------------------------------------------------------------------------
# Face pictures for face terminals, only with recorded consent
# --------------------------------------------------------------------------------------------

FACE_MAX_BYTES = 200 * 1024  # the terminals take a JPEG of at most 200 KB


@transaction.atomic
def face_consent_record(
    *, person: Person, picture: bytes, actor: Any, now: datetime
) -> FaceEnrolment:
    """Keep ``person``'s face picture with the consent ``actor`` recorded now, and send it to the
    site's face terminals (:mod:`gatehouse.devices.sync`). The picture must be a JPEG."""
    if not picture.startswith(b"\xff\xd8") or len(picture) > FACE_MAX_BYTES:
        raise InvalidInput(
            "face.picture", "人脸照片须为不超过200KB的JPEG图片", {"field": "picture"}
        )
    enrolment, _ = FaceEnrolment.objects.update_or_create(
        person=person,
        defaults={
            "picture": picture,
            "picture_sha256": hashlib.sha256(picture).hexdigest(),
            "consent_at": now,
            "consent_by": actor if getattr(actor, "pk", None) else None,
            "withdrawn_at": None,
        },
    )
    audit_record(
        action="face.consent",
        obj=enrolment,
        actor=actor,
        site=person.site,
        after={"person": person.pk, "consent_at": now.isoformat()},
        at=now,
    )
    sync_person(person.pk, now, reason="人脸采集（已同意）")
    return enrolment


@transaction.atomic
def face_consent_withdraw(*, person: Person, actor: Any, now: datetime) -> None:
    """The person withdrew their consent: the picture is deleted here and from every terminal."""
    enrolment = FaceEnrolment.objects.filter(person=person).first()
    if enrolment is None or enrolment.withdrawn_at is not None:
        return
    enrolment.picture = b""
    enrolment.picture_sha256 = ""
    enrolment.withdrawn_at = now
    enrolment.save(update_fields=["picture", "picture_sha256", "withdrawn_at"])
    audit_record(
        action="face.withdraw",
        obj=enrolment,
        actor=actor,
        site=person.site,
        after={"person": person.pk, "withdrawn_at": now.isoformat()},
        at=now,
    )
    sync_person(person.pk, now, reason="撤回人脸采集同意")
