"""Forget the devices' old nonces. A ``DeviceRequest`` remembers a request's nonce and reply so
a repeat gets the first answer; a read older than ``MAX_REPLAY_AGE`` is refused by its time
(``gate.reads.check_read_time``) before its nonce is looked up, so past that window (plus a
day's margin) the row protects nothing and is deleted, in batches by primary key."""

from __future__ import annotations

from datetime import datetime, timedelta

from gatehouse.access.models import DeviceRequest
from gatehouse.gate.reads import MAX_CLOCK_SKEW, MAX_REPLAY_AGE

KEEP_FOR = MAX_REPLAY_AGE + MAX_CLOCK_SKEW + timedelta(days=1)
BATCH = 1000


def device_requests_purge(*, now: datetime, batch: int = BATCH) -> int:
    """Delete the rows received before ``now - KEEP_FOR``, ``batch`` at a time (short
    transactions: the gate keeps writing while this runs). Returns how many were deleted."""
    cutoff = now - KEEP_FOR
    deleted = 0
    while True:
        pks = list(
            DeviceRequest.objects.filter(received_at__lt=cutoff)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not pks:
            return deleted
        count, _ = DeviceRequest.objects.filter(pk__in=pks).delete()
        deleted += count


RUNS_KEPT_FOR = timedelta(days=14)


def job_runs_purge(*, now: datetime, batch: int = BATCH) -> int:
    """The scheduler's own rows: finished runs and tasks older than ``RUNS_KEPT_FOR`` (the
    minute jobs alone leave some 5,000 a day). The latest run of each job stays whatever its age,
    so the jobs page always shows it. Batched like the nonces."""
    from django.db.models import Max

    from gatehouse.jobs.models import JobRun, TaskRecord

    cutoff = now - RUNS_KEPT_FOR
    latest = set(JobRun.objects.values("job").annotate(m=Max("pk")).values_list("m", flat=True))
    deleted = 0
    for model, finished in ((JobRun, "finished_at"), (TaskRecord, "finished_at")):
        while True:
            pks = list(
                model.objects.filter(**{f"{finished}__lt": cutoff})
                .exclude(pk__in=latest if model is JobRun else [])
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not pks:
                break
            deleted += model.objects.filter(pk__in=pks).delete()[0]
    return deleted
