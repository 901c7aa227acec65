"""What the jobs page shows: each scheduled job with its cadence and latest runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
        day = str(WEEKDAYS[job.offset.days % 7])
        return _("每周%(day)s %(clock)s") % {"day": day, "clock": clock}
    if seconds == 86400:
        return _("每天 %(clock)s") % {"clock": clock}
    if seconds % 3600 == 0:
        return _("每 %(n)s 小时") % {"n": seconds // 3600}
    if seconds % 60 == 0:
        return _("每 %(n)s 分钟") % {"n": seconds // 60}
    return _("每 %(n)s 秒") % {"n": seconds}


WEEKDAYS = (
    gettext_lazy("一"),
    gettext_lazy("二"),
    gettext_lazy("三"),
    gettext_lazy("四"),
    gettext_lazy("五"),
    gettext_lazy("六"),
    gettext_lazy("日"),
)


def event_storage(*, site_id: int) -> dict:
    """The jobs page's "通行记录保存" card: the site's retention, its purge anchors, and on
    PostgreSQL the log's monthly partitions with their estimated rows."""
    from gatehouse.access.models import EventChainAnchor
    from gatehouse.gate import partitions

    return {
        "partitioned": partitions.is_partitioned(),
        "partitions": partitions.sizes(),
        "anchors": list(EventChainAnchor.objects.filter(site_id=site_id).order_by("-last_seq")[:5]),
    }


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
