"""The front desk (客服前台): the queue of requests waiting for an answer (P-04…P-10, VI-01) and
invitations booked on behalf of a resident (VI-02).

The queue refreshes itself every 5 seconds (htmx); every read first refuses and records the
requests whose deadline has passed, so the desk never answers a stale one.
"""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gatehouse.accounts.models import Role
from gatehouse.console.context import SiteState, state_with
from gatehouse.console.http import is_partial, render_partial
from gatehouse.core.access import Entrant, Pending
from gatehouse.core.errors import DomainError
from gatehouse.core.masking import mask_name
from gatehouse.people.services import person_reveal
from gatehouse.visitors import invitations, selectors
from gatehouse.visitors.forms import AnswerForm, DeskInviteForm
from gatehouse.visitors.models import AnsweredVia, GateRequest, Invitation
from gatehouse.visitors.services import request_answer, requests_expire

DESK_ROLES = frozenset({Role.FRONT_DESK, Role.SECURITY_MANAGER})
RECENT = 20


def _queue_context(state: SiteState, now: Any, **extra: Any) -> dict[str, Any]:
    site = state.site
    pending = selectors.desk_queue(site)
    for req in pending:
        req.waited_minutes = max(0, int((now - req.created_at).total_seconds() // 60))
        req.seconds_left = max(0, int((req.deadline - now).total_seconds()))
        req.countdown = f"{req.seconds_left // 60}:{req.seconds_left % 60:02d}"
        req.is_approval = req.kind == Pending.APPROVAL
        req.is_elderly = req.entrant == Entrant.ELDERLY
        req.contact = req.host or req.person  # whom the desk calls
        req.contact_name = mask_name(req.contact.name) if req.contact else ""
        req.house_number = (req.details or {}).get("house") or (
            req.visit.house.number if req.visit and req.visit.house else ""
        )
    recent = selectors.desk_answered(site, RECENT)
    return {
        "pending": pending,
        "recent": recent,
        "is_manager": Role.SECURITY_MANAGER in state.roles,
        "now": now,
        **extra,
    }


def _render_queue(
    request: HttpRequest, state: SiteState, now: Any, status: int = 200, **extra: Any
) -> HttpResponse:
    context = _queue_context(state, now, **extra)
    return render_partial(
        request, "visitors/desk/queue.html", "visitors/desk/_queue.html", context, status
    )


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    state = state_with(request, DESK_ROLES)
    now = timezone.now()
    requests_expire(site=state.site, now=now)
    return _render_queue(request, state, now)


@login_required
@require_POST
def call_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """显示号码并拨打: the full phone of the person the desk must call about a pending request
    (its host, or the person at the gate), revealed on demand to the desk and audited with the
    request as the reason (``person.reveal``, counted against the hourly reveal quota). Shown in
    the call panel above the queue, which the queue's refresh leaves alone."""
    state = state_with(request, DESK_ROLES)
    now = timezone.now()
    req = next((r for r in selectors.desk_queue(state.site) if r.pk == pk), None)
    contact = (req.host or req.person) if req is not None else None
    if req is None or contact is None:
        raise Http404
    context: dict[str, Any] = {"req": req, "contact_name": mask_name(contact.name)}
    status = 200
    try:
        revealed = person_reveal(
            person=contact,
            actor=request.user,  # type: ignore[arg-type]
            reason=f"前台致电确认请求 #{req.pk}",
            now=now,
            phone_only=True,
        )
        context["phone"] = revealed.phone
    except DomainError as exc:
        context["call_error"] = exc.message
        status = 422
    response = render_partial(
        request,
        "visitors/desk/queue.html",
        "visitors/desk/_call.html",
        context,
        status,
        page_context=lambda: _queue_context(state, now, call=True),
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """同意 / 拒绝 after calling the host. Approval requests (staff without badge, tours
    without a letter) are a security manager's to answer."""
    state = state_with(request, DESK_ROLES)
    now = timezone.now()
    req = get_object_or_404(GateRequest, pk=pk, site=state.site)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _render_queue(request, state, now, 400, error=_("请选择同意或拒绝"))
    is_manager = Role.SECURITY_MANAGER in state.roles
    if req.kind == Pending.APPROVAL and not is_manager:
        return _render_queue(request, state, now, 403, error=_("该请求需要安保主管审批"))
    via = AnsweredVia.MANAGER if req.kind == Pending.APPROVAL else AnsweredVia.DESK
    try:
        request_answer(
            request=req,
            actor=request.user,
            granted=form.granted,
            via=via,
            now=now,
            note=form.cleaned_data["note"],
            host_home=form.host_home if req.entrant == Entrant.ELDERLY else None,
        )
    except DomainError as exc:
        if exc.code == "request.expired":
            # The service's own expiry is undone with its error; record the refusal now.
            requests_expire(site=state.site, now=now)
        return _render_queue(request, state, now, 400, error=exc.message, error_code=exc.code)
    done = _("已同意") if form.granted else _("已拒绝")
    if not is_partial(request):
        return redirect("desk:queue")
    return _render_queue(request, state, now, flash=f"{done}：{req.summary}")


# -- invitations booked at the desk (VI-02) ------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    state = state_with(request, DESK_ROLES)
    now = timezone.now()
    error = ""
    if request.method == "POST":
        form = DeskInviteForm(request.POST)
        if form.is_valid():
            try:
                inv = invitations.invitation_create_for_house(
                    site=state.site,
                    house_number=form.cleaned_data["house"],
                    actor=request.user,
                    now=now,
                    **form.service_kwargs(),
                )
            except DomainError as exc:
                error = exc.message
            else:
                return redirect("desk:invitation", pk=inv.pk)
    else:
        form = DeskInviteForm(initial=window_initial(now))
    context = {
        "form": form,
        "error": error,
        "recent": invitations.with_status(list(invitations.invitations_at(state.site)[:10]), now),
    }
    return render(request, "visitors/desk/invite.html", context, status=400 if error else 200)


def window_initial(now: Any) -> dict[str, Any]:
    """Today, from now to two hours later (to 23:59 when that crosses midnight)."""
    start = timezone.localtime(now).replace(second=0, microsecond=0)
    end = start + timedelta(hours=2)
    end_time = end.time() if end.date() == start.date() else time(23, 59)
    return {"date": start.date(), "start_time": start.time(), "end_time": end_time}


@login_required
@require_GET
def invitation(request: HttpRequest, pk: int) -> HttpResponse:
    state = state_with(request, DESK_ROLES)
    inv = get_object_or_404(invitations.invitations_at(state.site), pk=pk)
    return render(request, "visitors/desk/invitation.html", _invitation_context(inv))


def _invitation_context(inv: Invitation, **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    invitations.with_status([inv], now)
    payload = invitations.invitation_qr(inv)
    context = {"inv": inv, "payload": payload, "qr": "", **extra}
    if inv.status_code in ("upcoming", "valid"):
        context["qr"] = invitations.qr_svg(payload)
    return context


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    state = state_with(request, DESK_ROLES)
    inv = get_object_or_404(Invitation, pk=pk, site=state.site)
    try:
        invitations.invitation_revoke(invitation=inv, actor=request.user, now=timezone.now())
    except DomainError as exc:
        inv.refresh_from_db()
        context = _invitation_context(inv, error=exc.message)
        return render(request, "visitors/desk/invitation.html", context, status=400)
    return redirect("desk:invitation", pk=inv.pk)
