"""Pages of guard night patrols (SPEC S-04: routes of checkpoints, each scan timed, a missed or
late checkpoint flagged; the 夜间安保巡查记录表).
"""

from __future__ import annotations

from typing import Any

import segno
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods

from gatehouse.console.context import state_with
from gatehouse.console.http import renamed, render_partial, render_vary, run_form
from gatehouse.console.pages import Action
from gatehouse.guard.incidents import forms as incident_forms
from gatehouse.guard.incidents import services as incident_services
from gatehouse.guard.incidents.selectors import dispatch_of, open_dispatches
from gatehouse.guard.patrol import forms, selectors, services
from gatehouse.guard.web import MANAGER, MONITORING, PATROL, Confirm, Desk, desk, desk_page, row


def _route(at: Desk, routes: list[Any]) -> Any:
    """The route the page shows: the one asked for, else the first."""
    chosen = at.request.GET.get("route") or at.request.POST.get("route") or ""
    return next((r for r in routes if str(r.pk) == chosen), routes[0] if routes else None)


def _scan_form(at: Desk, routes: list[Any], data: Any = None) -> forms.ScanForm:
    route = _route(at, routes)
    return forms.ScanForm(
        *((data, at.request.FILES) if data is not None else ()),
        initial={"route": str(route.pk) if route else ""},
        choices={"route": [(str(r.pk), r.name) for r in routes]},
    )


def _patrol_context(at: Desk, **bound: Any) -> dict[str, Any]:
    routes = selectors.active_routes(at.site)
    route = _route(at, routes)
    status = []
    night = None
    if route is not None:
        night, states = selectors.route_status(route, at.now)
        names = selectors.stop_names(route)
        status = [
            {
                "s": s,
                "name": names.get(s.checkpoint, s.checkpoint),
                "label": selectors.state_label(s.state, s.minutes_late),
            }
            for s in states
        ]
    return {
        "routes": routes,
        "route": route,
        "night": night,
        "form": bound.get("form") or _scan_form(at, routes),
        "status": status,
        "dispatches": open_dispatches(at.site),
        "row_form": bound.get("row_form"),
        "result": bound.get("result"),
    }


# S-06: a dispatch the monitoring centre sent, received and closed from the patrol's phone (the
# close is also sent from the dispatch page: see incidents.views.dispatch_close).
CLOSE_DISPATCH = Action(
    incident_forms.DispatchCloseForm,
    "row_form",
    lambda s: incident_services.dispatch_close(
        dispatch=s.item, actor=s.actor, result=s.data["text"], now=s.now
    ),
    _lazy("调度任务已完成。"),
    item=row(PATROL | MONITORING, lambda at, pk: dispatch_of(at.site, pk)),
)

PATROL_PAGE = desk_page(
    "patrol",
    PATROL,
    _patrol_context,
    field_of=renamed({"result": "text"}),
    actions={
        "dispatch_ack": Action(
            Confirm,
            "row_form",
            lambda s: incident_services.dispatch_acknowledge(
                dispatch=s.item, actor=s.actor, now=s.now
            ),
            _lazy("已接收调度任务。"),
            item=row(PATROL, lambda at, pk: dispatch_of(at.site, pk)),
        ),
        "dispatch_close": CLOSE_DISPATCH,
    },
)
patrol_action = PATROL_PAGE.view()


@login_required
@require_http_methods(["GET", "POST"])
def patrol(request: HttpRequest) -> HttpResponse:
    """S-04: the patrol guard's phone page: scan a tag (camera) or type its code, note what was
    found, add photos. The answer is shown in place (the phone stays on the page): which round
    the scan counted for, on time or late; a refused scan shows why on its field."""
    at = PATROL_PAGE.load(request)
    if request.method == "GET":
        return PATROL_PAGE.show(request, at)
    routes = selectors.active_routes(at.site)
    form = _scan_form(at, routes, request.POST)
    result = run_form(
        form,
        lambda d: services.patrol_scan(
            route=next(r for r in routes if str(r.pk) == d["route"]),
            actor=request.user,
            code=d["code"],
            note=d["note"],
            photos=d["photos"],
            by_camera=bool(d["by_camera"]),
            now=at.now,
        ),
    )
    if result is None:
        context, status = _patrol_context(at, form=form), 422
    else:  # a scan that counted leaves an empty form for the next one
        context, status = _patrol_context(at, result=result), 200
    response = render_partial(
        request, "guard/patrol.html", "guard/_patrol_body.html", context, status
    )
    if status == 200:
        response["HX-Trigger"] = "patrol-scanned"
    return response


@login_required
@require_GET
def patrol_status(request: HttpRequest) -> HttpResponse:
    context = _patrol_context(desk(PATROL)(request))
    return render_vary(request, "guard/_patrol_status.html", context)


@login_required
@require_GET
def routes(request: HttpRequest) -> HttpResponse:
    """The routes with their checkpoints and time windows (edited in the admin)."""
    site = state_with(request, MANAGER).site
    rows = selectors.routes_with_stops(site)
    checkpoints = selectors.checkpoints(site)
    return render_vary(request, "guard/routes.html", {"rows": rows, "checkpoints": checkpoints})


@login_required
@require_GET
def tags(request: HttpRequest) -> HttpResponse:
    """Printable QR tags of the site's checkpoints, each with its typed code."""
    site = state_with(request, MANAGER).site
    cards = []
    for cp in selectors.checkpoints(site, only=request.GET.get("checkpoint")):
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
