"""Writes of guard roster and duty (SPEC S-01 posts and staffing, S-02 the leader on duty)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import transaction

from gatehouse.accounts.actor import Actor
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.core import guard as core
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.text import clean_text
from gatehouse.guard.models import LeaderDuty, Shift, StaffingRequirement
from gatehouse.guard.roster.selectors import core_shift
from gatehouse.guard.shared import guard_name, is_member, local_time
from gatehouse.guard.writes import write_audit
from gatehouse.sites.models import Post, Site


@transaction.atomic
def requirement_add(
    *,
    site: Site,
    actor: Actor,
    post: Post,
    headcount: int,
    from_hour: int,
    to_hour: int,
    weekdays: Iterable[int] = range(7),
    on: date | None = None,
    now: datetime,
) -> StaffingRequirement:
    """S-01: guards needed at ``post`` between two hours (weekly or for one date)."""
    if post.site_id != site.pk:
        raise DomainError("staffing.post", "岗位不属于本场所")
    days = frozenset(weekdays)
    core.PostRequirement(str(post.pk), headcount, from_hour, to_hour, days, on)  # validates
    req = StaffingRequirement.objects.create(
        site=site,
        post=post,
        headcount=headcount,
        from_hour=from_hour,
        to_hour=to_hour,
        weekdays="".join(str(d) for d in sorted(days)),
        on=on,
    )
    write_audit("guard.requirement.add", req, actor, now)
    return req


@transaction.atomic
def shift_add(
    *,
    site: Site,
    actor: Actor,
    post: Post,
    guard: Any,
    start: datetime,
    end: datetime,
    now: datetime,
) -> Shift:
    """S-01: roster a guard at a post. Refused when the guard is not staff of the site or is
    already rostered in an overlapping shift (``roster_conflicts``)."""
    if post.site_id != site.pk:
        raise DomainError("staffing.post", "岗位不属于本场所")
    if not is_member(guard, site):
        raise DomainError("roster.not_staff", "此人不是本场所的安保人员，不能排班")
    if end <= start:
        raise InvalidInput("time.order", "结束时间必须晚于开始时间。", {"field": "end"})
    new = core.RosterShift(str(guard.pk), str(post.pk), start, end)
    mine = Shift.objects.filter(site=site, guard=guard, end__gt=start, start__lt=end)
    for a, b in core.roster_conflicts([*(core_shift(s) for s in mine), new]):
        if new in (a, b):
            other = a if b == new else b
            raise DomainError(
                "roster.conflict",
                f"{guard_name(guard)}在{local_time(other.start):%m-%d %H:%M}–"
                f"{local_time(other.end):%m-%d %H:%M}已有排班，同一人不能同时在两个岗位",
            )
    shift = Shift.objects.create(
        site=site, post=post, guard=guard, start=start, end=end, created_by=actor
    )
    write_audit("guard.shift.add", shift, actor, now)
    return shift


@transaction.atomic
def shift_delete(*, shift: Shift, actor: Actor, now: datetime) -> None:
    before = snapshot(shift)
    audit_record(action="guard.shift.delete", obj=shift, actor=actor, before=before, at=now)
    shift.delete()


@transaction.atomic
def leader_duty_add(
    *,
    site: Site,
    actor: Actor,
    leader_name: str,
    start: datetime,
    end: datetime,
    leader: Any = None,
    phone: str = "",
    now: datetime,
) -> LeaderDuty:
    """S-02: a named leader on duty (带班领导) for a period."""
    name = clean_text(leader_name, 50) or guard_name(leader)
    core.LeaderDuty(name, start, end)  # validates: a name, start before end
    duty = LeaderDuty.objects.create(
        site=site,
        leader=leader,
        leader_name=name,
        phone=clean_text(phone, 20),
        start=start,
        end=end,
    )
    write_audit("guard.leader_duty.add", duty, actor, now)
    return duty
