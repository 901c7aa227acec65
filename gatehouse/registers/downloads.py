"""A register's downloads as a page answers them: ``?export=xlsx`` (every row, the shared
writer of :mod:`gatehouse.registers.export`) and ``?print=pdf`` (the A4 paper form of
:mod:`gatehouse.registers.paper`). The engine's registers get them from the engine's view; a
register page of its own (the event log; the anomalies and the cleaning rota, through
:func:`source_download`) asks :func:`download` first. A download too long to make while the
page waits (:func:`gatehouse.registers.jobs.too_long`) becomes a background export and the page
goes to it (:func:`background`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _t

from gatehouse.core.errors import DomainError
from gatehouse.registers import jobs
from gatehouse.registers.export import period_text, register_workbook
from gatehouse.registers.paper import MAX_ROWS, Paper, TooLong, paper_for, pdf_response


def paper_pdf(
    request: HttpRequest,
    paper: Paper,
    title: Any,
    site: Any,
    period: str,
    labels: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    now: datetime,
) -> HttpResponse:
    """A register's A4 PDF, or (more rows than one PDF holds) 422 ``paper.too_long`` saying to
    narrow the days or export the spreadsheet; nothing is cut silently."""
    try:
        return pdf_response(paper, title, site, period, labels, rows, now)
    except TooLong:
        error = DomainError(
            "paper.too_long",
            _t("记录超过 %(n)d 条，无法打印为一份文件。请缩小日期范围，或导出 Excel。")
            % {"n": MAX_ROWS},
        )
        return render(request, "registers/paper_refused.html", {"error": error}, status=422)


def background(request: HttpRequest, site: Any, key: str, fmt: str) -> HttpResponse:
    """Queue the export of register ``key`` with the filters of the request's query string and
    go to its page (303); refused (bad filters, a format the register has not): 400 with the
    code and the reason."""
    try:
        job = jobs.export_start(
            site=site, actor=request.user, key=key, fmt=fmt, query=request.GET, now=timezone.now()
        )
    except DomainError as error:
        return refused(request, error)
    return redirect("registers:export", pk=job.pk)


def refused(request: HttpRequest, error: DomainError, status: int = 400) -> HttpResponse:
    return render(request, "registers/export_refused.html", {"error": error}, status=status)


def wanted(request: HttpRequest) -> bool:
    """The request asks for a download rather than the page."""
    return request.GET.get("export") == "xlsx" or request.GET.get("print") == "pdf"


def download(
    request: HttpRequest,
    key: str,
    title: Any,
    site: Any,
    filters: Mapping[str, Any] | None,
    labels: Sequence[Any],
    rows: Callable[[], Iterable[Sequence[Any]]],
    count: Callable[[], int] | None = None,
) -> HttpResponse | None:
    """The xlsx or the PDF of register ``key`` if the request asks for one (``rows()`` every row
    the ``filters`` find, read only then), else None: the page answers. Given ``count()`` (how
    many rows) and a register :mod:`~gatehouse.registers.jobs` can find again, a download too
    long to make now is exported in the background."""
    if not wanted(request):
        return None
    fmt = "xlsx" if request.GET.get("export") == "xlsx" else "pdf"
    if count is not None and jobs.source(key) is not None and jobs.too_long(fmt, count()):
        return background(request, site, key, fmt)
    now = timezone.now()
    period = period_text(filters)
    if fmt == "xlsx":
        return register_workbook(title, site, period, labels, rows(), now)
    return paper_pdf(request, paper_for(key), title, site, period, labels, rows(), now)


def source_download(
    request: HttpRequest, site: Any, key: str, now: datetime
) -> HttpResponse | None:
    """The xlsx or the PDF of register ``key``, found by the source it declared
    (:func:`gatehouse.registers.jobs.declare_source`) from the request's query string, if the
    request asks for one — too long to make now: in the background — else None. Bad filters:
    400 with the code and the reason, nothing made."""
    if not wanted(request):
        return None
    found_in = jobs.source(key)
    if found_in is None:
        raise LookupError(key)
    try:
        found = found_in.find(site, now, request.GET)
    except DomainError as error:
        return refused(request, error)
    return download(
        request, key, found.title, site, found.filters, found.labels, found.rows, found.count
    )
