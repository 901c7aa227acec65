"""Vehicle pass pages (《车辆出入证》, V-10, PK-06) for the front desk and the security manager:
apply/issue, revoke for misuse, reissue, return, print (the list of passes is a register,
declared in ``parking/registers.py``). Thin: the site and the role from
``site_with``, a form, one service call, render."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gatehouse.console.context import site_with
from gatehouse.console.http import renamed, render_partial, run_form
from gatehouse.parking import selectors, services
from gatehouse.parking.forms import (
    PassIssueForm,
    PassReissueForm,
    PassReturnForm,
    PassRevokeForm,
    PersonSearchForm,
)
from gatehouse.parking.models import PassStatus, VehiclePass
from gatehouse.parking.views import DESK_ROLES, holder_from_request, people_found
from gatehouse.sites.models import Site

# service error field -> form field
_ISSUE_FIELDS = {"documents": "id_checked"}


def _pass_here(request: HttpRequest, pk: int) -> tuple[Site, VehiclePass]:
    site = site_with(request, DESK_ROLES)
    found = selectors.vehicle_pass_at(site, pk)
    if found is None:
        raise Http404
    return site, found


def space_choices(site: Site) -> list[tuple[str, str]]:
    return [(str(s.pk), f"{s.garage.name} {s.number}") for s in selectors.spaces(site)]


@login_required
@require_http_methods(["GET", "POST"])
def pass_issue(request: HttpRequest) -> HttpResponse:
    """Apply for and issue a pass: find the holder, check the papers (V-10), take the deposit
    and card fee (PK-06)."""
    site = site_with(request, DESK_ROLES)
    now = timezone.now()
    holder = holder_from_request(request, site)
    search = PersonSearchForm(request.GET or None)
    q = search.cleaned_data["q"] if search.is_bound and search.is_valid() else ""
    context: dict[str, Any] = {
        "search": search,
        "people": people_found(site, q) if holder is None else [],
        "holder": holder,
        "price": selectors.pass_price(site, now),
    }
    if holder is None:
        return render_partial(
            request, "parking/pass_issue.html", "parking/_person_pick.html", context
        )
    spaces = space_choices(site)
    if request.method == "POST":
        form = PassIssueForm(request.POST, spaces=spaces)
        issued = run_form(
            form,
            lambda data: services.pass_issue(
                site=site,
                actor=request.user,
                holder=holder,
                plate=data["plate"],
                kind=data["kind"],
                method=data["method"],
                space=selectors.space_at(site, int(data["space"])) if data["space"] else None,
                id_checked=data["id_checked"],
                vehicle_licence_checked=data["vehicle_licence_checked"],
                driving_licence_checked=data["driving_licence_checked"],
                insurance_checked=data["insurance_checked"],
                insurance_valid_until=data["insurance_valid_until"],
                environmental_label=data["environmental_label"],
                valid_until=data["valid_until"],
                now=now,
            ),
            field_of=renamed(_ISSUE_FIELDS),
        )
        if issued is not None:
            messages.success(
                request, _t("车辆出入证 %(number)s 已办理") % {"number": issued.number}
            )
            return redirect("parking:pass_detail", pk=issued.pk)
        context["form"] = form
        return render(request, "parking/pass_issue.html", context, status=422)
    vehicles = list(holder.vehicles.order_by("plate"))
    kind = "tenant" if holder.kind == "tenant" else "owner" if holder.kind == "owner" else ""
    context["form"] = PassIssueForm(
        initial={
            "holder": holder.pk,
            "plate": vehicles[0].plate if len(vehicles) == 1 else "",
            "kind": kind,
            "method": "cash",
        },
        spaces=spaces,
    )
    return render(request, "parking/pass_issue.html", context)


def _detail_context(p: VehiclePass, **forms: Any) -> dict[str, Any]:
    return {
        "pass": p,
        "revoke_form": forms.get("revoke_form") or PassRevokeForm(),
        "reissue_form": forms.get("reissue_form") or PassReissueForm(initial={"method": "cash"}),
        "return_form": forms.get("return_form") or PassReturnForm(initial={"method": "cash"}),
        "money": selectors.transactions(p.site, ref=p.ref),
        "replacements": list(p.replacements.order_by("-issued_at")),
        "price": selectors.pass_price(p.site, timezone.now()),
        "active": p.status == PassStatus.ACTIVE,
    }


@login_required
@require_GET
def pass_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _site, found = _pass_here(request, pk)
    return render(request, "parking/pass_detail.html", _detail_context(found))


@login_required
@require_POST
def pass_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """V-10: a pass lent to someone else is taken back; its deposit is forfeited."""
    _site, found = _pass_here(request, pk)
    form = PassRevokeForm(request.POST)
    result = run_form(
        form,
        lambda data: services.pass_revoke_for_misuse(
            vehicle_pass=found,
            actor=request.user,
            reason=data["reason"],
            now=timezone.now(),
        ),
    )
    if result is not None:
        messages.success(request, _t("车辆出入证已收回，押金不予退还。"))
        return redirect("parking:pass_detail", pk=found.pk)
    context = _detail_context(found, revoke_form=form)
    return render(request, "parking/pass_detail.html", context, status=422)


@login_required
@require_POST
def pass_reissue(request: HttpRequest, pk: int) -> HttpResponse:
    """PK-06 / V-10: a lost pass or a changed car, reissued for the fee."""
    _site, found = _pass_here(request, pk)
    form = PassReissueForm(request.POST)
    new = run_form(
        form,
        lambda data: services.pass_reissue(
            vehicle_pass=found,
            actor=request.user,
            cause=data["cause"],
            method=data["method"],
            plate=data["plate"],
            vehicle_licence_checked=data["vehicle_licence_checked"],
            insurance_checked=data["insurance_checked"],
            insurance_valid_until=data["insurance_valid_until"],
            environmental_label=data["environmental_label"],
            now=timezone.now(),
        ),
        field_of=renamed({"documents": "vehicle_licence_checked"}),
    )
    if new is not None:
        messages.success(request, _t("已补办新证 %(number)s") % {"number": new.number})
        return redirect("parking:pass_detail", pk=new.pk)
    context = _detail_context(found, reissue_form=form)
    return render(request, "parking/pass_detail.html", context, status=422)


@login_required
@require_POST
def pass_return(request: HttpRequest, pk: int) -> HttpResponse:
    """PK-06: the pass handed back, the deposit refunded."""
    _site, found = _pass_here(request, pk)
    form = PassReturnForm(request.POST)
    result = run_form(
        form,
        lambda data: services.pass_return(
            vehicle_pass=found,
            actor=request.user,
            method=data["method"],
            now=timezone.now(),
        ),
    )
    if result is not None:
        messages.success(request, _t("车辆出入证已退回，押金已退还。"))
        return redirect("parking:pass_detail", pk=found.pk)
    context = _detail_context(found, return_form=form)
    return render(request, "parking/pass_detail.html", context, status=422)


@login_required
@require_GET
def pass_print(request: HttpRequest, pk: int) -> HttpResponse:
    site, found = _pass_here(request, pk)
    payload = services.pass_qr(found)
    svg = segno.make(payload, error="m").svg_inline(scale=4, border=2, title=found.number)
    context = {
        "pass": found,
        "site": site,
        "qr_svg": mark_safe(svg),  # noqa: S308 -- segno renders our own signed payload
    }
    response = render(request, "parking/pass_print.html", context)
    response["Cache-Control"] = "no-store"
    return response
