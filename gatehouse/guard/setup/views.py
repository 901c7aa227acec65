"""The security manager's set-up pages (issue 17 §6), beside the admin: create and edit a patrol
route (/guard/patrol/routes/new/, …/<pk>/edit/), an emergency plan (/guard/emergency/plans/…)
and the site's guard settings (/guard/settings/). Security managers of the site only (403
otherwise); another site's route or plan is a 404; a refused form comes back with its message
(422), nothing written."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gatehouse.console.context import state_with
from gatehouse.console.http import render_vary, run_form
from gatehouse.console.pages import found_or_404
from gatehouse.core.guard_setup import SETTING_BOUNDS, chain_text
from gatehouse.guard.models import PatrolRoute
from gatehouse.guard.patrol import selectors as patrol_selectors
from gatehouse.guard.setup import selectors, services
from gatehouse.guard.setup.forms import PlanForm, RouteForm, SettingsForm
from gatehouse.guard.web import MANAGER


def _route_initial(route: PatrolRoute) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "name": route.name,
        "first_round": route.first_round,
        "rounds": route.rounds,
        "every_minutes": route.every_minutes,
        "window_minutes": route.window_minutes,
        "grace_minutes": route.grace_minutes,
        "is_active": route.is_active,
    }
    for checkpoint, place in selectors.stop_places(route).items():
        initial[f"cp_{checkpoint}"] = place
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def route_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    site = state_with(request, MANAGER).site
    route = found_or_404(selectors.route_of(site, pk)) if pk else None
    checkpoints = list(patrol_selectors.checkpoints(site))
    if request.method != "POST":
        initial = (
            _route_initial(route)
            if route is not None
            else {"rounds": 3, "every_minutes": 120, "grace_minutes": 15, "is_active": True}
        )
        form = RouteForm(initial=initial, checkpoints=checkpoints)
        return render_vary(request, "guard/route_form.html", {"form": form, "route": route})
    form = RouteForm(request.POST, checkpoints=checkpoints)
    saved = run_form(
        form,
        lambda data: services.route_save(
            site=site, actor=request.user, now=timezone.now(), route=route, **form.service_kwargs()
        ),
    )
    if saved is None:
        return render_vary(
            request, "guard/route_form.html", {"form": form, "route": route}, status=422
        )
    messages.success(request, _("巡更路线已保存。"))
    return redirect("guard:routes")


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    site = state_with(request, MANAGER).site
    plan = found_or_404(selectors.plan_of(site, pk)) if pk else None
    if request.method != "POST":
        initial: dict[str, Any] = {"is_active": True}
        if plan is not None:
            chain = chain_text(selectors.chain_of(plan))
            initial = {"name": plan.name, "chain": chain, "is_active": plan.is_active}
        form = PlanForm(initial=initial)
        return render_vary(request, "guard/plan_form.html", {"form": form, "plan": plan})
    form = PlanForm(request.POST)
    saved = run_form(
        form,
        lambda data: services.plan_save(
            site=site, actor=request.user, now=timezone.now(), plan=plan, **data
        ),
    )
    if saved is None:
        return render_vary(
            request, "guard/plan_form.html", {"form": form, "plan": plan}, status=422
        )
    messages.success(request, _("应急预案已保存。"))
    return redirect("guard:emergency")


@login_required
@require_http_methods(["GET", "POST"])
def settings_edit(request: HttpRequest) -> HttpResponse:
    site = state_with(request, MANAGER).site
    if request.method != "POST":
        conf = selectors.settings_of(site)
        form = SettingsForm(initial={f: getattr(conf, f) for f in SETTING_BOUNDS})
        return render_vary(request, "guard/settings_form.html", {"form": form})
    form = SettingsForm(request.POST)
    saved = run_form(
        form,
        lambda data: services.settings_save(
            site=site, actor=request.user, now=timezone.now(), values=data
        ),
    )
    if saved is None:
        return render_vary(request, "guard/settings_form.html", {"form": form}, status=422)
    messages.success(request, _("安保参数已保存。"))
    return redirect("guard:settings")
