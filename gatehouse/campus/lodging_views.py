"""Guards living on campus (T3·9): the security company's guards' lodging and meals, and the
school's supervision checks of their lodging, meals and conduct at the post (the campus desk:
the security manager or the front desk). The registers are the engine's
(:mod:`gatehouse.campus.registers`); these pages add their rows, end a stay, close a check."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods

from gatehouse.campus import selectors, services
from gatehouse.campus.forms import (
    CheckCloseForm,
    GuardCheckForm,
    GuardMealForm,
    LodgingEndForm,
    LodgingForm,
)
from gatehouse.campus.registers import CAMPUS_DESK
from gatehouse.campus.supply_views import form_page, run
from gatehouse.console.context import state_with
from gatehouse.console.pages import found_or_404

#: Each kind of row: its form, its service, its title and the register it lands in.
ROWS: dict[str, tuple[Any, Any, str | Promise, str]] = {
    "lodging": (LodgingForm, services.lodging_record, _l("登记住宿"), "campus:guard_lodgings"),
    "meal": (GuardMealForm, services.meal_record, _l("登记就餐"), "campus:guard_meals"),
    "check": (GuardCheckForm, services.check_record, _l("登记监督检查"), "campus:guard_checks"),
}


@login_required
@require_http_methods(["GET", "POST"])
def row_new(request: HttpRequest, kind: str) -> HttpResponse:
    form_class, write, title, register = ROWS[kind]
    state = state_with(request, CAMPUS_DESK)
    now = timezone.now()
    today = timezone.localdate(now)
    initial = {"start": today, "day": today, "checked_on": today}
    form = form_class(request.POST if request.method == "POST" else None, initial=initial)
    code = ""
    if request.method == "POST":
        made, code = run(
            form, lambda data: write(site=state.site, actor=request.user, now=now, **data)
        )
        if made is not None:
            messages.success(request, _("已登记。"))
            return redirect(register)
    return form_page(request, form, code, title=str(title), back=register)


@login_required
@require_http_methods(["GET", "POST"])
def lodging(request: HttpRequest, pk: int) -> HttpResponse:
    """A guard's stay, and its end (退宿)."""
    state = state_with(request, CAMPUS_DESK)
    stay = found_or_404(selectors.lodging_at(state.site, pk))
    now = timezone.now()
    form = LodgingEndForm(
        request.POST if request.method == "POST" else None,
        initial={"end": timezone.localdate(now)},
    )
    code = ""
    if request.method == "POST":
        made, code = run(
            form,
            lambda data: services.lodging_end(stay=stay, actor=request.user, now=now, **data),
        )
        if made is not None:
            messages.success(request, _("已退宿。"))
            return redirect("campus:guard_lodgings")
    context = {"stay": stay, "form": form if stay.end is None else None, "error_code": code}
    return render(request, "campus/guard_lodging.html", context, status=422 if code else 200)


@login_required
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, pk: int) -> HttpResponse:
    """A supervision check, and its closing once rectified (销号)."""
    state = state_with(request, CAMPUS_DESK)
    found = found_or_404(selectors.check_at(state.site, pk))
    now = timezone.now()
    form = CheckCloseForm(
        request.POST if request.method == "POST" else None,
        initial={"closed_on": timezone.localdate(now)},
    )
    code = ""
    if request.method == "POST":
        made, code = run(
            form,
            lambda data: services.check_close(check=found, actor=request.user, now=now, **data),
        )
        if made is not None:
            messages.success(request, _("已销号。"))
            return redirect("campus:guard_checks")
    context = {
        "check": found,
        "form": form if found.closed_on is None else None,
        "error_code": code,
    }
    return render(request, "campus/guard_check.html", context, status=422 if code else 200)
