"""Epidemic pages of T8·2 and T8·11:

* /epidemic/mergers/ — unified entrances (合并出入口, M-05): the mergers the site is in, set up
  by a security manager of every member compound, and ended with a reason. The passages of the
  site's people through other members' entrances are the register
  ``epidemic:merged_passages``.
* /epidemic/commitments/ — the property company's written commitment (承诺书) for an epidemic
  period: recorded with its signed scan, the blank template as an A4 PDF to print and sign.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gatehouse.access.modes import may_manage
from gatehouse.admission.uploads import content_type_of
from gatehouse.console.context import SiteState, state_with
from gatehouse.console.http import form_error
from gatehouse.console.pages import found_or_404
from gatehouse.core.errors import DomainError
from gatehouse.epidemic import selectors, services
from gatehouse.epidemic.forms import (
    DEFAULT_COMMITMENTS,
    CommitmentForm,
    MergerEndForm,
    MergerForm,
)
from gatehouse.epidemic.views import STAFF_ROLES
from gatehouse.registers.paper import document_response


def _merger_form(request: HttpRequest, state: SiteState, data: Any = None) -> MergerForm:
    sites = selectors.managed_sites(request.user)
    now = timezone.localtime()
    return MergerForm(
        data,
        sites=[(s.pk, s.name) for s in sites],
        gates=[(g.pk, f"{g.site.name}·{g.name}") for g in selectors.gates_of(sites)],
        initial={
            "members": [str(state.site.pk)],
            "valid_from": now.replace(second=0, microsecond=0),
        },
    )


def _mergers_page(
    request: HttpRequest,
    state: SiteState,
    *,
    form: MergerForm | None = None,
    end_form: MergerEndForm | None = None,
    ending: int | None = None,
    code: str = "",
) -> HttpResponse:
    context = {
        "site": state.site,
        "manager": may_manage(request.user, state.site),
        "form": form or _merger_form(request, state),
        "end_form": end_form or MergerEndForm(),
        "ending": ending,
        "mergers": selectors.mergers_of(state.site),
        "now": timezone.now(),
        "error_code": code,
    }
    return render(request, "epidemic/mergers.html", context, status=422 if code else 200)


@login_required
@require_http_methods(["GET", "POST"])
def mergers(request: HttpRequest) -> HttpResponse:
    """The site's unified entrances (M-05), and a new merger set up by a security manager."""
    state = state_with(request, STAFF_ROLES)
    if request.method != "POST":
        return _mergers_page(request, state)
    if not may_manage(request.user, state.site):
        raise PermissionDenied
    form = _merger_form(request, state, request.POST)
    code = "form.invalid"
    if form.is_valid():
        try:
            services.merger_set_up(
                site=state.site, actor=request.user, now=timezone.now(), **form.service_kwargs()
            )
        except DomainError as exc:
            form_error(form, exc)
            code = exc.code
        else:
            messages.success(request, _("合并出入口已设立"))
            return redirect("epidemic:mergers")
    return _mergers_page(request, state, form=form, code=code)


@login_required
@require_POST
def merger_end(request: HttpRequest, pk: int) -> HttpResponse:
    """End a merger: the members' own rules stand again at once (M-05)."""
    state = state_with(request, STAFF_ROLES)
    merger = found_or_404(selectors.merger_at(state.site, pk))
    if not may_manage(request.user, state.site):
        raise PermissionDenied
    form = MergerEndForm(request.POST)
    code = "form.invalid"
    if form.is_valid():
        try:
            services.merger_end(
                merger=merger,
                actor=request.user,
                reason=form.cleaned_data["end_reason"],
                now=timezone.now(),
            )
        except DomainError as exc:
            form_error(form, exc, "end_reason")
            code = exc.code
        else:
            messages.success(request, _("合并出入口已解除，各小区恢复原有出入口规则"))
            return redirect("epidemic:mergers")
    return _mergers_page(request, state, end_form=form, ending=merger.pk, code=code)


# -- the property company's commitment (T8·11) ------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def commitments(request: HttpRequest) -> HttpResponse:
    """The site's commitments, the current one marked; a new one recorded by the manager."""
    state = state_with(request, STAFF_ROLES)
    form = CommitmentForm(request.POST or None, request.FILES or None)
    code = ""
    if request.method == "POST":
        if not may_manage(request.user, state.site):
            raise PermissionDenied
        code = "form.invalid"
        if form.is_valid():
            try:
                services.commitment_record(
                    site=state.site, actor=request.user, now=timezone.now(), **form.cleaned_data
                )
            except DomainError as exc:
                form_error(form, exc)
                code = exc.code
            else:
                messages.success(request, _("物业承诺书已登记"))
                return redirect("epidemic:commitments")
    today = timezone.localdate()
    context = {
        "site": state.site,
        "manager": may_manage(request.user, state.site),
        "form": form,
        "commitments": selectors.commitments(state.site),
        "current": selectors.current_commitment(state.site, today),
        "missing": selectors.commitment_missing(state.site, today),
        "today": today,
        "error_code": code,
    }
    return render(request, "epidemic/commitments.html", context, status=422 if code else 200)


@login_required
@require_GET
def commitment_template(request: HttpRequest) -> FileResponse:
    """The blank commitment as an A4 PDF, to print, sign and stamp (T8·11)."""
    state = state_with(request, STAFF_ROLES)
    now = timezone.now()
    return document_response(
        "epidemic/commitment_paper.html",
        {"items": DEFAULT_COMMITMENTS, "site": state.site},
        title=_("疫情防控承诺书"),
        site=state.site,
        now=now,
        name=f"commitment-{timezone.localdate(now):%Y%m%d}",
    )


@login_required
@require_GET
def commitment_scan(request: HttpRequest, pk: int) -> FileResponse:
    """The signed scan, to the site's staff only; never stored by the browser."""
    state = state_with(request, STAFF_ROLES)
    commitment = found_or_404(selectors.commitment_at(state.site, pk))
    response = FileResponse(
        commitment.scan.open("rb"), content_type=content_type_of(commitment.scan_name)
    )
    response["Cache-Control"] = "private, no-store"
    return response
