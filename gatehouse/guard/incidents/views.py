"""Pages of guard incidents and monitoring (SPEC S-05 anomalies and their escalation, S-06 the
monitoring centre: dispatch and the live board, S-13 the emergency chain).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gatehouse.access.services import notice_acknowledge
from gatehouse.console.charts import response as chart_response
from gatehouse.console.context import state_with
from gatehouse.console.http import is_partial, renamed, render_partial, render_vary, run_form
from gatehouse.console.pages import Action, RecordPage, Submitted, found_or_404, of_site
from gatehouse.core import guard as core
from gatehouse.core.errors import DomainError
from gatehouse.devices import selectors as device_selectors
from gatehouse.devices.commands import open_lane
from gatehouse.guard import fields
from gatehouse.guard.incidents import charts, forms, selectors, services
from gatehouse.guard.patrol.services import patrol_flag_missed
from gatehouse.guard.patrol.views import CLOSE_DISPATCH, PATROL_PAGE
from gatehouse.guard.web import (
    COUNT_LIMIT,
    MONITORING,
    REPORTERS,
    Confirm,
    Desk,
    desk_page,
    row,
)
from gatehouse.registers.downloads import source_download, wanted
from gatehouse.registers.forms import DateRangeForm

# == S-05 anomalies =============================================================================


def _said(result: services.AnomalyResult) -> str:
    extra = _t("，须将录像另存并做好标记") if result.anomaly.archive_required else ""
    return _t("已记录异常情况并通知监控中心") + extra + "。"


def _anomaly_form(request: HttpRequest, at: Desk) -> forms.AnomalyForm:
    return forms.AnomalyForm(request.POST, request.FILES)


def _report_action(**more: Any) -> Action:
    """S-05: report what was found (the phone, the booth or the monitoring centre)."""
    return Action(
        _anomaly_form,
        "form",
        lambda s: s.into(services.anomaly_report, site=s.record.site),
        _said,
        **more,
    )


def _report_context(at: Desk, **bound: Any) -> dict[str, Any]:
    return {
        "form": bound.get("form") or forms.AnomalyForm(),
        "mine": selectors.reported_by(at.site, at.user),
    }


REPORT = desk_page(
    "report",
    REPORTERS,
    _report_context,
    actions={"report": _report_action()},
)
report = REPORT.page("report")

ANOMALY_REGISTER = selectors.ANOMALY_TITLE


def _register(at: Desk) -> tuple[DateRangeForm, Any]:
    """The register's filters (a range of days) and the anomalies they find."""
    filters = DateRangeForm(at.request.GET or None)
    data = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    return filters, (selectors.anomaly_register(at.site, **data) if not filters.errors else [])


def _anomalies_context(at: Desk, **bound: Any) -> dict[str, Any]:
    """S-05: the 异常情况记录表 with the form to record one (monitoring, manager)."""
    filters, found = _register(at)
    rows = [selectors.anomaly_row(a) for a in found[:COUNT_LIMIT]]
    return {
        "form": bound.get("form") or forms.AnomalyForm(),
        "filters": filters,
        "title": ANOMALY_REGISTER,
        "columns": selectors.ANOMALY_COLUMNS,
        "rows": rows[:200],
        "count": len(rows),
    }


ANOMALIES = desk_page(
    "anomalies",
    MONITORING,
    _anomalies_context,
    actions={
        "report": _report_action(
            goes_to=lambda result: ("guard:anomaly", {"pk": result.anomaly.pk})
        ),
    },
)
_anomalies_page = ANOMALIES.page("report")


@login_required
@require_http_methods(["GET", "POST"])
def anomalies(request: HttpRequest) -> HttpResponse:
    """The register's page, or (``?export=xlsx``, ``?print=pdf``) every row it finds as a
    spreadsheet or as the A4 paper form — too many to make while the page waits: in the
    background (issue 16 §1)."""
    if request.method == "GET" and wanted(request):
        at = ANOMALIES.load(request)
        out = source_download(request, at.site, "guard:anomalies", at.now)
        if out is not None:
            return out
    return _anomalies_page(request)


def _anomaly_context(a: Any, **bound: Any) -> dict[str, Any]:
    """One anomaly: acknowledge, archive the clip, dispatch the patrol, close."""
    archived = {"camera": a.camera, "clip_from": a.clip_from, "clip_until": a.clip_until}
    return {
        "a": a,
        "row": selectors.anomaly_row(a),
        "photos": selectors.anomaly_photos(a),
        "dispatches": selectors.anomaly_dispatches(a),
        "duties": core.anomaly_obligations(core.AnomalyKind(a.kind)),
        "ack_form": bound.get("ack_form"),
        "archive_form": bound.get("archive_form") or forms.ArchiveForm(initial=archived),
        "close_form": bound.get("close_form") or fields.TextForm(),
        "dispatch_form": bound.get("dispatch_form")
        or forms.DispatchForm(initial={"place": a.place}, choices={"anomaly": []}),
    }


def _dispatch_form(request: HttpRequest, record: Any) -> forms.DispatchForm:
    return forms.DispatchForm(request.POST, choices={"anomaly": []})


ANOMALY = RecordPage(
    template="guard/anomaly.html",
    url_name="guard:anomaly",
    context=_anomaly_context,
    load=of_site(lambda request: state_with(request, MONITORING).site, selectors.anomaly_of),
    field_of=renamed({"resolution": "text"}),
    actions={
        "ack": Action(
            Confirm,
            "ack_form",
            lambda s: services.anomaly_acknowledge(anomaly=s.record, actor=s.actor, now=s.now),
            _("已确认收到。"),
        ),
        "archive": Action(
            forms.ArchiveForm,
            "archive_form",
            lambda s: s.into(services.anomaly_archive, anomaly=s.record),
            _("已登记录像存档。"),
        ),
        "close": Action(
            fields.TextForm,
            "close_form",
            lambda s: services.anomaly_close(
                anomaly=s.record, actor=s.actor, resolution=s.data["text"], now=s.now
            ),
            _("已结案。"),
        ),
        "dispatch": Action(
            _dispatch_form,
            "dispatch_form",
            lambda s: services.dispatch_create(
                site=s.record.site,
                actor=s.actor,
                place=s.data["place"],
                task=s.data["task"],
                anomaly=s.record,
                now=s.now,
            ),
            _("已派巡逻前往。"),
        ),
    },
)
anomaly = ANOMALY.page("ack", "archive", "close", "dispatch")

# == S-06 dispatch and the board ================================================================


def _anomaly_choices(at: Desk) -> dict[str, Any]:
    return {"anomaly": [(str(a.pk), str(a)) for a in selectors.open_anomalies(at.site)]}


def _dispatch_context(at: Desk, **bound: Any) -> dict[str, Any]:
    """S-06: send the patrol to a place; see it acknowledged and closed."""
    return {
        "form": bound.get("form") or forms.DispatchForm(choices=_anomaly_choices(at)),
        "row_form": bound.get("row_form"),
        "rows": selectors.dispatch_rows(at.site),
    }


def _dispatch(s: Submitted) -> Any:
    d, site = s.data, s.record.site
    return services.dispatch_create(
        site=site,
        actor=s.actor,
        place=d["place"],
        task=d["task"],
        anomaly=selectors.open_anomaly(site, d["anomaly"]) if d["anomaly"] else None,
        now=s.now,
    )


DISPATCH = desk_page(
    "dispatch",
    MONITORING,
    _dispatch_context,
    field_of=renamed({"result": "text"}),
    actions={
        "dispatch": Action(
            lambda request, at: forms.DispatchForm(request.POST, choices=_anomaly_choices(at)),
            "form",
            _dispatch,
            _("已派发巡逻任务。"),
        ),
        "dispatch_close": CLOSE_DISPATCH,
    },
)
dispatch = DISPATCH.page("dispatch")


@login_required
@require_POST
def dispatch_close(request: HttpRequest, pk: int) -> HttpResponse:
    """A dispatch closed from the dispatch page (``next=dispatch``) or the patrol's phone; a
    refusal shows on the page it was sent from."""
    page = DISPATCH if request.POST.get("next") == "dispatch" else PATROL_PAGE
    return page.run(request, "dispatch_close", pk=pk)


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """S-06: the live monitoring board; the fragment is polled every few seconds."""
    site, now = state_with(request, MONITORING).site, timezone.now()
    patrol_flag_missed(site=site, now=now)
    return render_partial(
        request, "guard/board.html", "guard/_board.html", selectors.board(site, now)
    )


@login_required
@require_GET
def board_stats(request: HttpRequest) -> HttpResponse:
    """The board's chart figures as JSON, fetched by the page every few seconds."""
    site, now = state_with(request, MONITORING).site, timezone.now()
    return chart_response(request, charts.board_stats(site, now), site)


@login_required
@require_POST
def board_ack(request: HttpRequest, pk: int) -> HttpResponse:
    """A notice on the board dealt with; the board answers in place (htmx) or is shown again."""
    site, now = state_with(request, MONITORING).site, timezone.now()
    notice = found_or_404(selectors.monitoring_notice(site, pk))
    form = Confirm(request.POST)
    done = run_form(form, lambda d: notice_acknowledge(notice=notice, actor=request.user, now=now))
    if done is None:
        context = {**selectors.board(site, now), "row_form": form}
        return render_partial(request, "guard/board.html", "guard/_board.html", context, 422)
    if is_partial(request):
        return render_vary(request, "guard/_board.html", selectors.board(site, now))
    return redirect("guard:board")


@login_required
@require_POST
def board_open(request: HttpRequest, pk: int) -> HttpResponse:
    """The board's remote "开门" of one lane (issue 14 §3): queued, audited, shown on the board."""
    state = state_with(request, MONITORING)
    site, now = state.site, timezone.now()
    lane = found_or_404(device_selectors.lane_at(site, pk))
    error = None
    try:
        open_lane(lane=lane, actor=request.user, now=now, reason=_t("监控中心远程开门"))
    except DomainError as exc:
        error = exc.message
        messages.error(request, exc.message)
    if is_partial(request):
        context = {**selectors.board(site, now), "device_error": error}
        return render_vary(request, "guard/_board.html", context)
    return redirect("guard:board")


# == S-13 the emergency chain ===================================================================


def _plans(at: Desk) -> dict[str, Any]:
    return {"plan": [(str(p.pk), p.name) for p in selectors.active_plans(at.site)]}


def _emergency_context(at: Desk, **bound: Any) -> dict[str, Any]:
    """S-13: activate a plan; the chain is called in order; each acknowledgement recorded."""
    services.emergencies_advance(site=at.site, now=at.now)
    return {
        "form": bound.get("form") or forms.ActivateForm(choices=_plans(at)),
        "row_form": bound.get("row_form"),
        "items": selectors.emergency_items(at.site, at.now, open_only=False),
        "plans": selectors.active_plans(at.site),
        "manager": at.manager,
        "all_plans": selectors.all_plans(at.site) if at.manager else [],
    }


def _emergency_of(at: Desk, pk: int) -> Any:
    return selectors.emergency_of(at.site, pk)


EMERGENCY = desk_page(
    "emergency",
    MONITORING,
    _emergency_context,
    actions={
        "activate": Action(
            lambda request, at: forms.ActivateForm(request.POST, choices=_plans(at)),
            "form",
            lambda s: services.emergency_activate(
                plan=selectors.active_plan(s.record.site, s.data["plan"]),
                actor=s.actor,
                summary=s.data["summary"],
                now=s.now,
            ),
            _("应急预案已启动，正在逐级报告。"),
        ),
        "ack": Action(
            forms.EmergencyAckForm,
            "row_form",
            lambda s: services.emergency_acknowledge(
                emergency=s.item, who=s.data["who"], actor=s.actor, now=s.now
            ),
            _("已记录确认。"),
            item=row(MONITORING, _emergency_of),
        ),
        "close": Action(
            Confirm,
            "row_form",
            lambda s: services.emergency_close(emergency=s.item, actor=s.actor, now=s.now),
            _("应急已结束。"),
            item=row(MONITORING, _emergency_of),
        ),
    },
)
emergency = EMERGENCY.page("activate")
emergency_action = EMERGENCY.view()
