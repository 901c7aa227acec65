"""The access app's own services beside the gate path (which is :mod:`gatehouse.gate`):
acknowledging a notice a gate decision sent."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from gatehouse.access.models import Notice
from gatehouse.accounts.actor import Actor, actor_or_none
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.core.errors import DomainError


@transaction.atomic
def notice_acknowledge(
    *, notice: Notice, actor: Actor, now: datetime, repeat_ok: bool = False
) -> Notice:
    """Mark a notice handled (an alert) or read (a resident's own notice); audited.

    A second acknowledgement is refused (``notice.acknowledged``) unless ``repeat_ok``, when it
    is a no-op (a resident tapping "read" twice)."""
    locked = Notice.objects.select_for_update().get(pk=notice.pk)
    if locked.acknowledged_at is not None:
        if repeat_ok:
            return locked
        raise DomainError("notice.acknowledged", "该提醒已经处理过了")
    before = snapshot(locked)
    locked.acknowledged_at = now
    locked.acknowledged_by = actor_or_none(actor)
    locked.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit_record(
        action="notice.acknowledge",
        obj=locked,
        actor=actor,
        before=before,
        after=snapshot(locked),
        at=now,
    )
    return locked
