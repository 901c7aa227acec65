"""Pages of guard incidents and monitoring (SPEC S-05 anomalies and their escalation, S-06 the
monitoring centre: dispatch and the live board, S-13 the emergency chain).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gatehouse.access.services import notice_acknowledge
from gatehouse.console.context import state_with
from gatehouse.console.http import is_partial, render_vary
from gatehouse.core import guard as core
from gatehouse.core.errors import DomainError
from gatehouse.devices import selectors as device_selectors
from gatehouse.devices.commands import open_lane
from gatehouse.guard import fields
from gatehouse.guard.incidents import forms, selectors, services
from gatehouse.guard.patrol.services import patrol_flag_missed
from gatehouse.guard.web import (
    COUNT_LIMIT,
    MONITORING,
    PATROL,
    REPORTERS,
    act,
    fail,
    found,
    xlsx,
)
from gatehouse.registers.forms import DateRangeForm


def _report(request: HttpRequest, site: Any, now: datetime) -> tuple[Any, Any, DomainError | None]:
    form = forms.AnomalyForm(request.POST, request.FILES)
    if not form.is_valid():
        return form, None, None
    try:
        result = services.anomaly_report(
            site=site, actor=request.user, now=now, **form.cleaned_data
        )
    except DomainError as exc:
        return form, None, exc
    return form, result, None


def _anomaly_message(request: HttpRequest, result: services.AnomalyResult) -> None:
    a = result.anomaly
    extra = _t("，须将录像另存并做好标记") if a.archive_required else ""
    messages.success(request, _t("已记录异常情况并通知监控中心") + extra + "。")


@login_required
@require_http_methods(["GET", "POST"])
def anomalies(request: HttpRequest) -> HttpResponse:
    """S-05: the 异常情况记录表 with the form to record one (monitoring, manager)."""
    state = state_with(request, MONITORING)
    site, now = state.site, timezone.now()
    form, error, status = forms.AnomalyForm(), None, 200
    if request.method == "POST":
        form, result, error = _report(request, site, now)
        if result is not None:
            _anomaly_message(request, result)
            return redirect("guard:anomaly", pk=result.anomaly.pk)
        status = 422
    filters = DateRangeForm(request.GET or None)
    data = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    found = selectors.anomaly_register(site, **data) if not filters.errors else []
    title = _("异常情况记录表")
    if request.GET.get("export") == "xlsx":
        every = (selectors.anomaly_row(a) for a in found)
        return xlsx(title, site, selectors.ANOMALY_COLUMNS, every)
    rows = [selectors.anomaly_row(a) for a in found[:COUNT_LIMIT]]
    context = {
        "form": form,
        "error": error,
        "filters": filters,
        "title": title,
        "columns": selectors.ANOMALY_COLUMNS,
        "rows": rows[:200],
        "count": len(rows),
    }
    return render_vary(request, "guard/anomalies.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """S-05: report what was found, from the phone (patrol) or the booth (guard)."""
    state = state_with(request, REPORTERS)
    site, now = state.site, timezone.now()
    form, error, status = forms.AnomalyForm(), None, 200
    if request.method == "POST":
        form, result, error = _report(request, site, now)
        if result is not None:
            _anomaly_message(request, result)
            return redirect("guard:report")
        status = 422
    mine = selectors.reported_by(site, request.user)
    context = {"form": form, "error": error, "mine": mine}
    return render_vary(request, "guard/report.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def anomaly(request: HttpRequest, pk: int) -> HttpResponse:
    """One anomaly: acknowledge, archive the clip, dispatch the patrol, close."""
    state = state_with(request, MONITORING)
    site, now = state.site, timezone.now()
    a = found(selectors.anomaly_of(site, pk))
    archive_form = forms.ArchiveForm(
        initial={"camera": a.camera, "clip_from": a.clip_from, "clip_until": a.clip_until}
    )
    close_form = fields.TextForm()
    dispatch_form = forms.DispatchForm(initial={"place": a.place}, choices={"anomaly": []})
    error, status = None, 200
    if request.method == "POST":
        action = request.POST.get("action")
        status = 422
        try:
            if action == "ack":
                services.anomaly_acknowledge(anomaly=a, actor=request.user, now=now)
                return redirect("guard:anomaly", pk=a.pk)
            if action == "archive":
                archive_form = forms.ArchiveForm(request.POST)
                if archive_form.is_valid():
                    services.anomaly_archive(
                        anomaly=a, actor=request.user, now=now, **archive_form.cleaned_data
                    )
                    return redirect("guard:anomaly", pk=a.pk)
            elif action == "close":
                close_form = fields.TextForm(request.POST)
                if close_form.is_valid():
                    services.anomaly_close(
                        anomaly=a,
                        actor=request.user,
                        resolution=close_form.cleaned_data["text"],
                        now=now,
                    )
                    return redirect("guard:anomaly", pk=a.pk)
            elif action == "dispatch":
                dispatch_form = forms.DispatchForm(request.POST, choices={"anomaly": []})
                if dispatch_form.is_valid():
                    d = dispatch_form.cleaned_data
                    services.dispatch_create(
                        site=site,
                        actor=request.user,
                        place=d["place"],
                        task=d["task"],
                        anomaly=a,
                        now=now,
                    )
                    messages.success(request, _t("已派巡逻前往。"))
                    return redirect("guard:anomaly", pk=a.pk)
            else:
                raise Http404
        except DomainError as exc:
            error = exc
    a = found(selectors.anomaly_of(site, pk))
    context = {
        "a": a,
        "row": selectors.anomaly_row(a),
        "photos": selectors.anomaly_photos(a),
        "dispatches": selectors.anomaly_dispatches(a),
        "duties": core.anomaly_obligations(core.AnomalyKind(a.kind)),
        "archive_form": archive_form,
        "close_form": close_form,
        "dispatch_form": dispatch_form,
        "error": error,
    }
    return render_vary(request, "guard/anomaly.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def dispatch(request: HttpRequest) -> HttpResponse:
    """S-06: send the patrol to a place; see it acknowledged and closed."""
    state = state_with(request, MONITORING)
    site, now = state.site, timezone.now()
    choices = {"anomaly": [(str(a.pk), str(a)) for a in selectors.open_anomalies(site)]}
    form = forms.DispatchForm(request.POST or None, choices=choices)
    error, status = None, 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            linked = selectors.open_anomaly(site, d["anomaly"]) if d["anomaly"] else None
            try:
                services.dispatch_create(
                    site=site,
                    actor=request.user,
                    place=d["place"],
                    task=d["task"],
                    anomaly=linked,
                    now=now,
                )
            except DomainError as exc:
                error = exc
            else:
                messages.success(request, _t("已派发巡逻任务。"))
                return redirect("guard:dispatch")
    context = {"form": form, "error": error, "rows": selectors.dispatch_rows(site)}
    return render_vary(request, "guard/dispatch.html", context, status=status)


@login_required
@require_POST
def dispatch_ack(request: HttpRequest, pk: int) -> HttpResponse:
    state = state_with(request, PATROL)
    d = found(selectors.dispatch_of(state.site, pk))
    return act(
        request,
        lambda: services.dispatch_acknowledge(dispatch=d, actor=request.user, now=timezone.now()),
        _t("已接收调度任务。"),
        "guard:patrol",
    )


@login_required
@require_POST
def dispatch_close(request: HttpRequest, pk: int) -> HttpResponse:
    state = state_with(request, PATROL | MONITORING)
    d = found(selectors.dispatch_of(state.site, pk))
    return act(
        request,
        lambda: services.dispatch_close(
            dispatch=d, actor=request.user, result=request.POST.get("text", ""), now=timezone.now()
        ),
        _t("调度任务已完成。"),
        "guard:dispatch" if request.POST.get("next") == "dispatch" else "guard:patrol",
    )


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """S-06: the live monitoring board; the fragment is polled every few seconds."""
    state = state_with(request, MONITORING)
    site, now = state.site, timezone.now()
    patrol_flag_missed(site=site, now=now)
    context = selectors.board(site, now)
    template = "guard/_board.html" if is_partial(request) else "guard/board.html"
    return render_vary(request, template, context)


@login_required
@require_POST
def board_ack(request: HttpRequest, pk: int) -> HttpResponse:
    state = state_with(request, MONITORING)
    site, now = state.site, timezone.now()
    notice = found(selectors.monitoring_notice(site, pk))
    try:
        notice_acknowledge(notice=notice, actor=request.user, now=now)
    except DomainError as exc:
        fail(request, exc)
    if is_partial(request):
        return render_vary(request, "guard/_board.html", selectors.board(site, now))
    return redirect("guard:board")


@login_required
@require_POST
def board_open(request: HttpRequest, pk: int) -> HttpResponse:
    """The board's remote "开门" of one lane (issue 14 §3): queued, audited, shown on the board."""
    state = state_with(request, MONITORING)
    site, now = state.site, timezone.now()
    lane = found(device_selectors.lane_at(site, pk))
    error = None
    try:
        open_lane(lane=lane, actor=request.user, now=now, reason=_t("监控中心远程开门"))
    except DomainError as exc:
        error = exc.message
        fail(request, exc)
    if is_partial(request):
        context = {**selectors.board(site, now), "device_error": error}
        return render_vary(request, "guard/_board.html", context)
    return redirect("guard:board")


@login_required
@require_http_methods(["GET", "POST"])
def emergency(request: HttpRequest) -> HttpResponse:
    """S-13: activate a plan; the chain is called in order; each acknowledgement recorded."""
    state = state_with(request, MONITORING)
    site, now = state.site, timezone.now()
    plans = selectors.active_plans(site)
    form = forms.ActivateForm(
        request.POST or None, choices={"plan": [(str(p.pk), p.name) for p in plans]}
    )
    error, status = None, 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.emergency_activate(
                    plan=selectors.active_plan(site, form.cleaned_data["plan"]),
                    actor=request.user,
                    summary=form.cleaned_data["summary"],
                    now=now,
                )
            except DomainError as exc:
                error = exc
            else:
                messages.success(request, _t("应急预案已启动，正在逐级报告。"))
                return redirect("guard:emergency")
    services.emergencies_advance(site=site, now=now)
    items = selectors.emergency_items(site, now, open_only=False)
    context = {"form": form, "error": error, "items": items, "plans": plans}
    return render_vary(request, "guard/emergency.html", context, status=status)


@login_required
@require_POST
def emergency_ack(request: HttpRequest, pk: int) -> HttpResponse:
    state = state_with(request, MONITORING)
    e = found(selectors.emergency_of(state.site, pk))
    return act(
        request,
        lambda: services.emergency_acknowledge(
            emergency=e, who=request.POST.get("who", ""), actor=request.user, now=timezone.now()
        ),
        _t("已记录确认。"),
        "guard:emergency",
    )


@login_required
@require_POST
def emergency_close(request: HttpRequest, pk: int) -> HttpResponse:
    state = state_with(request, MONITORING)
    e = found(selectors.emergency_of(state.site, pk))
    return act(
        request,
        lambda: services.emergency_close(emergency=e, actor=request.user, now=timezone.now()),
        "",
        "guard:emergency",
    )
