"""The register engine's pages — every register an app declares (``<app>/registers.py``, see
:mod:`gatehouse.registers.engine`) through one view and one template, and every declared index —
plus the event log and who is on site now. Thin: check who asks at which site, clean the filters,
read through selectors (or call the one service), render. Every page works on the current site only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_GET, require_POST

from gatehouse.access.services import notice_acknowledge
from gatehouse.accounts.selectors import STAFF_ROLES
from gatehouse.console.context import site_with
from gatehouse.console.http import XLSX_TYPE, is_partial, render_partial
from gatehouse.core.errors import DomainError
from gatehouse.registers import engine, jobs, selectors, services
from gatehouse.registers.downloads import background, download, paper_pdf, refused, wanted
from gatehouse.registers.engine import REGISTER_ROLES, table
from gatehouse.registers.export import period_text, register_workbook
from gatehouse.registers.forms import EventFilterForm
from gatehouse.registers.models import ExportFormat, ExportState
from gatehouse.registers.paper import PDF_TYPE
from gatehouse.registers.registers import EVENTS, EVENTS_TITLE


def register_path(route: str, key: str) -> URLPattern:
    """The URL of the declared register ``key`` (``"app:name"``), named ``name``, served here."""
    engine.register(key)  # declared, or the URL conf fails to load
    return path(route, register, {"key": key}, name=key.partition(":")[2])


def index_path(route: str, key: str) -> URLPattern:
    """The URL of the declared index ``key``, named as its key says, served here."""
    engine.index(key)
    return path(route, index, {"key": key}, name=key.partition(":")[2])


@login_required
@require_GET
def index(request: HttpRequest, key: str) -> HttpResponse:
    """A declared index: tiles leading to the registers."""
    declared = engine.index(key)
    site_with(request, declared.roles)
    return render(request, "registers/index.html", {"index": declared})


@login_required
@require_GET
def register(request: HttpRequest, key: str) -> HttpResponse:
    """Every declared register: the filters, the result table with its pager, ``?export=xlsx``
    (every row), ``?print=pdf`` (the A4 paper form) and ``?print=1`` (every row on a plain page
    the browser prints)."""
    spec = engine.register(key)
    site = site_with(request, spec.roles)
    form = spec.form(request.GET or None)
    usable = not form.is_bound or form.is_valid()  # else errors by the fields, and no rows
    filters = (form.cleaned_data if form.is_bound else {}) if usable else None
    now = timezone.now()
    found = spec.find(site, now, filters)
    if spec.export and request.GET.get("export") == "xlsx" and usable:
        if jobs.too_long(ExportFormat.XLSX, jobs.size(found)):
            return background(request, site, key, ExportFormat.XLSX)
        period = period_text(filters)
        return register_workbook(spec.title, site, period, spec.labels, spec.every(found), now)
    if spec.printable and request.GET.get("print") == "pdf" and usable:
        if jobs.too_long(ExportFormat.PDF, jobs.size(found)):
            return background(request, site, key, ExportFormat.PDF)
        period = period_text(filters)
        return paper_pdf(
            request, spec.paper, spec.title, site, period, spec.labels, spec.every(found), now
        )
    if spec.printable and request.GET.get("print") and usable:
        rows = spec.table(spec.each(found))
        return render(request, "registers/print.html", {"spec": spec, "site": site, "rows": rows})
    page = Paginator(found, spec.per_page).get_page(request.GET.get("page"))
    context = {
        "spec": spec,
        "form": form,
        "page": page,
        "rows": spec.table(page.object_list),
        "searched": form.is_bound,
    }
    aside = spec.aside
    return render_partial(
        request,
        "registers/register.html",
        "registers/_register_results.html",
        context,
        page_context=(lambda: aside[1](site, now)) if aside is not None else None,
    )


@login_required
@require_GET
def events(request: HttpRequest) -> HttpResponse:
    """The event log; unfiltered, it is the monitoring centre's live view (polled every 5 s)."""
    site = site_with(request, REGISTER_ROLES)
    form = EventFilterForm(request.GET or None, gates=selectors.gate_choices(site))
    if wanted(request) and (not form.is_bound or form.is_valid()):
        out = _events_out(request, site, form.cleaned_data if form.is_bound else {})
        if out is not None:
            return out
    live = False
    if not form.is_bound:
        result, live = selectors.events(site), True
    elif form.is_valid():
        result = selectors.events(site, **form.cleaned_data)
        live = not any(form.cleaned_data.values())
    else:
        result = selectors.EventPage([])
    context = {
        "form": form,
        "result": result,
        "rows": table(selectors.EVENT_COLUMNS, result.rows),
        "live": live,
        "columns": selectors.EVENT_COLUMNS,
        "searched": form.is_bound,
    }
    return render_partial(
        request, "registers/events.html", "registers/_event_results.html", context
    )


def _events_out(request: HttpRequest, site: Any, data: dict[str, Any]) -> HttpResponse | None:
    """Every event the filters find (not a page of them) as xlsx or as the A4 PDF (too many:
    in the background)."""
    filters = {k: v for k, v in data.items() if k != "before"}
    return download(
        request,
        EVENTS,
        EVENTS_TITLE,
        site,
        filters,
        selectors.EVENT_COLUMNS,
        lambda: (
            selectors.event_row(e).cells
            for e in selectors.event_query(site, **filters).iterator(chunk_size=2000)
        ),
        count=lambda: selectors.event_query(site, **filters).count(),
    )


def _board_context(site: Any, now: Any, board: Any = None, **extra: Any) -> dict[str, Any]:
    board = board if board is not None else selectors.on_site_now(site, now)
    return {
        "board": board,
        "alerts": selectors.alerts(site, now),
        "staff_columns": selectors.STAFF_EXIT_COLUMNS,
        "staff_rows": table(selectors.STAFF_EXIT_COLUMNS, board.staff_out),
        **extra,
    }


@login_required
@require_GET
def on_site(request: HttpRequest) -> HttpResponse:
    """Who is on site now; flags visitors still inside after closing time (VI-03) on load."""
    site = site_with(request, REGISTER_ROLES)
    now = timezone.now()
    board = selectors.on_site_now(site, now)
    # The board has just read who is inside and who of them is overdue: flagging takes those
    # (by day none: nothing is read, locked or written again).
    overdue = [item.visit for item in (*board.visitors, *board.workers) if item.overdue]
    services.flag_overstays(site=site, now=now, inside=overdue)
    context = _board_context(site, now, board)  # the alerts, read after the flagging
    return render_partial(
        request, "registers/on_site.html", "registers/_on_site_board.html", context
    )


@login_required
@require_POST
def ack_notice(request: HttpRequest, pk: int) -> HttpResponse:
    site = site_with(request, REGISTER_ROLES)
    notice = selectors.notice_at(site, pk)
    if notice is None:
        raise Http404
    now = timezone.now()
    error = ""
    try:
        notice_acknowledge(notice=notice, actor=request.user, now=now)
    except DomainError as exc:
        error = exc.message
    if is_partial(request):
        context = _board_context(site, now, ack_error=error)
        return render(
            request, "registers/_on_site_board.html", context, status=422 if error else 200
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _t("提醒已标记为已处理。"))
    return redirect("registers:on_site")


# == Background exports (issue 16 §1) ============================================================


@login_required
@require_GET
def exports(request: HttpRequest) -> HttpResponse:
    """我的导出: the user's background exports at this site, newest first (kept 7 days)."""
    site = site_with(request, STAFF_ROLES)
    found = jobs.jobs_of(site, request.user)
    running = found.filter(state__in=(ExportState.QUEUED, ExportState.RUNNING)).exists()
    context = {"jobs": found[:100], "running": running, "keep_days": jobs.KEEP.days}
    return render_partial(request, "registers/exports.html", "registers/_exports.html", context)


@login_required
@require_GET
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """One background export: its progress (the page asks again every 2 s until it is over),
    then the download or the reason it failed. Only the user's own, at this site."""
    site = site_with(request, STAFF_ROLES)
    job = jobs.job_of(site, request.user, pk)
    if job is None:
        raise Http404
    context = {"job": job, "keep_days": jobs.KEEP.days}
    return render_partial(request, "registers/export.html", "registers/_export.html", context)


@login_required
@require_GET
def export_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The file of a finished background export (the user's own, at this site)."""
    site = site_with(request, STAFF_ROLES)
    job = jobs.job_of(site, request.user, pk)
    if job is None or job.state != ExportState.DONE or not job.file:
        raise Http404
    pdf = job.format == ExportFormat.PDF
    return FileResponse(
        job.file.open("rb"),
        as_attachment=not pdf,
        filename=job.filename,
        content_type=PDF_TYPE if pdf else XLSX_TYPE,
    )


@login_required
@require_POST
def export_new(request: HttpRequest) -> HttpResponse:
    """Start a background export: ``key`` (the register), ``format`` (xlsx, pdf) and the
    register's filters. Refused (400, nothing recorded): ``export.register``, ``export.format``,
    ``export.filters``."""
    key = request.POST.get("key", "")
    found_in = jobs.source(key)
    if found_in is None:
        return refused(request, DomainError("export.register", _t("没有这个登记表，无法导出。")))
    site = site_with(request, found_in.roles)
    try:
        job = jobs.export_start(
            site=site,
            actor=request.user,
            key=key,
            fmt=request.POST.get("format", ""),
            query=request.POST,
            now=timezone.now(),
        )
    except DomainError as error:
        return refused(request, error)
    return redirect("registers:export", pk=job.pk)
