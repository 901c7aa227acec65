"""Space lease pages (车位租赁, PK-03 … PK-05) for the front desk and the security manager:
sign (prepaid to the housing lease's end), terminate early, renew (the list of leases, with the
renewals due, is a register declared in ``parking/registers.py``).
Thin: the site and the role from ``site_with``, a form, one service call, render."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gatehouse.console.context import site_with
from gatehouse.console.http import renamed, render_partial, run_form
from gatehouse.parking import selectors, services
from gatehouse.parking.forms import (
    LeaseCreateForm,
    LeaseRenewForm,
    LeaseTerminateForm,
    PersonSearchForm,
    yuan,
)
from gatehouse.parking.models import LeaseStatus, SpaceLease
from gatehouse.parking.pass_views import space_choices
from gatehouse.parking.views import DESK_ROLES, holder_from_request, people_found
from gatehouse.sites.models import Site

# service error field -> form field
_CREATE_FIELDS = {"monthly_fee": "monthly_fee", "start": "start", "end": "end"}


def _lease_here(request: HttpRequest, pk: int) -> tuple[Site, SpaceLease]:
    site = site_with(request, DESK_ROLES)
    found = selectors.lease_at(site, pk)
    if found is None:
        raise Http404
    return site, found


@login_required
@require_http_methods(["GET", "POST"])
def lease_create(request: HttpRequest) -> HttpResponse:
    """Sign a lease: the holder, the space, the dates; the whole term is paid at signing."""
    site = site_with(request, DESK_ROLES)
    holder = holder_from_request(request, site)
    search = PersonSearchForm(request.GET or None)
    q = search.cleaned_data["q"] if search.is_bound and search.is_valid() else ""
    context: dict[str, Any] = {
        "search": search,
        "people": people_found(site, q) if holder is None else [],
        "holder": holder,
    }
    if holder is None:
        return render_partial(
            request, "parking/lease_create.html", "parking/_person_pick.html", context
        )
    spaces = space_choices(site)
    if request.method == "POST":
        form = LeaseCreateForm(request.POST, spaces=spaces)

        def create(data: dict[str, Any]) -> Any:
            space = selectors.space_at(site, int(data["space"]))
            if space is None:  # the choices are this site's spaces: only a race gets here
                raise Http404
            return services.lease_create(
                site=site,
                actor=request.user,
                space=space,
                holder=holder,
                house_ref=data["house_ref"],
                start=data["start"],
                end=data["end"],
                monthly_fee_fen=data["monthly_fee"],
                renewal_due=data["renewal_due"],
                method=data["method"],
                now=timezone.now(),
            )

        lease = run_form(form, create, field_of=renamed(_CREATE_FIELDS))
        if lease is not None:
            messages.success(
                request,
                _t("车位租赁已签订，收取车位费 ¥%(amount)s")
                % {"amount": yuan(int(lease.paid_fen))},
            )
            return redirect("parking:lease_detail", pk=lease.pk)
        context["form"] = form
        return render(request, "parking/lease_create.html", context, status=422)
    houses = [link.house.number for link in holder.house_links.select_related("house")]
    today = timezone.localdate()
    context["form"] = LeaseCreateForm(
        initial={
            "holder": holder.pk,
            "house_ref": houses[0] if houses else "",
            "start": today,
            "method": "cash",
        },
        spaces=spaces,
    )
    return render(request, "parking/lease_create.html", context)


def _detail_context(lease: SpaceLease, **forms: Any) -> dict[str, Any]:
    today = timezone.localdate()
    schedule = selectors.lease_schedule(lease)
    successor = SpaceLease.objects.filter(previous=lease).first()
    return {
        "lease": lease,
        "schedule": schedule,
        "schedule_total": sum(m.amount for m in schedule),
        "renewal": selectors.renewal_of(lease, today=today),
        "successor": successor,
        "money": selectors.transactions(lease.site, ref=lease.ref),
        "can_terminate": lease.status in (LeaseStatus.ACTIVE, LeaseStatus.RENEWED),
        "can_renew": lease.status == LeaseStatus.ACTIVE,
        "terminate_form": forms.get("terminate_form")
        or LeaseTerminateForm(initial={"on": today, "method": "cash"}),
        "renew_form": forms.get("renew_form")
        or LeaseRenewForm(initial={"until": lease.end + timedelta(days=365), "method": "cash"}),
    }


@login_required
@require_GET
def lease_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _site, found = _lease_here(request, pk)
    return render(request, "parking/lease_detail.html", _detail_context(found))


@login_required
@require_POST
def lease_terminate(request: HttpRequest, pk: int) -> HttpResponse:
    """PK-04: end early; the prepaid months after the current one are refunded."""
    _site, found = _lease_here(request, pk)
    form = LeaseTerminateForm(request.POST)
    result = run_form(
        form,
        lambda data: services.lease_terminate(
            lease=found,
            actor=request.user,
            on=data["on"],
            method=data["method"],
            now=timezone.now(),
        ),
    )
    if result is not None:
        messages.success(request, result.termination.message)
        return redirect("parking:lease_detail", pk=found.pk)
    context = _detail_context(found, terminate_form=form)
    return render(request, "parking/lease_detail.html", context, status=422)


@login_required
@require_POST
def lease_renew(request: HttpRequest, pk: int) -> HttpResponse:
    """PK-05: the next lease year, paid before the new housing contract starts."""
    _site, found = _lease_here(request, pk)
    form = LeaseRenewForm(request.POST)
    nxt = run_form(
        form,
        lambda data: services.lease_renew(
            lease=found,
            actor=request.user,
            until=data["until"],
            monthly_fee_fen=data["monthly_fee"],
            method=data["method"],
            now=timezone.now(),
        ),
        field_of=renamed({"end": "until", "monthly_fee": "monthly_fee"}),
    )
    if nxt is not None:
        messages.success(
            request,
            _t("已续租至 %(end)s，收取车位费 ¥%(amount)s")
            % {"end": f"{nxt.end:%Y-%m-%d}", "amount": yuan(int(nxt.paid_fen))},
        )
        return redirect("parking:lease_detail", pk=nxt.pk)
    context = _detail_context(found, renew_form=form)
    return render(request, "parking/lease_detail.html", context, status=422)
