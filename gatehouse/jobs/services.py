"""Enqueue the periodic jobs when due, run them, and record each run's outcome."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from traceback import format_exception_only

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.tasks.base import TaskResultStatus
from django.utils import timezone

from gatehouse.accounts.actor import Actor
from gatehouse.accounts.models import Role
from gatehouse.accounts.selectors import roles_at
from gatehouse.audit.services import audit_record
from gatehouse.core import retention
from gatehouse.core.errors import DomainError
from gatehouse.jobs.models import JobRun, RunStatus, TaskRecord
from gatehouse.jobs.schedule import SCHEDULE, job_named
from gatehouse.ops.jobs import job as timed
from gatehouse.sites.models import Site


def _enqueue(run: JobRun) -> None:
    from gatehouse.jobs.tasks import run_job

    run_job.enqueue(run.pk)


# A run still "running" this long after it started lost its worker (killed, the box rebooted):
# no job of the schedule takes an hour, so three is far past any honest run.
ABANDONED_AFTER = timedelta(hours=3)
ABANDONED_ERROR = "运行中断：开始后超过3小时仍未结束，执行它的工作进程已退出（worker lost）"


def abandoned_runs_close(*, now: datetime) -> int:
    """Mark the runs (and their tasks) whose worker died mid-run as failed, so the jobs page
    and /metrics stop showing them as running for ever. A run that was only slow and finishes
    later overwrites this with its real outcome."""
    from gatehouse.jobs.tasks import run_job

    stuck = list(
        JobRun.objects.filter(
            status=RunStatus.RUNNING, started_at__lt=now - ABANDONED_AFTER
        ).values_list("pk", flat=True)
    )
    if not stuck:
        return 0
    with transaction.atomic():
        JobRun.objects.filter(pk__in=stuck, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED, finished_at=now, error=ABANDONED_ERROR
        )
        for pk in stuck:  # a task names its run in its JSON arguments
            TaskRecord.objects.filter(
                task_path=run_job.module_path, args=[pk], status=TaskResultStatus.RUNNING
            ).update(status=TaskResultStatus.FAILED, finished_at=now, error=ABANDONED_ERROR)
    return len(stuck)


def scheduler_pass(*, now: datetime) -> list[JobRun]:
    """Enqueue every job whose latest due time has no run yet. The (job, due_at) uniqueness
    makes this safe with two schedulers: the second one's insert fails and it skips. Runs
    whose worker died are closed as failed first."""
    abandoned_runs_close(now=now)
    created: list[JobRun] = []
    for job in SCHEDULE:
        due = job.due_at(now)
        if JobRun.objects.filter(job=job.name, due_at=due).exists():
            continue
        try:
            with transaction.atomic():
                run = JobRun.objects.create(job=job.name, due_at=due, enqueued_at=now)
                _enqueue(run)
        except IntegrityError:
            continue  # another scheduler enqueued it first
        created.append(run)
    return created


def job_run_now(*, name: str, actor: Actor, now: datetime) -> JobRun:
    """A manager's "run now": a run due at ``now``, enqueued at once, audited."""
    job = job_named(name)
    if job is None:
        raise DomainError("job.unknown", "没有这个定时任务", {"field": "job"})
    with transaction.atomic():
        run = JobRun.objects.create(job=job.name, due_at=now, enqueued_at=now, requested_by=actor)
        audit_record(action="job.run_now", obj=run, actor=actor, after={"job": job.name}, at=now)
        _enqueue(run)
    return run


def job_run_execute(*, run_id: int, now: datetime | None = None) -> str:
    """Run one enqueued run and store its status, duration, summary or error. A failure is
    recorded and raised again, so the task is marked failed too."""
    claimed = JobRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return "skipped: not queued"
    run = JobRun.objects.get(pk=run_id)
    job = job_named(run.job)
    began = time.monotonic()
    try:
        if job is None:
            raise LookupError(f"no job named {run.job!r} in the schedule")
        with timed(run.job):  # the job's duration and failures in /metrics, a log line
            summary = job.run(now or timezone.now())
    except Exception as exc:
        run.status = RunStatus.FAILED
        run.error = "".join(format_exception_only(exc)).strip()[:4000]
        _finish(run, began)
        raise
    run.status = RunStatus.SUCCEEDED
    run.summary = summary[:200]
    _finish(run, began)
    return summary


def _finish(run: JobRun, began: float) -> None:
    run.finished_at = timezone.now()
    run.duration_ms = round((time.monotonic() - began) * 1000)
    run.save(update_fields=["status", "summary", "error", "finished_at", "duration_ms"])


@transaction.atomic
def event_retention_set(*, site: Site, actor: Actor, days: object, now: datetime) -> Site:
    """A security manager sets how long the site keeps its access events (``None``: for ever);
    the daily ``purge_events`` job applies it. Audited with the value before."""
    if Role.SECURITY_MANAGER not in roles_at(actor, site):
        raise PermissionDenied("只有本场所的安保主管可以修改通行记录保存期限")
    value = retention.check_days(days)
    locked = Site.objects.select_for_update().get(pk=site.pk)
    before = locked.event_retention_days
    locked.event_retention_days = value
    locked.save(update_fields=["event_retention_days"])
    site.event_retention_days = value
    audit_record(
        action="site.event_retention_days",
        obj=locked,
        actor=actor,
        before={"event_retention_days": before},
        after={"event_retention_days": value},
        at=now,
    )
    return locked
