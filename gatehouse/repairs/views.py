"""The repair pages (issue 17 §4; GV-05 小修不过夜).

* The resident, on the phone under /my/repairs/: file a repair for one of their houses with
  photos, follow it, confirm it is repaired or reopen it. Another resident's order is a 404.
* The maintenance worker, on the phone under /repairs/work/: the orders dispatched to them,
  open ones by due time; start, and finish with a note and photos. Another's order is a 404.
* The service centre (客服前台, 安保主管) under /repairs/: the register (engine; filters, xlsx,
  A4), one order's page with the dispatch and the return visit (回访).

Photos are served to those three only, ``private, no-store``. Thin views: the role from
``state_with``, a form, one service call (its domain error lands on the form, 422).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gatehouse.accounts.actor import actor_name
from gatehouse.console.context import state_with
from gatehouse.console.http import run_form
from gatehouse.console.pages import found_or_404
from gatehouse.console.selectors import resident_record
from gatehouse.core.repairs import late, overdue
from gatehouse.people.models import Person
from gatehouse.repairs import selectors, services
from gatehouse.repairs.forms import (
    DispatchForm,
    EmptyForm,
    FileForm,
    FinishForm,
    ReopenForm,
    VisitForm,
)
from gatehouse.repairs.models import RepairOrder
from gatehouse.repairs.roles import DESK_ROLES, RESIDENT_ROLES, WORKER_ROLES

PHOTO_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}
HISTORY = 30


def _decorate(order: RepairOrder) -> RepairOrder:
    now = timezone.now()
    order.is_overdue = overdue(order.due_at, order.finished_at, now)  # type: ignore[attr-defined]
    order.is_late = late(order.due_at, order.finished_at, now)  # type: ignore[attr-defined]
    order.worker_name = actor_name(order.assignee, "")  # type: ignore[attr-defined]
    return order


def _context(order: RepairOrder, **extra: Any) -> dict[str, Any]:
    photos = selectors.photos_of(order)
    return {
        "order": _decorate(order),
        "filed_photos": [p for p in photos if p.stage == "filed"],
        "finished_photos": [p for p in photos if p.stage == "finished"],
        **extra,
    }


def _act(
    request: HttpRequest,
    form: forms.Form,
    call: Callable[[dict[str, Any]], Any],
    done: str,
    back: str,
    order: RepairOrder,
    failed: Callable[[forms.Form], HttpResponse],
) -> HttpResponse:
    made = run_form(form, call)
    if made is None:
        return failed(form)
    messages.success(request, done)
    return redirect(back, pk=order.pk)


# -- the resident's phone ------------------------------------------------------------------------


def _me(request: HttpRequest) -> Person | None:
    state = state_with(request, RESIDENT_ROLES)
    return resident_record(request.user, state.site)


@login_required
@require_GET
def my_orders(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    if me is None:
        return render(request, "visitors/resident/unlinked.html")
    orders = [_decorate(o) for o in selectors.orders_of(me)[:HISTORY]]
    return render(request, "repairs/my/list.html", {"orders": orders})


@login_required
@require_http_methods(["GET", "POST"])
def my_new(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    if me is None:
        return render(request, "visitors/resident/unlinked.html")
    houses = [(str(h.pk), h.number) for h in services.houses_of(me)]
    if request.method != "POST":
        return render(request, "repairs/my/new.html", {"form": FileForm(houses=houses)})
    form = FileForm(request.POST, request.FILES, houses=houses)

    def call(data: dict[str, Any]) -> RepairOrder:
        return services.repair_file(resident=me, actor=request.user, now=timezone.now(), **data)

    made = run_form(form, call)
    if made is None:
        return render(request, "repairs/my/new.html", {"form": form}, status=422)
    messages.success(
        request,
        _("已报修，单号 %(number)s，应于 %(due)s 前修好")
        % {"number": made.number, "due": f"{timezone.localtime(made.due_at):%m-%d %H:%M}"},
    )
    return redirect("repairs:my_order", pk=made.pk)


def _my_order(request: HttpRequest, pk: int) -> tuple[Person, RepairOrder]:
    me = _me(request)
    if me is None:
        raise Http404
    return me, found_or_404(selectors.orders_of(me).filter(pk=pk).first())


@login_required
@require_GET
def my_order(request: HttpRequest, pk: int) -> HttpResponse:
    _mine, order = _my_order(request, pk)
    return render(request, "repairs/my/detail.html", _context(order, reopen_form=ReopenForm()))


@login_required
@require_POST
def my_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    me, order = _my_order(request, pk)
    return _act(
        request,
        EmptyForm(request.POST),
        lambda data: services.repair_confirm(
            order=order, resident=me, actor=request.user, now=timezone.now()
        ),
        _("已确认修好，感谢您的配合。"),
        "repairs:my_order",
        order,
        lambda form: _my_refused(request, order, form, "confirm"),
    )


@login_required
@require_POST
def my_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    me, order = _my_order(request, pk)
    return _act(
        request,
        ReopenForm(request.POST),
        lambda data: services.repair_reopen(
            order=order, resident=me, actor=request.user, now=timezone.now(), **data
        ),
        _("已重新报修，维修人员会再来处理。"),
        "repairs:my_order",
        order,
        lambda form: _my_refused(request, order, form, "reopen"),
    )


def _my_refused(request: HttpRequest, order: RepairOrder, form: forms.Form, which: str) -> Any:
    context = _context(order, reopen_form=form if which == "reopen" else ReopenForm())
    context["refused"] = form.non_field_errors()
    return render(request, "repairs/my/detail.html", context, status=422)


# -- the maintenance worker's phone --------------------------------------------------------------


@login_required
@require_GET
def work_list(request: HttpRequest) -> HttpResponse:
    state = state_with(request, WORKER_ROLES)
    orders = [_decorate(o) for o in selectors.work_of(state.site, request.user)[: HISTORY * 2]]
    open_orders = [o for o in orders if o.finished_at is None]
    done = [o for o in orders if o.finished_at is not None][:HISTORY]
    return render(request, "repairs/work/list.html", {"open_orders": open_orders, "done": done})


def _work_order(request: HttpRequest, pk: int) -> RepairOrder:
    state = state_with(request, WORKER_ROLES)
    return found_or_404(selectors.work_of(state.site, request.user).filter(pk=pk).first())


@login_required
@require_GET
def work_order(request: HttpRequest, pk: int) -> HttpResponse:
    order = _work_order(request, pk)
    return render(request, "repairs/work/detail.html", _context(order, finish_form=FinishForm()))


def _work_refused(request: HttpRequest, order: RepairOrder, form: forms.Form) -> HttpResponse:
    context = _context(order, finish_form=form if isinstance(form, FinishForm) else FinishForm())
    context["refused"] = form.non_field_errors()
    return render(request, "repairs/work/detail.html", context, status=422)


@login_required
@require_POST
def work_start(request: HttpRequest, pk: int) -> HttpResponse:
    order = _work_order(request, pk)
    return _act(
        request,
        EmptyForm(request.POST),
        lambda data: services.repair_start(order=order, actor=request.user, now=timezone.now()),
        _("已开始维修。"),
        "repairs:work_order",
        order,
        lambda form: _work_refused(request, order, form),
    )


@login_required
@require_POST
def work_finish(request: HttpRequest, pk: int) -> HttpResponse:
    order = _work_order(request, pk)
    return _act(
        request,
        FinishForm(request.POST, request.FILES),
        lambda data: services.repair_finish(
            order=order, actor=request.user, now=timezone.now(), **data
        ),
        _("已完工，等待住户确认。"),
        "repairs:work_order",
        order,
        lambda form: _work_refused(request, order, form),
    )


# -- the service centre --------------------------------------------------------------------------


def _desk_order(request: HttpRequest, pk: int) -> RepairOrder:
    state = state_with(request, DESK_ROLES)
    return found_or_404(selectors.order_at(state.site, pk))


def _workers(order: RepairOrder) -> list[tuple[str, str]]:
    return [(str(w.pk), actor_name(w)) for w in services.workers_of(order.site)]


def _desk_context(order: RepairOrder, **bound: Any) -> dict[str, Any]:
    return _context(
        order,
        dispatch_form=bound.get("dispatch_form")
        or DispatchForm(
            workers=_workers(order),
            initial={"assignee": str(order.assignee_id) if order.assignee_id else ""},
        ),
        visit_form=bound.get("visit_form") or VisitForm(),
        resident_name=order.resident.name if order.resident is not None else "",
    )


@login_required
@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _desk_order(request, pk)
    return render(request, "repairs/detail.html", _desk_context(order))


@login_required
@require_POST
def order_dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    order = _desk_order(request, pk)
    form = DispatchForm(request.POST, workers=_workers(order))
    return _act(
        request,
        form,
        lambda data: services.repair_dispatch(
            order=order, actor=request.user, now=timezone.now(), **data
        ),
        _("已派单。"),
        "repairs:order",
        order,
        lambda f: render(
            request, "repairs/detail.html", _desk_context(order, dispatch_form=f), status=422
        ),
    )


@login_required
@require_POST
def order_visit(request: HttpRequest, pk: int) -> HttpResponse:
    order = _desk_order(request, pk)
    return _act(
        request,
        VisitForm(request.POST),
        lambda data: services.repair_visit(
            order=order, actor=request.user, now=timezone.now(), **data
        ),
        _("回访已登记，工单办结。"),
        "repairs:order",
        order,
        lambda f: render(
            request, "repairs/detail.html", _desk_context(order, visit_form=f), status=422
        ),
    )


# -- photos --------------------------------------------------------------------------------------


@login_required
@require_GET
def photo(request: HttpRequest, order: int, pk: int) -> FileResponse:
    """A repair photo, to the order's resident, the service centre and its worker only; private
    and never stored by the browser."""
    state = state_with(request, DESK_ROLES | WORKER_ROLES | RESIDENT_ROLES)
    p = found_or_404(selectors.photo_at(state.site, order, pk))
    o = p.order
    allowed = state.has_any(DESK_ROLES) or (
        state.has_any(WORKER_ROLES) and o.assignee_id == request.user.pk
    )
    if not allowed and state.has_any(RESIDENT_ROLES):
        me = resident_record(request.user, state.site)
        allowed = me is not None and o.resident_id == me.pk
    if not allowed:
        raise Http404
    suffix = p.name.rsplit(".", 1)[-1].lower() if "." in p.name else ""
    kind = PHOTO_TYPES.get(f".{suffix}", "application/octet-stream")
    response = FileResponse(p.file.open("rb"), content_type=kind)
    response["Cache-Control"] = "private, no-store"
    return response
