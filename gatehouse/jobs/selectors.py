"""What the jobs page shows: each scheduled job with its cadence and latest runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gatehouse.jobs.models import JobRun
from gatehouse.jobs.schedule import SCHEDULE, Job


@dataclass
class JobRow:
    job: Job
    cadence: str
    next_due: datetime
    last: JobRun | None
    recent: list[JobRun]


def _cadence(job: Job) -> str:
    seconds = int(job.every.total_seconds())
    clock = f"{job.offset.seconds // 3600:02d}:{job.offset.seconds % 3600 // 60:02d}"
    if seconds == 604800:  # counted from a Monday
        return f"每周{'一二三四五六日'[job.offset.days % 7]} {clock}"
    if seconds == 86400:
        return f"每天 {clock}"
    if seconds % 3600 == 0:
        return f"每 {seconds // 3600} 小时"
    if seconds % 60 == 0:
        return f"每 {seconds // 60} 分钟"
    return f"每 {seconds} 秒"


def job_rows(*, now: datetime, recent: int = 5) -> list[JobRow]:
    rows = []
    for job in SCHEDULE:
        runs = list(JobRun.objects.filter(job=job.name).order_by("-due_at", "-pk")[:recent])
        rows.append(
            JobRow(
                job=job,
                cadence=_cadence(job),
                next_due=job.next_due(now),
                last=runs[0] if runs else None,
                recent=runs,
            )
        )
    return rows
