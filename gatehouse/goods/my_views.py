"""A resident's release slips on the phone (URLs under /goods/my/): apply for a slip for one of
their houses, see whether the service centre issued it, show its QR at the gate.

Everything is the signed-in resident's own: another resident's slip is a 404; staff without the
resident role get a 403 from ``state_with``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from gatehouse.accounts.models import Role
from gatehouse.console.context import state_with
from gatehouse.console.http import run_form
from gatehouse.console.selectors import resident_record
from gatehouse.goods import forms, selectors, services
from gatehouse.goods.models import SlipState
from gatehouse.goods.views import qr_svg
from gatehouse.people.models import Person

RESIDENT_ROLES = frozenset({Role.RESIDENT})
HISTORY = 30


def _me(request: HttpRequest) -> Person | None:
    state = state_with(request, RESIDENT_ROLES)
    return resident_record(request.user, state.site)


def _unlinked(request: HttpRequest) -> HttpResponse:
    return render(request, "goods/my/unlinked.html")


@login_required
@require_GET
def my_slips(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    if me is None:
        return _unlinked(request)
    slips = list(selectors.slips_of(me)[:HISTORY])
    return render(request, "goods/my/list.html", {"slips": slips})


@login_required
@require_http_methods(["GET", "POST"])
def my_apply(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    if me is None:
        return _unlinked(request)
    houses = services.houses_of(me)
    choices = [(str(h.pk), h.number) for h in houses]
    now = timezone.now()
    if not houses:
        return render(request, "goods/my/no_house.html")
    if request.method == "POST":
        form = forms.ResidentSlipForm(request.POST, houses=choices)

        def apply(data: dict[str, Any]) -> Any:
            house = next(h for h in houses if str(h.pk) == data["house"])
            return services.slip_apply(
                site=me.site,
                actor=request.user,
                now=now,
                applicant_kind=services.applicant_kind_of(me, house),
                applicant_name=me.name,
                items=data["items"],
                valid_on=data["valid_on"],
                house_number=house.number,
                person=me,
                plate=data["plate"],
                reason=data["reason"],
            )

        slip = run_form(form, apply)
        if slip is not None:
            return redirect("goods:my_slip", pk=slip.pk)
        context = {"form": form, "rows": form.item_rows(minimum=3)}
        return render(request, "goods/my/apply.html", context, status=400)
    form = forms.ResidentSlipForm(initial={"valid_on": timezone.localdate(now)}, houses=choices)
    return render(request, "goods/my/apply.html", {"form": form, "rows": form.item_rows(3)})


@login_required
@require_GET
def my_slip(request: HttpRequest, pk: int) -> HttpResponse:
    me = _me(request)
    if me is None:
        raise Http404
    slip = selectors.slips_of(me).filter(pk=pk).first()
    if slip is None:
        raise Http404
    qr = ""
    if slip.status == SlipState.ISSUED and slip.valid_on >= timezone.localdate():
        qr = qr_svg(services.slip_qr(slip), slip.number)
    context = {"slip": slip, "items": list(slip.items.order_by("position")), "qr": qr}
    return render(request, "goods/my/detail.html", context)
