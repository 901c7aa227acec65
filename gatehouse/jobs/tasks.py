"""The ``django.tasks`` task the scheduler enqueues: run one ``JobRun``."""

from __future__ import annotations

from django.tasks import task


@task
def run_job(run_id: int) -> str:
    from gatehouse.jobs.services import job_run_execute

    return job_run_execute(run_id=run_id)
