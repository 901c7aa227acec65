"""Registers exported in the background (issue 16 §1).

A register's spreadsheet of more than :data:`XLSX_IN_PAGE` rows, or its PDF of more than
:data:`PDF_IN_PAGE`, is not made while the page waits: :func:`export_start` records an
:class:`~gatehouse.registers.models.ExportJob` (the register's key, the filters as the page's
query string had them, the format) and the page goes to the job's page, which shows the progress
and, when it is done, the download. :func:`run_due_jobs` — called by ``manage.py export_worker``,
which ``make demo`` runs beside the web server — claims queued jobs (with a lease: a worker that
dies leaves its job to be taken again, at most :data:`MAX_ATTEMPTS` times), finds the rows again
through the register's source, writes the file under ``MEDIA_ROOT/exports/`` and records the rows
done every :data:`PROGRESS_EVERY` rows (a PDF: after each part it lays out). Jobs older than
:data:`KEEP` are deleted with their files.

A register can be exported in the background if it has a source: every register of the engine
(:mod:`gatehouse.registers.engine`) has one, and the event log declares its own
(:func:`declare_source`). A source answers what the rows are at the time the job was asked for.
"""

from __future__ import annotations

import logging
import secrets
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _t

from gatehouse.core.errors import DomainError
from gatehouse.dbrouter import replica_reads
from gatehouse.registers import engine
from gatehouse.registers.export import filename, period_text, register_sheet
from gatehouse.registers.models import ExportFormat, ExportJob, ExportState
from gatehouse.registers.paper import MAX_ROWS, Paper, render_long_pdf

log = logging.getLogger("gatehouse.registers")

#: Rows a spreadsheet has at most when made while the page waits; more go to the background.
XLSX_IN_PAGE = 20_000
#: Rows a PDF has at most when made while the page waits (:data:`paper.MAX_ROWS`).
PDF_IN_PAGE = MAX_ROWS
PROGRESS_EVERY = 500
#: How long a claimed job is a worker's; every progress report extends it.
LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 3
#: How long a job and its file are kept.
KEEP = timedelta(days=7)
#: Query-string keys that ask for a download or a page, not filters.
NOT_FILTERS = frozenset({"export", "print", "page", "format", "key", "csrfmiddlewaretoken"})

type Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Found:
    """A register's rows for the filters asked: what the file's heading says, how many rows
    there are and (read only when called) every row's cells."""

    title: Any
    labels: Sequence[Any]
    paper: Paper
    filters: Mapping[str, Any]
    count: Callable[[], int]
    rows: Callable[[], Iterable[Sequence[Any]]]
    formats: frozenset[str] = frozenset(ExportFormat.values)


@dataclass(frozen=True)
class Source:
    """How a register's rows are found again from its query string: ``find(site, now, data)``
    (a :class:`DomainError` for filters the register's form refuses); ``roles``: who may."""

    find: Callable[[Any, datetime, MultiValueDict[str, Any]], Found]
    roles: frozenset[str]


_SOURCES: dict[str, Source] = {}


def declare_source(key: str, source: Source) -> None:
    """A register that is not the engine's (the event log) says how to find its rows."""
    _SOURCES[key] = source


def source(key: str) -> Source | None:
    """The source of register ``key``: declared, or the engine's register of that key."""
    if key in _SOURCES:
        return _SOURCES[key]
    try:
        spec = engine.register(key)
    except LookupError:
        return None
    return Source(lambda site, now, data: _engine_found(spec, site, now, data), spec.roles)


def size(found: QuerySet[Any] | Sequence[Any]) -> int:
    """How many rows ``found`` has (a queryset counted by the database)."""
    return found.count() if isinstance(found, QuerySet) else len(found)


def filters_refused(form: Any) -> DomainError:
    errors = "；".join(str(e) for errs in form.errors.values() for e in errs)
    return DomainError(
        "export.filters",
        _t("筛选条件有误：%(errors)s") % {"errors": errors},
        {"fields": list(form.errors)},
    )


def _engine_found(
    spec: engine.Register, site: Any, now: datetime, data: MultiValueDict[str, Any]
) -> Found:
    form = spec.form(data)
    if not form.is_valid():
        raise filters_refused(form)
    found = spec.find(site, now, form.cleaned_data)
    formats = {
        f for f, on in ((ExportFormat.XLSX, spec.export), (ExportFormat.PDF, spec.printable)) if on
    }
    return Found(
        spec.title,
        spec.labels,
        spec.paper,
        form.cleaned_data,
        lambda: size(found),
        lambda: spec.every(found),
        frozenset(str(f) for f in formats),
    )


def query_of(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """The filters of a query string (a ``QueryDict``), as a job keeps them."""
    lists = data.lists() if hasattr(data, "lists") else ((k, [v]) for k, v in data.items())
    return {k: [str(v) for v in vs] for k, vs in sorted(lists) if k not in NOT_FILTERS}


def too_long(fmt: str, rows: int) -> bool:
    """More rows than a file of ``fmt`` has when made while the page waits."""
    return rows > (PDF_IN_PAGE if fmt == ExportFormat.PDF else XLSX_IN_PAGE)


def export_start(
    *, site: Any, actor: Any, key: str, fmt: str, query: Mapping[str, Any], now: datetime
) -> ExportJob:
    """Queue the export of register ``key`` as ``fmt`` with the filters of ``query`` (the
    page's query string); the same export already queued or running for ``actor`` is answered
    instead of a second one. :class:`DomainError` (nothing recorded): ``export.format``,
    ``export.register``, ``export.filters``."""
    if fmt not in ExportFormat.values:
        raise DomainError(
            "export.format", _t("导出格式只能是 Excel（xlsx）或 PDF。"), {"format": fmt[:20]}
        )
    found_in = source(key)
    if found_in is None:
        raise DomainError("export.register", _t("没有这个登记表，无法导出。"), {"key": key[:60]})
    kept = query_of(query)
    found = found_in.find(site, now, MultiValueDict(kept))
    if fmt not in found.formats:
        raise DomainError("export.format", _t("这个登记表不能导出为该格式。"), {"format": fmt})
    same = (
        ExportJob.objects.filter(
            site=site,
            requested_by=actor,
            key=key,
            format=fmt,
            query=kept,
            state__in=(ExportState.QUEUED, ExportState.RUNNING),
        )
        .order_by("-created_at")
        .first()
    )
    if same is not None:
        return same
    return ExportJob.objects.create(
        site=site,
        requested_by=actor,
        key=key,
        title=str(found.title)[:100],
        query=kept,
        period=period_text(found.filters)[:60],
        format=fmt,
        language=translation.get_language() or "",
        rows_total=found.count(),
        created_at=now,
    )


@dataclass
class Ran:
    """What a round of :func:`run_due_jobs` did."""

    done: int = 0
    failed: int = 0
    purged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.done or self.failed or self.purged)


def run_due_jobs(now: datetime | Clock, *, limit: int = 1) -> Ran:
    """Run the queued jobs (at most ``limit``), oldest first; delete those older than
    :data:`KEEP`. ``now`` is the time, or a clock read as the work goes on (the worker's)."""
    clock: Clock = now if callable(now) else (lambda: now)
    ran = Ran(purged=purge(clock()))
    for job in _claim(clock(), limit):
        if job.attempts > MAX_ATTEMPTS:
            _fail(job, _t("导出多次中断，已停止。"), clock())
        elif run_job(job, clock):
            ran.done += 1
            continue
        ran.failed += 1
        job.refresh_from_db()
        ran.errors.append(f"export {job.pk}: {job.error}")
    return ran


def _due(now: datetime) -> Q:
    return Q(state=ExportState.QUEUED) | Q(state=ExportState.RUNNING, lease_until__lt=now)


def _claim(now: datetime, limit: int) -> list[ExportJob]:
    ids = list(
        ExportJob.objects.filter(_due(now))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    claimed = []
    for pk in ids:
        won = (
            ExportJob.objects.filter(pk=pk)
            .filter(_due(now))
            .update(
                state=ExportState.RUNNING,
                lease_until=now + LEASE,
                attempts=F("attempts") + 1,
                started_at=now,
                rows_done=0,
            )
        )
        if won:
            claimed.append(ExportJob.objects.select_related("site").get(pk=pk))
    return claimed


def run_job(job: ExportJob, clock: Clock) -> bool:
    """Make the job's file; True when it is done, False when it failed (its error recorded)."""
    try:
        with translation.override(job.language or None), replica_reads():
            _make(job, clock)
    except DomainError as exc:
        _fail(job, exc.message, clock())
        return False
    except Exception as exc:  # a bug or a full disk fails this job, not the worker
        log.exception("export %s", job.pk)
        _fail(job, _t("导出失败：%(error)s") % {"error": f"{type(exc).__name__}: {exc}"}, clock())
        return False
    return True


def _make(job: ExportJob, clock: Clock) -> None:
    found_in = source(job.key)
    if found_in is None:
        raise DomainError("export.register", _t("没有这个登记表，无法导出。"))
    started = clock()
    found = found_in.find(job.site, job.created_at, MultiValueDict(job.query))
    total = found.count()
    ExportJob.objects.filter(pk=job.pk).update(rows_total=total)

    def progress(rows: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(rows_done=rows, lease_until=clock() + LEASE)

    suffix = str(job.format)
    with tempfile.TemporaryFile() as out:
        if job.format == ExportFormat.XLSX:
            counted = _Counting(found.rows(), progress)
            sheet = register_sheet(job.title, job.site, job.period, found.labels, counted, started)
            sheet.book.save(out)
            rows = counted.rows
        else:
            render_long_pdf(
                found.paper,
                job.title,
                job.site,
                job.period,
                found.labels,
                found.rows(),
                started,
                out,
                count=total,
                progress=progress,
            )
            rows = total
        out.seek(0)
        job.file.save(f"{job.pk}-{secrets.token_hex(8)}.{suffix}", File(out), save=False)
    with transaction.atomic():
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportState.DONE,
            rows_done=rows,
            rows_total=rows,
            file=job.file.name,
            filename=filename(job.title, started, suffix)[:160],
            size=job.file.size,
            finished_at=clock(),
            lease_until=None,
            error="",
        )


class _Counting(Iterator[Sequence[Any]]):
    """``rows`` passed through, ``progress(n)`` told every :data:`PROGRESS_EVERY` rows."""

    def __init__(self, rows: Iterable[Sequence[Any]], progress: Callable[[int], None]) -> None:
        self._rows = iter(rows)
        self._progress = progress
        self.rows = 0

    def __next__(self) -> Sequence[Any]:
        row = next(self._rows)
        self.rows += 1
        if self.rows % PROGRESS_EVERY == 0:
            self._progress(self.rows)
        return row


def _fail(job: ExportJob, message: str, now: datetime) -> None:
    if job.file:
        job.file.delete(save=False)
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportState.FAILED,
        error=message[:300],
        finished_at=now,
        lease_until=None,
        file="",
    )


def purge(now: datetime) -> int:
    """Delete the jobs asked for more than :data:`KEEP` ago, and their files (a job a worker
    is still running is left to finish)."""
    old = ExportJob.objects.filter(created_at__lt=now - KEEP).exclude(
        state=ExportState.RUNNING, lease_until__gte=now
    )
    count = 0
    for job in old:
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count


def jobs_of(site: Any, user: Any) -> QuerySet[ExportJob]:
    """``user``'s exports at ``site``, newest first."""
    return ExportJob.objects.filter(site=site, requested_by=user).order_by("-created_at", "-pk")


def job_of(site: Any, user: Any, pk: int) -> ExportJob | None:
    """One of ``user``'s exports at ``site`` (None: not theirs, not this site's, or gone)."""
    return jobs_of(site, user).filter(pk=pk).first()
