"""Pages of guard roster and duty (SPEC S-01 posts and staffing, S-02 the leader on duty)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_http_methods, require_POST

from gatehouse.console.context import state_with
from gatehouse.console.http import render_vary
from gatehouse.core.errors import DomainError
from gatehouse.guard.roster import forms, selectors, services
from gatehouse.guard.web import MANAGER, found, pick_user, user_choices


def _roster_context(site: Any, now: datetime, **forms_: Any) -> dict[str, Any]:
    today = timezone.localtime(now).date()
    start = datetime.combine(today, time.min, tzinfo=timezone.get_current_timezone())
    view = selectors.roster_view(site, start, start + timedelta(days=7))
    posts = selectors.post_choices(site)
    return {
        "view": view,
        "shift_form": forms_.get("shift_form")
        or forms.ShiftForm(choices={"post": posts, "guard": user_choices(site)}),
        "req_form": forms_.get("req_form") or forms.RequirementForm(choices={"post": posts}),
        "leader_form": forms_.get("leader_form") or forms.LeaderForm(),
        "posts": posts,
    }


@login_required
@require_http_methods(["GET", "POST"])
def roster(request: HttpRequest) -> HttpResponse:
    """S-01 / S-02: the week's roster, the gaps before they happen, the leader on duty."""
    state = state_with(request, MANAGER)
    site, now = state.site, timezone.now()
    if request.method == "GET":
        return render_vary(request, "guard/roster.html", _roster_context(site, now))
    ctx = _roster_context(site, now)
    action = request.POST.get("action")
    try:
        if action == "shift":
            form = forms.ShiftForm(
                request.POST, choices={"post": ctx["posts"], "guard": user_choices(site)}
            )
            ctx["shift_form"] = form
            if form.is_valid():
                d = form.cleaned_data
                services.shift_add(
                    site=site,
                    actor=request.user,
                    post=found(selectors.post_of(site, d["post"])),
                    guard=pick_user(site, d["guard"]),
                    start=d["start"],
                    end=d["end"],
                    now=now,
                )
                messages.success(request, _t("已排班。"))
                return redirect("guard:roster")
        elif action == "requirement":
            form = forms.RequirementForm(request.POST, choices={"post": ctx["posts"]})
            ctx["req_form"] = form
            if form.is_valid():
                d = form.cleaned_data
                services.requirement_add(
                    site=site,
                    actor=request.user,
                    post=found(selectors.post_of(site, d["post"])),
                    headcount=d["headcount"],
                    from_hour=d["from_hour"],
                    to_hour=d["to_hour"],
                    weekdays=[int(x) for x in d["weekdays"]] or range(7),
                    on=d["on"],
                    now=now,
                )
                messages.success(request, _t("已保存岗位定员。"))
                return redirect("guard:roster")
        elif action == "leader":
            form = forms.LeaderForm(request.POST)
            ctx["leader_form"] = form
            if form.is_valid():
                services.leader_duty_add(
                    site=site, actor=request.user, now=now, **form.cleaned_data
                )
                messages.success(request, _t("已安排带班领导。"))
                return redirect("guard:roster")
        else:
            raise Http404
    except DomainError as exc:
        ctx["error"] = exc
    return render_vary(request, "guard/roster.html", ctx, status=422)


@login_required
@require_POST
def shift_delete(request: HttpRequest, pk: int) -> HttpResponse:
    state = state_with(request, MANAGER)
    shift = found(selectors.shift_of(state.site, pk))
    services.shift_delete(shift=shift, actor=request.user, now=timezone.now())
    messages.success(request, _t("已删除排班。"))
    return redirect("guard:roster")
