"""Pass pages for the service centre and the security manager (URLs under /passes/).

Thin: ``site_with`` for the site and the role, a form, one service call, render."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from gatehouse.accounts.models import Role
from gatehouse.console.context import site_with
from gatehouse.console.http import render_partial, run_form
from gatehouse.console.pages import Action, RecordPage
from gatehouse.registers.paper import document_response
from gatehouse.sites.models import Site
from gatehouse.visitors import passes
from gatehouse.visitors.models import Pass
from gatehouse.visitors.pass_forms import PassFilterForm, PassIssueForm, PassRevokeForm

PASS_ROLES = frozenset(str(role) for role in (Role.FRONT_DESK, Role.SECURITY_MANAGER))
PER_PAGE = 20
STATUS_LABELS = {
    passes.PassStatus.ACTIVE: gettext_lazy("有效"),
    passes.PassStatus.EXPIRED: gettext_lazy("已过期"),
    passes.PassStatus.REVOKED: gettext_lazy("已撤销"),
}


def _pass_here(request: HttpRequest, pk: int) -> tuple[Site, Pass]:
    site = site_with(request, PASS_ROLES)
    found = passes.pass_at(site, pk)
    if found is None:
        raise Http404
    return site, found


def _status(p: Pass, now: Any) -> dict[str, Any]:
    code = passes.pass_status(p, now)
    return {"code": code, "label": STATUS_LABELS[code]}


@login_required
@require_GET
def pass_list(request: HttpRequest) -> HttpResponse:
    site = site_with(request, PASS_ROLES)
    now = timezone.now()
    form = PassFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        found = passes.search_passes(site, now=now, **form.cleaned_data)
    elif form.is_bound:
        found = Pass.objects.none()
    else:
        found = passes.search_passes(site, now=now)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    rows = [{"pass": p, "status": _status(p, now)} for p in page.object_list]
    context = {"form": form, "page": page, "rows": rows}
    return render_partial(
        request, "visitors/passes/list.html", "visitors/passes/_results.html", context
    )


@login_required
@require_http_methods(["GET", "POST"])
def pass_issue(request: HttpRequest) -> HttpResponse:
    site = site_with(request, PASS_ROLES)
    now = timezone.now()
    if request.method == "POST":
        form = PassIssueForm(request.POST)
        issued = run_form(
            form,
            lambda data: passes.pass_issue(site=site, actor=request.user, now=now, **data),
        )
        if issued is not None:
            messages.success(request, _("出入证 %(number)s 已签发") % {"number": issued.number})
            return redirect("passes:detail", pk=issued.pk)
        return render(request, "visitors/passes/issue.html", {"form": form}, status=422)
    start = timezone.localtime(now).replace(second=0, microsecond=0)
    kind = request.GET.get("kind", "")
    form = PassIssueForm(
        initial={
            "kind": kind or "decoration",
            "valid_from": start,
            "valid_until": start + timedelta(days=7),
        }
    )
    return render(request, "visitors/passes/issue.html", {"form": form})


def _detail_context(p: Pass, **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "pass": p,
        "status": _status(p, now),
        "revoke_form": extra.pop("revoke_form", None) or PassRevokeForm(),
        "visits": list(p.visits.order_by("-registered_at")[:20]),
        **extra,
    }


def _pass_of(request: HttpRequest, pk: int) -> Pass:
    return _pass_here(request, pk)[1]


def _revoked(p: Pass) -> str:
    return _("出入证 %(number)s 已撤销") % {"number": p.number}


PASS = RecordPage(
    template="visitors/passes/detail.html",
    url_name="passes:detail",
    context=_detail_context,
    load=_pass_of,
    field_of=lambda exc: "reason",
    actions={
        "revoke": Action(
            PassRevokeForm,
            "revoke_form",
            lambda s: passes.pass_revoke(
                pass_=s.record, actor=s.actor, reason=s.data["reason"], now=s.now
            ),
            _revoked,
        ),
    },
)
pass_action = PASS.view()
pass_detail = PASS.page()


@login_required
@require_GET
def pass_print(request: HttpRequest, pk: int) -> HttpResponse:
    site, found = _pass_here(request, pk)
    payload = passes.pass_qr(found)
    svg = segno.make(payload, error="m").svg_inline(scale=4, border=2, title=found.number)
    context = {
        "pass": found,
        "site": site,
        "status": _status(found, timezone.now()),
        "qr_svg": mark_safe(svg),  # noqa: S308 -- segno renders our own signed payload
        # The terminal code, for a terminal's QR reader (it takes the QR as a card number).
        "terminal_qr_svg": mark_safe(  # noqa: S308 -- segno renders our own digits
            segno.make(found.terminal_code, error="m").svg_inline(scale=4, border=2)
        ),
    }
    if request.GET.get("print") == "pdf":
        return document_response(
            "visitors/passes/paper.html",
            context,
            title=found.get_kind_display(),
            site=site,
            now=timezone.now(),
            name=found.number,
        )
    response = render(request, "visitors/passes/print.html", context)
    response["Cache-Control"] = "no-store"
    return response
