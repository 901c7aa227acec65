"""Pages of guard duties (SPEC S-07 the gatehouse cleaning rota, S-10 weekly spot checks and the
ledger of notices and fines, S-11 hazard inspections, S-12 the 24-hour hotline).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gatehouse.accounts.models import Role
from gatehouse.console.context import state_with
from gatehouse.console.http import render_vary
from gatehouse.core.errors import DomainError
from gatehouse.core.ledger import format_fen
from gatehouse.guard.duties import forms, selectors, services
from gatehouse.guard.models import FindingStatus
from gatehouse.guard.web import (
    CLEANING,
    HOTLINE,
    MANAGER,
    act,
    fail,
    found,
    pick_user,
    user_choices,
)


@login_required
@require_http_methods(["GET", "POST"])
def cleaning(request: HttpRequest) -> HttpResponse:
    """S-07: 门卫日常卫生轮流表 (the manager sets the turn; the guard on duty marks it done)."""
    state = state_with(request, CLEANING)
    site, now = state.site, timezone.now()
    manager = Role.SECURITY_MANAGER in state.roles
    guards = user_choices(site, (Role.GUARD,))
    form = forms.RotaForm(request.POST or None, choices={"guards": guards})
    error, status = None, 200
    if request.method == "POST":
        if not manager:
            raise Http404
        status = 422
        if form.is_valid():
            chosen = [pick_user(site, pk) for pk in form.cleaned_data["guards"]]
            try:
                services.rota_set(
                    site=site,
                    actor=request.user,
                    guards=chosen,
                    first_day=form.cleaned_data["first_day"],
                    now=now,
                )
            except DomainError as exc:
                error = exc
            else:
                messages.success(request, _t("已保存卫生轮流表。"))
                return redirect("guard:cleaning")
    rota, members = selectors.rota_guards(site)
    today = timezone.localtime(now).date()
    days = selectors.cleaning_days(site, rota, members, today) if rota is not None else []
    context = {"form": form, "error": error, "days": days, "manager": manager, "rota": rota}
    return render_vary(request, "guard/cleaning.html", context, status=status)


@login_required
@require_POST
def cleaning_done(request: HttpRequest) -> HttpResponse:
    state = state_with(request, CLEANING)
    now = timezone.now()
    return act(
        request,
        lambda: services.cleaning_done(
            site=state.site, actor=request.user, day=timezone.localtime(now).date(), now=now
        ),
        _t("今日保洁已登记完成。"),
        "guard:cleaning",
    )


@login_required
@require_http_methods(["GET", "POST"])
def hazards(request: HttpRequest) -> HttpResponse:
    """S-11: hazard inspections of key places: findings, owners, deadlines, overdue ones."""
    state = state_with(request, MANAGER)
    site, now = state.site, timezone.now()
    places = selectors.key_locations(site)
    form = forms.HazardForm(
        request.POST or None, choices={"key_location": [(str(k.pk), k.name) for k in places]}
    )
    error, status = None, 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.hazard_record(
                    site=site,
                    actor=request.user,
                    place=d["place"],
                    description=d["description"],
                    owner=d["owner"],
                    found_on=d["found_on"],
                    deadline=d["deadline"],
                    key_location=selectors.key_location_of(site, d["key_location"])
                    if d["key_location"]
                    else None,
                    now=now,
                )
            except DomainError as exc:
                error = exc
            else:
                messages.success(request, _t("已登记隐患。"))
                return redirect("guard:hazards")
    rows = selectors.hazard_rows(site, timezone.localtime(now).date())
    context = {"form": form, "error": error, "rows": rows, "fix_form": forms.HazardFixForm()}
    return render_vary(request, "guard/hazards.html", context, status=status)


@login_required
@require_POST
def hazard_fix(request: HttpRequest, pk: int) -> HttpResponse:
    state = state_with(request, MANAGER)
    h = found(selectors.hazard_of(state.site, pk))
    form = forms.HazardFixForm(request.POST)
    if not form.is_valid():
        messages.error(request, _t("请填写正确的整改完成日期。"))
        return redirect("guard:hazards")
    return act(
        request,
        lambda: services.hazard_fix(
            finding=h, actor=request.user, now=timezone.now(), **form.cleaned_data
        ),
        _t("已登记整改完成。"),
        "guard:hazards",
    )


@login_required
@require_http_methods(["GET", "POST"])
def hotline(request: HttpRequest) -> HttpResponse:
    """S-12: the 24-hour hotline: tickets answered, followed up, closed and visited back."""
    state = state_with(request, HOTLINE)
    site, now = state.site, timezone.now()
    form = forms.TicketForm(request.POST or None)
    error, status = None, 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.ticket_open(site=site, actor=request.user, now=now, **form.cleaned_data)
            except DomainError as exc:
                error = exc
            else:
                messages.success(request, _t("已登记工单。"))
                return redirect("guard:hotline")
    rows = selectors.ticket_rows(site, now)
    context = {"form": form, "error": error, "rows": rows}
    return render_vary(request, "guard/hotline.html", context, status=status)


@login_required
@require_POST
def ticket_step(request: HttpRequest, pk: int) -> HttpResponse:
    state = state_with(request, HOTLINE)
    t = found(selectors.ticket_of(state.site, pk))
    form = forms.TicketStepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _t("未知的处理步骤。"))
        return redirect("guard:hotline")
    return act(
        request,
        lambda: services.ticket_step(
            ticket=t, actor=request.user, now=timezone.now(), **form.cleaned_data
        ),
        _t("已记录。"),
        "guard:hotline",
    )


@login_required
@require_http_methods(["GET", "POST"])
def spot_checks(request: HttpRequest) -> HttpResponse:
    """S-10: the findings of the weekly spot checks, confirmed or dismissed one by one."""
    state = state_with(request, MANAGER)
    site = state.site
    if request.method == "POST":
        _check, fresh = services.spot_check_run(site=site, as_of=timezone.now())
        messages.success(request, _t("抽查完成，新发现 %(n)d 项。") % {"n": fresh})
        return redirect("guard:spot_checks")
    show = request.GET.get("status") or FindingStatus.OPEN
    rows = selectors.findings(site, show)
    context = {
        "rows": rows,
        "show": show,
        "statuses": FindingStatus.choices,
        "goods_ready": selectors.goods_app_ready(),
    }
    return render_vary(request, "guard/spot_checks.html", context)


@login_required
@require_POST
def finding_decide(request: HttpRequest, pk: int) -> HttpResponse:
    state = state_with(request, MANAGER)
    f = found(selectors.finding_of(state.site, pk))
    now = timezone.now()
    try:
        if request.POST.get("action") == "dismiss":
            services.finding_dismiss(finding=f, actor=request.user, now=now)
            messages.success(request, _t("已不予认定。"))
        else:
            p = services.finding_confirm(finding=f, actor=request.user, now=now)
            messages.success(request, p.message)
    except DomainError as exc:
        fail(request, exc)
    return redirect("guard:spot_checks")


@login_required
@require_GET
def ledger(request: HttpRequest) -> HttpResponse:
    """The ledger of notices and fines per guard (fines in yuan)."""
    state = state_with(request, MANAGER)
    site = state.site
    context = {
        "rows": selectors.ledger(site),
        "total": format_fen(selectors.ledger_total_fen(site)),
    }
    return render_vary(request, "guard/ledger.html", context)
