"""Guard operations pages, under /guard/ (namespace ``guard``).

Thin: ``state_with`` for the site and the role, a form, one service call, a page or (for htmx)
a fragment. Records of another site are 404. A refusal of the services comes back on the same
page with the Chinese message and HTTP 422; nothing is written then.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gatehouse.accounts.models import Role
from gatehouse.console.context import state_with
from gatehouse.console.http import render_vary
from gatehouse.core import guard as core
from gatehouse.core.errors import DomainError
from gatehouse.core.ledger import format_fen
from gatehouse.guard import forms, selectors, services
from gatehouse.guard.models import (
    FindingStatus,
    HazardFinding,
    SpotFinding,
    Ticket,
)
from gatehouse.guard.web import (
    CLEANING,
    HOTLINE,
    MANAGER,
    act,
    fail,
    pick_user,
    site_of,
    user_choices,
)
from gatehouse.sites.models import KeyLocation

# == S-01 / S-02: roster =========================================================================


# == S-03: handover ==============================================================================


# == S-08: keys; S-09: absence ===================================================================


# == S-04: patrols ===============================================================================


# == S-05 / S-06: anomalies, dispatch, the board =================================================


# == S-13: emergencies ===========================================================================


# == S-07 / S-11 / S-12 ==========================================================================


@login_required
@require_http_methods(["GET", "POST"])
def cleaning(request: HttpRequest) -> HttpResponse:
    """S-07: 门卫日常卫生轮流表 (the manager sets the turn; the guard on duty marks it done)."""
    state = state_with(request, CLEANING)
    site, now = site_of(state), timezone.now()
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
    rota, members = services.rota_guards(site)
    today = timezone.localtime(now).date()
    days = []
    if rota is not None and members:
        from gatehouse.guard.models import CleaningDone

        names = {str(u.pk): u for u in members}
        done = {
            d.day: d
            for d in CleaningDone.objects.filter(site=site, day__gte=today - timedelta(days=7))
        }
        for day, who in core.cleaning_rota(
            guards=list(names), first_day=rota.first_day, start=today - timedelta(days=7), days=21
        ):
            days.append(
                {"day": day, "guard": names[who], "done": done.get(day), "today": day == today}
            )
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
            site=site_of(state), actor=request.user, day=timezone.localtime(now).date(), now=now
        ),
        _t("今日保洁已登记完成。"),
        "guard:cleaning",
    )


@login_required
@require_http_methods(["GET", "POST"])
def hazards(request: HttpRequest) -> HttpResponse:
    """S-11: hazard inspections of key places: findings, owners, deadlines, overdue ones."""
    state = state_with(request, MANAGER)
    site, now = site_of(state), timezone.now()
    places = KeyLocation.objects.filter(site=site).order_by("name")
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
                    key_location=places.filter(pk=d["key_location"]).first()
                    if d["key_location"]
                    else None,
                    now=now,
                )
            except DomainError as exc:
                error = exc
            else:
                messages.success(request, _t("已登记隐患。"))
                return redirect("guard:hazards")
    today = timezone.localtime(now).date()
    rows = []
    for h in (
        HazardFinding.objects.filter(site=site)
        .select_related("key_location")
        .order_by("fixed_on", "deadline", "pk")[:200]
    ):
        c = services.core_hazard(h)
        rows.append(
            {
                "h": h,
                "state": core.hazard_state(c, today=today).value,
                "overdue": core.days_overdue(c, today=today),
            }
        )
    context = {"form": form, "error": error, "rows": rows, "fix_form": forms.HazardFixForm()}
    return render_vary(request, "guard/hazards.html", context, status=status)


@login_required
@require_POST
def hazard_fix(request: HttpRequest, pk: int) -> HttpResponse:
    state = state_with(request, MANAGER)
    h = get_object_or_404(HazardFinding, site=site_of(state), pk=pk)
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
    site, now = site_of(state), timezone.now()
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
    policy = services.ticket_policy(site)
    rows = [
        {"t": t, "alerts": core.ticket_alerts(services.core_ticket(t), policy=policy, now=now)}
        for t in Ticket.objects.filter(site=site).order_by("visited_back_at", "-received_at")[:100]
    ]
    context = {"form": form, "error": error, "rows": rows}
    return render_vary(request, "guard/hotline.html", context, status=status)


@login_required
@require_POST
def ticket_step(request: HttpRequest, pk: int) -> HttpResponse:
    state = state_with(request, HOTLINE)
    t = get_object_or_404(Ticket, site=site_of(state), pk=pk)
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


# == S-10: spot checks and the ledger ============================================================


@login_required
@require_http_methods(["GET", "POST"])
def spot_checks(request: HttpRequest) -> HttpResponse:
    """S-10: the findings of the weekly spot checks, confirmed or dismissed one by one."""
    state = state_with(request, MANAGER)
    site = site_of(state)
    if request.method == "POST":
        _check, fresh = services.spot_check_run(site=site, as_of=timezone.now())
        messages.success(request, _t("抽查完成，新发现 %(n)d 项。") % {"n": fresh})
        return redirect("guard:spot_checks")
    show = request.GET.get("status") or FindingStatus.OPEN
    found = SpotFinding.objects.filter(site=site)
    if show in FindingStatus.values:
        found = found.filter(status=show)
    rows = list(found.select_related("penalty").order_by("guard_name", "at", "pk")[:300])
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
    f = get_object_or_404(SpotFinding, site=site_of(state), pk=pk)
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
    site = site_of(state)
    context = {
        "rows": selectors.ledger(site),
        "total": format_fen(selectors.ledger_total_fen(site)),
    }
    return render_vary(request, "guard/ledger.html", context)
