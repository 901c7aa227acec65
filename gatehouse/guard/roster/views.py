"""Pages of guard roster and duty (SPEC S-01 posts and staffing, S-02 the leader on duty)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _lazy

from gatehouse.console.pages import Action, Submitted, found_or_404
from gatehouse.core import roster as week_core
from gatehouse.core.errors import InvalidInput
from gatehouse.core.guard import SHANGHAI
from gatehouse.guard.fields import WEEKDAYS
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


def _week_asked(request: HttpRequest) -> tuple[date | None, str]:
    """The week the page's ``week`` parameter names (any day of it), or None for this week;
    with the reason when the parameter names no week."""
    text = request.GET.get("week", "")
    if not text:
        return None, ""
    try:
        return week_core.parse_week(text), ""
    except InvalidInput as exc:
        return None, exc.message


def _roster_context(at: Desk, **bound: Any) -> dict[str, Any]:
    """S-01: the week grid of the week asked for (this week by default), then the week's gaps,
    conflicts and leaders, the forms and the week's shifts."""
    site = at.site
    week, week_error = _week_asked(at.request)
    grid = selectors.week_grid(site, week, at.now)
    start = datetime.combine(grid.grid.monday, time.min, tzinfo=SHANGHAI)
    posts = selectors.post_choices(site)
    return {
        "week": grid,
        "week_days": [
            (day, name, day == grid.grid.today)
            for day, (_n, name) in zip(grid.grid.days, WEEKDAYS, strict=True)
        ],
        "week_error": week_error,
        "view": selectors.roster_view(site, start, start + timedelta(days=week_core.WEEK)),
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
_roster_page = ROSTER.page("shift", "requirement", "leader")


@login_required
def roster(request: HttpRequest) -> HttpResponse:
    """The roster (the week grid by default). A ``week`` naming no date shows this week under
    the reason, answered 400; nothing is written by a GET. A form sent from another week's page
    goes back to that week."""
    week, error = _week_asked(request)
    if request.method == "GET" and error:
        return ROSTER.show(request, ROSTER.load(request), status=400)
    response = _roster_page(request)
    back = response.get("Location", "")
    if week is not None and response.status_code == 302 and "?" not in back:
        response["Location"] = f"{back}?{urlencode({'week': week.isoformat()})}"  # same week
    return response


roster_action = ROSTER.view()
