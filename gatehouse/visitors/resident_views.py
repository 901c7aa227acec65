"""Resident self-service on a phone (URLs under /my/): invite a visitor (VI-02), answer the
gate's requests addressed to me (VI-01), see my visitors and my notices.

Everything is the signed-in resident's own: another resident's request or invitation is a 404;
staff without the resident role get a 403 from ``state_with``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gatehouse.access.services import notice_acknowledge
from gatehouse.accounts.models import Role
from gatehouse.console.context import state_with
from gatehouse.console.http import is_partial, render_partial
from gatehouse.console.selectors import resident_record
from gatehouse.core.errors import DomainError
from gatehouse.core.masking import mask_name
from gatehouse.people.models import Person
from gatehouse.visitors import invitations, selectors
from gatehouse.visitors.desk_views import window_initial
from gatehouse.visitors.forms import AnswerForm, InviteForm
from gatehouse.visitors.models import AnsweredVia, GateRequest, Invitation
from gatehouse.visitors.services import request_answer, requests_expire

RESIDENT_ROLES = frozenset({Role.RESIDENT})
HISTORY = 50


def _me(request: HttpRequest) -> Person | None:
    state = state_with(request, RESIDENT_ROLES)
    return resident_record(request.user, state.site)


def _me_or_404(request: HttpRequest) -> Person:
    me = _me(request)
    if me is None:
        raise Http404
    return me


def _unlinked(request: HttpRequest) -> HttpResponse:
    return render(request, "visitors/resident/unlinked.html")


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    if me is None:
        return _unlinked(request)
    context = {
        "me": me,
        "pending_count": selectors.waiting_count(me, timezone.now()),
        "unread_count": selectors.notices_of(me).filter(acknowledged_at__isnull=True).count(),
    }
    return render(request, "visitors/resident/home.html", context)


# -- invitations (VI-02) -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    if me is None:
        return _unlinked(request)
    now = timezone.now()
    error = ""
    if request.method == "POST":
        form = InviteForm(request.POST)
        if form.is_valid():
            try:
                inv = invitations.invitation_create(
                    host=me, actor=request.user, now=now, **form.service_kwargs()
                )
            except DomainError as exc:
                error = exc.message
            else:
                return redirect("resident:invitation", pk=inv.pk)
    else:
        form = InviteForm(initial=window_initial(now))
    status = 400 if error or form.errors else 200
    return render(
        request, "visitors/resident/invite.html", {"form": form, "error": error}, status=status
    )


@login_required
@require_GET
def invitation_list(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    if me is None:
        return _unlinked(request)
    rows = invitations.with_status(
        list(invitations.invitations_of(me).select_related("house")[:HISTORY]), timezone.now()
    )
    return render(request, "visitors/resident/invitations.html", {"invitations": rows})


def _invitation_context(inv: Invitation, **extra: Any) -> dict[str, Any]:
    invitations.with_status([inv], timezone.now())
    context = {"inv": inv, "qr": "", **extra}
    if inv.status_code in ("upcoming", "valid"):
        context["qr"] = invitations.qr_svg(invitations.invitation_qr(inv))
        context["terminal_qr"] = invitations.qr_svg(inv.terminal_code)
    return context


@login_required
@require_GET
def invitation(request: HttpRequest, pk: int) -> HttpResponse:
    me = _me_or_404(request)
    inv = get_object_or_404(invitations.invitations_of(me), pk=pk)
    return render(request, "visitors/resident/invitation.html", _invitation_context(inv))


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    me = _me_or_404(request)
    inv = get_object_or_404(invitations.invitations_of(me), pk=pk)
    try:
        invitations.invitation_revoke(invitation=inv, actor=request.user, now=timezone.now())
    except DomainError as exc:
        inv.refresh_from_db()
        context = _invitation_context(inv, error=exc.message)
        return render(request, "visitors/resident/invitation.html", context, status=400)
    return redirect("resident:invitation", pk=inv.pk)


# -- requests addressed to me (VI-01) ------------------------------------------------------------


def _requests_context(me: Person, now: Any, **extra: Any) -> dict[str, Any]:
    pending = list(selectors.waiting_for(me))
    for req in pending:
        req.seconds_left = max(0, int((req.deadline - now).total_seconds()))
        req.countdown = f"{req.seconds_left // 60}:{req.seconds_left % 60:02d}"
    return {"pending": pending, **extra}


def _render_requests(
    request: HttpRequest, me: Person, now: Any, status: int = 200, **extra: Any
) -> HttpResponse:
    context = _requests_context(me, now, **extra)
    return render_partial(
        request,
        "visitors/resident/requests.html",
        "visitors/resident/_requests.html",
        context,
        status,
    )


@login_required
@require_GET
def requests(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    if me is None:
        return _unlinked(request)
    now = timezone.now()
    requests_expire(site=me.site, now=now)
    return _render_requests(request, me, now)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    me = _me_or_404(request)
    now = timezone.now()
    req = get_object_or_404(GateRequest, pk=pk, host=me, site_id=me.site_id)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _render_requests(request, me, now, 400, error=_("请选择同意或拒绝"))
    try:
        request_answer(
            request=req,
            actor=request.user,
            granted=form.granted,
            via=AnsweredVia.HOST,
            now=now,
            note=form.cleaned_data["note"],
            host_home=form.host_home,
        )
    except DomainError as exc:
        if exc.code == "request.expired":
            requests_expire(site=me.site, now=now)  # record the refusal the error undid
        return _render_requests(request, me, now, 400, error=exc.message, error_code=exc.code)
    if not is_partial(request):
        return redirect("resident:requests")
    flash = _("已同意，门岗将放行") if form.granted else _("已拒绝")
    return _render_requests(request, me, now, flash=flash)


# -- my visitors and notices ---------------------------------------------------------------------


@login_required
@require_GET
def visitors(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    if me is None:
        return _unlinked(request)
    rows = selectors.visits_of(me, HISTORY)
    for visit in rows:
        visit.name_masked = mask_name(visit.name)
    return render(request, "visitors/resident/visitors.html", {"visits": rows})


@login_required
@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    if me is None:
        return _unlinked(request)
    return render(
        request,
        "visitors/resident/notices.html",
        {"notices": list(selectors.notices_of(me)[:HISTORY])},
    )


@login_required
@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    me = _me_or_404(request)
    notice = get_object_or_404(selectors.notices_of(me), pk=pk)
    notice_acknowledge(notice=notice, actor=request.user, now=timezone.now(), repeat_ok=True)
    return redirect("resident:notices")
