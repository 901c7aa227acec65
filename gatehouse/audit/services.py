"""Recording audit entries. Call ``audit_record`` inside the transaction of the write it records."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from gatehouse.accounts.actor import Actor, actor_or_none
from gatehouse.audit.models import AuditEntry

if TYPE_CHECKING:
    from gatehouse.devices.models import Device
    from gatehouse.sites.models import Site

# Columns that hold protected personal data: never copied into the audit trail.
_SECRET_SUFFIXES = ("_cipher", "_hash")
_SECRET_NAMES = {"password", "key_hash"}


def snapshot(obj: models.Model | None) -> dict[str, Any] | None:
    """The concrete field values of ``obj`` as JSON-able data, without protected columns."""
    if obj is None:
        return None
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        name = field.attname
        if name in _SECRET_NAMES or name.endswith(_SECRET_SUFFIXES):
            continue
        value = getattr(obj, name)
        data[name] = DjangoJSONEncoder().default(value) if _needs_encoding(value) else value
    return data


def _needs_encoding(value: Any) -> bool:
    return value is not None and not isinstance(value, (str, int, float, bool, list, dict))


def audit_record(
    *,
    action: str,
    obj: models.Model | None = None,
    actor: Actor = None,
    device: Device | None = None,
    site: Site | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
    at: datetime | None = None,
) -> AuditEntry:
    """Write one audit entry. Must run inside the caller's transaction so both land or neither."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the write's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        if site is None:
            site = _site_of(obj)
    return AuditEntry.objects.create(
        site=site,
        actor=actor_or_none(actor),
        actor_device=device,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=str(obj)[:200] if obj is not None else "",
        before=before,
        after=after,
        at=at or timezone.now(),
    )


def _site_of(obj: models.Model) -> Any:
    from gatehouse.sites.models import Site

    if isinstance(obj, Site):
        return obj
    for path in ("site", "gate", "building", "garage", "unit"):
        related = getattr(obj, path, None)
        if related is None:
            continue
        if path == "site":
            return related
        return _site_of(related)
    return None


def audited_update(
    obj: models.Model,
    *,
    action: str,
    actor: Actor = None,
    device: Device | None = None,
    at: datetime | None = None,
    **changes: Any,
) -> models.Model:
    """Set ``changes`` on ``obj``, save just those fields and audit before/after, atomically."""
    with transaction.atomic():
        before = snapshot(obj)
        for name, value in changes.items():
            setattr(obj, name, value)
        obj.save(update_fields=list(changes))
        audit_record(
            action=action,
            obj=obj,
            actor=actor,
            device=device,
            before=before,
            after=snapshot(obj),
            at=at,
        )
    return obj
