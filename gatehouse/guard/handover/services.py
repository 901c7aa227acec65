"""Writes of guard shift handover (SPEC S-03: the 交接班记录表; the keys pass with it, S-08)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction

from gatehouse.audit.services import snapshot
from gatehouse.core import guard as core
from gatehouse.core.errors import DomainError
from gatehouse.core.text import clean_text
from gatehouse.guard.handover.selectors import core_handover, previous_handover
from gatehouse.guard.keys.selectors import key_custody
from gatehouse.guard.models import Handover, Key, KeyHandoff
from gatehouse.guard.shared import guard_name, is_member, items, settings_for
from gatehouse.guard.writes import write_audit
from gatehouse.sites.models import Post, Site

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class HandoverResult:
    handover: Handover
    check: core.HandoverCheck
    arrival: core.Arrival


@transaction.atomic
def handover_record(
    *,
    site: Site,
    actor: User,
    incoming: Any,
    shift_start: datetime,
    arrived_at: datetime,
    open_matters: Iterable[str] | str = (),
    resolved: Iterable[str] | str = (),
    keys: Sequence[Key] = (),
    equipment: Iterable[str] | str = (),
    notes: str = "",
    incoming_signed: bool = False,
    post: Post | None = None,
    now: datetime,
) -> HandoverResult:
    """S-03 / S-08: the outgoing guard (``actor``) hands over and signs; the incoming guard signs
    now (``incoming_signed``: their password was checked by the view) or later.

    Refused (``handover.incomplete``) when an open matter received at the previous handover is
    neither closed nor carried on, or a key the outgoing guard holds is not handed over. The
    incoming guard's arrival is judged against the shift start (10 minutes early, S-03); a late
    arrival is recorded, not refused. The keys pass to the incoming guard (key custody)."""
    if incoming is None or incoming.pk == actor.pk:
        raise DomainError("handover.same_person", "交班人和接班人不能是同一人")
    if not is_member(incoming, site):
        raise DomainError("handover.not_staff", "接班人不是本场所的安保人员")
    if post is not None and post.site_id != site.pk:
        raise DomainError("staffing.post", "岗位不属于本场所")
    if any(k.site_id != site.pk for k in keys):
        raise DomainError("key.site", "钥匙不属于本场所")
    config = settings_for(site)
    arrival = core.arrival_status(
        shift_start=shift_start, arrived_at=arrived_at, early_minutes=config.early_minutes
    )
    prev = previous_handover(site, post, now)
    h = Handover(
        site=site,
        post=post,
        outgoing=actor,
        incoming=incoming,
        at=now,
        shift_start=shift_start,
        arrived_at=arrived_at,
        minutes_late=arrival.minutes_late,
        open_matters=list(items(open_matters)),
        resolved=list(items(resolved)),
        keys=sorted({k.label for k in keys}),
        equipment=list(items(equipment)),
        notes=clean_text(notes, 300),
        outgoing_signed_at=now,
        incoming_signed_at=now if incoming_signed else None,
        previous=prev,
        recorded_by=actor,
    )
    held = key_custody(site, now).held_by(guard_name(actor))
    check = core.check_handover(
        handover=core_handover(h),
        previous=core_handover(prev) if prev is not None else None,
        outgoing_keys=held,
    )
    if check.dropped_matters or check.keys_not_handed:
        raise DomainError(
            "handover.incomplete",
            "交接不完整：" + "；".join(p for p in check.problems if "未签字" not in p),
            {"dropped": list(check.dropped_matters), "keys": list(check.keys_not_handed)},
        )
    h.problems = list(check.problems) + ([] if arrival.on_time else [arrival.message])
    h.save()
    for key in keys:
        KeyHandoff.objects.create(
            site=site,
            key=key,
            at=now,
            from_holder=guard_name(actor),
            to_holder=guard_name(incoming),
            handover=h,
            recorded_by=actor,
        )
    write_audit("guard.handover.record", h, actor, now)
    return HandoverResult(h, check, arrival)


@transaction.atomic
def handover_sign(*, handover: Handover, actor: User, now: datetime) -> HandoverResult:
    """S-03: the incoming (or outgoing) guard signs a handover row that lacks their signature."""
    h = Handover.objects.select_for_update().get(pk=handover.pk)
    before = snapshot(h)
    if actor.pk == h.incoming_id and h.incoming_signed_at is None:
        h.incoming_signed_at = now
    elif actor.pk == h.outgoing_id and h.outgoing_signed_at is None:
        h.outgoing_signed_at = now
    else:
        raise DomainError("handover.sign", "您不是这次交接待签字的一方，或已经签过字")
    check = core.check_handover(handover=core_handover(h))
    arrival = core.arrival_status(
        shift_start=h.shift_start,
        arrived_at=h.arrived_at,
        early_minutes=settings_for(h.site).early_minutes,
    )
    h.problems = list(check.problems) + ([] if arrival.on_time else [arrival.message])
    h.save(update_fields=["incoming_signed_at", "outgoing_signed_at", "problems"])
    write_audit("guard.handover.sign", h, actor, now, before)
    return HandoverResult(h, check, arrival)
