"""Pages of guard night patrols (SPEC S-04: routes of checkpoints, each scan timed, a missed or
late checkpoint flagged; the 夜间安保巡查记录表).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import segno
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from gatehouse.console.context import state_with
from gatehouse.console.http import is_partial, render_vary
from gatehouse.core.errors import DomainError
from gatehouse.guard.incidents.selectors import open_dispatches
from gatehouse.guard.patrol import forms, selectors, services
from gatehouse.guard.web import MANAGER, PATROL


def _patrol_context(request: HttpRequest, site: Any, now: datetime, **extra: Any) -> dict[str, Any]:
    routes = selectors.active_routes(site)
    chosen = request.GET.get("route") or request.POST.get("route") or ""
    route = next((r for r in routes if str(r.pk) == chosen), routes[0] if routes else None)
    form = extra.pop("form", None) or forms.ScanForm(
        initial={"route": str(route.pk) if route else ""},
        choices={"route": [(str(r.pk), r.name) for r in routes]},
    )
    status = []
    night = None
    if route is not None:
        night, states = selectors.route_status(route, now)
        names = selectors.stop_names(route)
        status = [
            {
                "s": s,
                "name": names.get(s.checkpoint, s.checkpoint),
                "label": selectors.state_label(s.state, s.minutes_late),
            }
            for s in states
        ]
    dispatches = open_dispatches(site)
    return {
        "routes": routes,
        "route": route,
        "night": night,
        "form": form,
        "status": status,
        "dispatches": dispatches,
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def patrol(request: HttpRequest) -> HttpResponse:
    """S-04: the patrol guard's phone page: scan a tag (camera) or type its code, note what was
    found, add photos. The answer says which round it counted for, on time or late."""
    state = state_with(request, PATROL)
    site, now = state.site, timezone.now()
    if request.method == "GET":
        return render_vary(request, "guard/patrol.html", _patrol_context(request, site, now))
    routes = selectors.active_routes(site)
    form = forms.ScanForm(
        request.POST, request.FILES, choices={"route": [(str(r.pk), r.name) for r in routes]}
    )
    extra: dict[str, Any] = {}
    status = 422
    if form.is_valid():
        d = form.cleaned_data
        route = next(r for r in routes if str(r.pk) == d["route"])
        try:
            result = services.patrol_scan(
                route=route,
                actor=request.user,
                code=d["code"],
                note=d["note"],
                photos=d["photos"],
                by_camera=bool(d["by_camera"]),
                now=now,
            )
        except DomainError as exc:
            extra["error"] = exc
        else:
            status = 200
            extra["result"] = result
    else:
        extra["form_errors"] = True
    # a scan that counted leaves an empty form for the next one
    shown = form if status != 200 else None
    ctx = _patrol_context(request, site, now, form=shown, **extra)
    if is_partial(request):
        response = render_vary(request, "guard/_patrol_body.html", ctx, status=status)
        if status == 200:
            response["HX-Trigger"] = "patrol-scanned"
        return response
    return render_vary(request, "guard/patrol.html", ctx, status=status)


@login_required
@require_GET
def patrol_status(request: HttpRequest) -> HttpResponse:
    state = state_with(request, PATROL)
    ctx = _patrol_context(request, state.site, timezone.now())
    return render_vary(request, "guard/_patrol_status.html", ctx)


@login_required
@require_GET
def routes(request: HttpRequest) -> HttpResponse:
    """The routes with their checkpoints and time windows (edited in the admin)."""
    state = state_with(request, MANAGER)
    site = state.site
    rows = selectors.routes_with_stops(site)
    checkpoints = selectors.checkpoints(site)
    return render_vary(request, "guard/routes.html", {"rows": rows, "checkpoints": checkpoints})


@login_required
@require_GET
def tags(request: HttpRequest) -> HttpResponse:
    """Printable QR tags of the site's checkpoints, each with its typed code."""
    state = state_with(request, MANAGER)
    site = state.site
    found = selectors.checkpoints(site, only=request.GET.get("checkpoint"))
    cards = []
    for cp in found:
        svg = segno.make(services.tag_payload(cp), error="m").svg_inline(
            scale=5, border=2, title=cp.name
        )
        cards.append(
            {
                "cp": cp,
                "code": services.tag_code(cp),
                "svg": mark_safe(svg),  # noqa: S308 -- segno renders our own signed payload
            }
        )
    return render_vary(request, "guard/tags.html", {"cards": cards, "site": site})
