"""Epidemic management's pages beyond the cases (seed T8; SPEC M-02):

* /epidemic/outings/ — the site's limit on residents' outings in epidemic mode (安保主管, 客服前台).
* /epidemic/screenings/new/ — a door-to-door screening visit (入户排查), on the grid officer's
  phone (their grids' houses only) or by the staff; /epidemic/screenings/<pk>/ records the
  follow-up. The register itself is the engine's (:mod:`gatehouse.epidemic.registers`).
* /epidemic/ledgers/<kind>/new/ — a row of the disinfection, protective-equipment or
  medical-waste ledger.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods

from gatehouse.console.context import state_with
from gatehouse.console.http import form_error
from gatehouse.core.errors import DomainError
from gatehouse.epidemic import services
from gatehouse.epidemic.forms import (
    DisinfectionForm,
    FollowUpForm,
    OutingForm,
    ScreeningForm,
    SupplyForm,
    WasteForm,
)
from gatehouse.epidemic.models import OutingRule, ScreeningVisit
from gatehouse.epidemic.views import CASE_ROLES, STAFF_ROLES, _scope


@login_required
@require_http_methods(["GET", "POST"])
def outings(request: HttpRequest) -> HttpResponse:
    """The site's outing limit (M-02), set or cleared."""
    state = state_with(request, STAFF_ROLES)
    rule = OutingRule.objects.filter(site=state.site).select_related("updated_by").first()
    form = OutingForm(
        request.POST if request.method == "POST" else None,
        initial={"persons": rule.persons, "days": rule.days} if rule else {"persons": 1, "days": 2},
    )
    code = ""
    if request.method == "POST":
        try:
            if request.POST.get("clear"):
                services.outing_clear(site=state.site, actor=request.user, now=timezone.now())
                messages.success(request, _("已取消出行限额"))
                return redirect("epidemic:outings")
            if form.is_valid():
                services.outing_set(
                    site=state.site, actor=request.user, now=timezone.now(), **form.cleaned_data
                )
                messages.success(request, _("出行限额已保存"))
                return redirect("epidemic:outings")
            code = "form.invalid"
        except DomainError as exc:
            form_error(form, exc)
            code = exc.code
    context = {"form": form, "rule": rule, "site": state.site, "error_code": code}
    return render(request, "epidemic/outings.html", context, status=422 if code else 200)


@login_required
@require_http_methods(["GET", "POST"])
def screening_new(request: HttpRequest) -> HttpResponse:
    """A door-to-door visit: the grid officer's phone page (their grids' houses)."""
    state, scope = _scope(request)
    form = ScreeningForm(request.POST if request.method == "POST" else None)
    code = ""
    if request.method == "POST":
        code = "form.invalid"
        if form.is_valid():
            try:
                visit = services.screening_record(
                    site=state.site,
                    actor=request.user,
                    now=timezone.now(),
                    building_ids=scope,
                    **form.service_kwargs(),
                )
            except DomainError as exc:
                form_error(form, exc)
                code = exc.code
            else:
                if visit.follow_up == "pending":
                    messages.warning(request, _("已登记，需跟进"))
                else:
                    messages.success(request, _("已登记"))
                return redirect("epidemic:screening", pk=visit.pk)
    context = {"form": form, "error_code": code}
    return render(request, "epidemic/screening_form.html", context, status=422 if code else 200)


@login_required
@require_http_methods(["GET", "POST"])
def screening(request: HttpRequest, pk: int) -> HttpResponse:
    """One visit, and its follow-up recorded."""
    state, scope = _scope(request)
    visit = (
        ScreeningVisit.objects.filter(site=state.site, pk=pk)
        .select_related("house__unit", "officer", "followed_up_by", "grid")
        .first()
    )
    if visit is None or (scope is not None and visit.house.unit.building_id not in scope):
        raise Http404
    form = FollowUpForm(request.POST if request.method == "POST" else None)
    code = ""
    if request.method == "POST":
        code = "form.invalid"
        if form.is_valid():
            try:
                services.screening_follow_up(
                    visit=visit, actor=request.user, now=timezone.now(), **form.cleaned_data
                )
            except DomainError as exc:
                form_error(form, exc)
                code = exc.code
            else:
                messages.success(request, _("跟进情况已记录"))
                return redirect("epidemic:screening", pk=visit.pk)
    context = {"visit": visit, "form": form, "error_code": code, "roles": CASE_ROLES}
    return render(request, "epidemic/screening.html", context, status=422 if code else 200)


@dataclass(frozen=True)
class Ledger:
    title: str | Promise
    form: type[forms.Form]
    write: Callable[..., Any]
    register: str  # the URL name of its register


LEDGERS = {
    "disinfection": Ledger(
        _l("登记消毒"), DisinfectionForm, services.disinfection_record, "epidemic:disinfections"
    ),
    "supplies": Ledger(
        _l("登记防护物资发放"), SupplyForm, services.supply_issue, "epidemic:supplies"
    ),
    "waste": Ledger(
        _l("登记医废垃圾收集、运输"), WasteForm, services.waste_record, "epidemic:waste"
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def ledger_new(request: HttpRequest, kind: str) -> HttpResponse:
    """A row of one of the ledgers, through its service (the core's codes reach the page)."""
    ledger = LEDGERS.get(kind)
    if ledger is None:
        raise Http404
    state = state_with(request, STAFF_ROLES)
    now = timezone.now()
    initial = {
        "done_at": timezone.localtime(now).strftime("%Y-%m-%dT%H:%M"),
        "issued_on": timezone.localdate(now),
        "collected_on": timezone.localdate(now),
    }
    form = ledger.form(request.POST if request.method == "POST" else None, initial=initial)
    code = ""
    if request.method == "POST":
        code = "form.invalid"
        if form.is_valid():
            try:
                ledger.write(site=state.site, actor=request.user, now=now, **form.cleaned_data)
            except DomainError as exc:
                form_error(form, exc)
                code = exc.code
            else:
                messages.success(request, _("已登记"))
                return redirect(ledger.register)
    context = {"form": form, "ledger": ledger, "kind": kind, "error_code": code}
    return render(request, "epidemic/ledger_form.html", context, status=422 if code else 200)
