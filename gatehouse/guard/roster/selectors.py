"""Reads of guard roster and duty (SPEC S-01 posts and staffing, S-02 the leader on duty)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model

from gatehouse.accounts.models import Role
from gatehouse.core import guard as core
from gatehouse.core import roster as week_core
from gatehouse.guard.models import LeaderDuty, Shift, StaffingRequirement
from gatehouse.guard.shared import guard_name
from gatehouse.sites.models import Post, Site


def core_requirement(req: StaffingRequirement) -> core.PostRequirement:
    return core.PostRequirement(
        post=str(req.post_id),
        headcount=req.headcount,
        from_hour=req.from_hour,
        to_hour=req.to_hour,
        weekdays=frozenset(int(d) for d in req.weekdays if d.isdigit()),
        on=req.on,
    )


def post_requirements(post: Post) -> tuple[core.PostRequirement, ...]:
    """The post's own headcount over its staffed hours (whole hours; a night crossing midnight
    is two requirements), used when no explicit requirement is set for the post."""
    key = str(post.pk)
    start, end = post.staffed_from.hour, post.staffed_until.hour
    if post.round_the_clock or start == end:
        return (core.PostRequirement(key, post.headcount),)
    if start < end:
        return (core.PostRequirement(key, post.headcount, start, end),)
    parts = [core.PostRequirement(key, post.headcount, start, 24)]
    if end > 0:
        parts.append(core.PostRequirement(key, post.headcount, 0, end))
    return tuple(parts)


def core_shift(shift: Shift) -> core.RosterShift:
    return core.RosterShift(str(shift.guard_id), str(shift.post_id), shift.start, shift.end)


def leaders_now(site: Site, now: datetime) -> list[str]:
    """Who the leadership is at ``now``: the leader on duty, then the security managers."""
    names = list(
        LeaderDuty.objects.filter(site=site, start__lte=now, end__gt=now)
        .order_by("start")
        .values_list("leader_name", flat=True)
    )
    User = get_user_model()
    managers = User.objects.filter(
        memberships__site=site, memberships__role=Role.SECURITY_MANAGER, is_active=True
    ).order_by("username")
    names += [guard_name(u) for u in managers]
    return list(dict.fromkeys(names))


def core_requirements(site: Site) -> tuple[list[core.PostRequirement], dict[str, Post]]:
    """Every post's requirements: the explicit ones, else the post's own headcount and hours."""
    posts = {str(p.pk): p for p in Post.objects.filter(site=site).order_by("name", "pk")}
    explicit = list(StaffingRequirement.objects.filter(site=site).order_by("pk"))
    reqs = [core_requirement(r) for r in explicit]
    with_explicit = {str(r.post_id) for r in explicit}
    for key, post in posts.items():
        if key not in with_explicit:
            reqs.extend(post_requirements(post))
    return reqs, posts


@dataclass
class RosterView:
    start: datetime
    end: datetime
    shifts: list[Shift]
    gaps: list[dict[str, Any]]
    conflicts: list[tuple[Shift, Shift]]
    leader_gaps: tuple[core.Interval, ...]
    leaders: list[LeaderDuty]
    requirements: list[StaffingRequirement] = field(default_factory=list)


def roster_view(site: Site, start: datetime, end: datetime) -> RosterView:
    """S-01 / S-02: the shifts in ``[start, end)`` and what the core finds wrong with them: the
    under-staffed intervals per post, guards rostered twice at once, hours with no leader."""
    reqs, posts = core_requirements(site)
    shifts = list(
        Shift.objects.filter(site=site, end__gt=start, start__lt=end)
        .select_related("post", "guard")
        .order_by("start", "post__name", "pk")
    )
    roster = [core_shift(s) for s in shifts]
    gaps = [
        {"post": posts[g.post], "gap": g, "message": _gap_message(g, posts[g.post])}
        for g in core.staffing_gaps(requirements=reqs, roster=roster, start=start, end=end)
        if g.post in posts
    ]
    index = {(c.guard, c.post, c.start, c.end): s for c, s in zip(roster, shifts, strict=True)}
    conflicts = [
        (index[(a.guard, a.post, a.start, a.end)], index[(b.guard, b.post, b.start, b.end)])
        for a, b in core.roster_conflicts(roster)
    ]
    leaders = list(
        LeaderDuty.objects.filter(site=site, end__gt=start, start__lt=end).order_by("start")
    )
    leader_gaps = core.duty_leader_gaps(
        duties=[core.LeaderDuty(d.leader_name, d.start, d.end) for d in leaders],
        start=start,
        end=end,
    )
    requirements = list(
        StaffingRequirement.objects.filter(site=site).select_related("post").order_by("post__name")
    )
    return RosterView(start, end, shifts, gaps, conflicts, leader_gaps, leaders, requirements)


@dataclass
class WeekGridView:
    grid: week_core.WeekGrid
    rows: list[tuple[Post, week_core.WeekRow]]


def week_grid(site: Site, week: date | None, now: datetime) -> WeekGridView:
    """S-01: the site's roster as a week grid (posts by days) of the week of ``week`` (``None``:
    this week), with the gaps against each post's requirements (``core_requirements``)."""
    reqs, posts = core_requirements(site)
    monday = week_core.week_monday(week) if week is not None else week_core.this_week(now)
    start = datetime.combine(monday, time(0), tzinfo=core.SHANGHAI)
    end = start + timedelta(days=week_core.WEEK)
    shifts = [
        week_core.WeekShift(
            str(s.pk), str(s.post_id), str(s.guard_id), guard_name(s.guard), s.start, s.end
        )
        for s in Shift.objects.filter(site=site, end__gt=start, start__lt=end)
        .select_related("guard")
        .order_by("start", "pk")
    ]
    grid = week_core.roster_week(
        posts=list(posts), requirements=reqs, shifts=shifts, now=now, week=monday
    )
    return WeekGridView(grid, [(posts[r.post], r) for r in grid.rows])


def _gap_message(gap: core.StaffingGap, post: Post) -> str:
    return gap.message.replace(gap.post, post.name, 1)


def post_choices(site: Site) -> list[tuple[str, str]]:
    """The site's posts for a form's choices, by name."""
    return [(str(p.pk), p.name) for p in Post.objects.filter(site=site).order_by("name")]


def post_of(site: Site, pk: Any) -> Post | None:
    return Post.objects.filter(site=site, pk=pk).first()


def shift_of(site: Site, pk: Any) -> Shift | None:
    return Shift.objects.filter(site=site, pk=pk).first()
