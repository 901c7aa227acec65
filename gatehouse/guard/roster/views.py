"""Pages of guard roster and duty (SPEC S-01 posts and staffing, S-02 the leader on duty)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from gatehouse.console.pages import Action, Submitted, found_or_404
from gatehouse.guard.roster import forms, selectors, services
from gatehouse.guard.web import (
    MANAGER,
    Confirm,
    Desk,
    desk_page,
    pick_user,
    row,
    user_choices,
)


def _roster_context(at: Desk, **bound: Any) -> dict[str, Any]:
    site = at.site
    today = timezone.localtime(at.now).date()
    start = datetime.combine(today, time.min, tzinfo=timezone.get_current_timezone())
    posts = selectors.post_choices(site)
    return {
        "view": selectors.roster_view(site, start, start + timedelta(days=7)),
        "shift_form": bound.get("shift_form")
        or forms.ShiftForm(choices={"post": posts, "guard": user_choices(site)}),
        "req_form": bound.get("req_form") or forms.RequirementForm(choices={"post": posts}),
        "leader_form": bound.get("leader_form") or forms.LeaderForm(),
        "row_form": bound.get("row_form"),
    }


def _shift_form(request: HttpRequest, at: Desk) -> forms.ShiftForm:
    posts = selectors.post_choices(at.site)
    return forms.ShiftForm(request.POST, choices={"post": posts, "guard": user_choices(at.site)})


def _requirement_form(request: HttpRequest, at: Desk) -> forms.RequirementForm:
    return forms.RequirementForm(request.POST, choices={"post": selectors.post_choices(at.site)})


def _post(s: Submitted) -> Any:
    return found_or_404(selectors.post_of(s.record.site, s.data["post"]))


ROSTER = desk_page(
    "roster",
    MANAGER,
    _roster_context,
    actions={
        "shift": Action(
            _shift_form,
            "shift_form",
            lambda s: services.shift_add(
                site=s.record.site,
                actor=s.actor,
                post=_post(s),
                guard=pick_user(s.record.site, s.data["guard"], "guard"),
                start=s.data["start"],
                end=s.data["end"],
                now=s.now,
            ),
            _lazy("已排班。"),
        ),
        "requirement": Action(
            _requirement_form,
            "req_form",
            lambda s: services.requirement_add(
                site=s.record.site,
                actor=s.actor,
                post=_post(s),
                headcount=s.data["headcount"],
                from_hour=s.data["from_hour"],
                to_hour=s.data["to_hour"],
                weekdays=[int(x) for x in s.data["weekdays"]] or range(7),
                on=s.data["on"],
                now=s.now,
            ),
            _lazy("已保存岗位定员。"),
        ),
        "leader": Action(
            forms.LeaderForm,
            "leader_form",
            lambda s: s.into(services.leader_duty_add, site=s.record.site),
            _lazy("已安排带班领导。"),
        ),
        "shift_delete": Action(
            Confirm,
            "row_form",
            lambda s: services.shift_delete(shift=s.item, actor=s.actor, now=s.now),
            _lazy("已删除排班。"),
            item=row(MANAGER, lambda at, pk: selectors.shift_of(at.site, pk)),
        ),
    },
)
roster = ROSTER.page("shift", "requirement", "leader")
roster_action = ROSTER.view()
