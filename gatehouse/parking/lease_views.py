"""Space lease pages (车位租赁, PK-03 … PK-05) for the front desk and the security manager:
sign (prepaid to the housing lease's end), terminate early, renew (the list of leases, with the
renewals due, is a register declared in ``parking/registers.py``).
Thin: the site and the role from ``site_with``, a form, one service call, render."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_http_methods

from gatehouse.console.context import site_with
from gatehouse.console.http import renamed
from gatehouse.console.pages import Action, RecordPage, of_site
from gatehouse.parking import selectors, services
from gatehouse.parking.forms import LeaseCreateForm, LeaseRenewForm, LeaseTerminateForm, yuan
from gatehouse.parking.models import LeaseStatus, SpaceLease
from gatehouse.parking.views import DESK_ROLES, for_holder, space_choices
from gatehouse.sites.models import Site


def _create_form(site: Site, holder: Any, data: Any) -> LeaseCreateForm:
    houses = [link.house.number for link in holder.house_links.select_related("house")]
    initial = {
        "holder": holder.pk,
        "house_ref": houses[0] if houses else "",
        "start": timezone.localdate(),
        "method": "cash",
    }
    return LeaseCreateForm(data, initial=initial, spaces=space_choices(site))


def _create(request: HttpRequest, site: Site, holder: Any, data: dict[str, Any]) -> SpaceLease:
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


def _paid(lease: SpaceLease) -> str:
    return _t("车位租赁已签订，收取车位费 ¥%(amount)s") % {"amount": yuan(int(lease.paid_fen))}


@login_required
@require_http_methods(["GET", "POST"])
def lease_create(request: HttpRequest) -> HttpResponse:
    """Sign a lease: the holder, the space, the dates; the whole term is paid at signing."""
    return for_holder(
        request,
        "parking/lease_create.html",
        form=_create_form,
        make=_create,
        done=_paid,
        detail="parking:lease_detail",
    )


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


def _renewed(nxt: SpaceLease) -> str:
    end, amount = f"{nxt.end:%Y-%m-%d}", yuan(int(nxt.paid_fen))
    return _t("已续租至 %(end)s，收取车位费 ¥%(amount)s") % {"end": end, "amount": amount}


LEASE = RecordPage(
    template="parking/lease_detail.html",
    url_name="parking:lease_detail",
    context=_detail_context,
    load=of_site(lambda request: site_with(request, DESK_ROLES), selectors.lease_at),
    field_of=renamed({"end": "until"}),
    actions={
        # PK-04: end early; the prepaid months after the current one are refunded.
        "terminate": Action(
            LeaseTerminateForm,
            "terminate_form",
            lambda s: s.into(services.lease_terminate, lease=s.record),
            lambda result: result.termination.message,
        ),
        # PK-05: the next lease year, paid before the new housing contract starts.
        "renew": Action(
            LeaseRenewForm,
            "renew_form",
            lambda s: services.lease_renew(
                lease=s.record,
                actor=s.actor,
                until=s.data["until"],
                monthly_fee_fen=s.data["monthly_fee"],
                method=s.data["method"],
                now=s.now,
            ),
            _renewed,
            goes_to=lambda nxt: ("parking:lease_detail", {"pk": nxt.pk}),
        ),
    },
)
lease_detail = LEASE.page()
lease_action = LEASE.view()
