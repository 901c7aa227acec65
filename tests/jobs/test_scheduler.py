"""The one scheduler: due jobs are enqueued once per due time, run by the task worker, and
their outcome recorded; the jobs page shows it and lets a manager run a job now."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command

from gatehouse.audit.models import AuditEntry
from gatehouse.jobs import periodic
from gatehouse.jobs.models import JobRun, TaskRecord
from gatehouse.jobs.schedule import JOBS, SCHEDULE, SHANGHAI
from gatehouse.jobs.services import scheduler_pass

pytestmark = pytest.mark.django_db

# A Tuesday, 03:20:00 Beijing time: the device-request purge is due exactly now.
AT = datetime(2026, 12, 1, 3, 20, tzinfo=SHANGHAI)


def test_a_due_job_is_enqueued_once_even_by_two_schedulers():
    with time_machine.travel(AT, tick=False):
        first = scheduler_pass(now=AT)
        second = scheduler_pass(now=AT)  # a second scheduler at the same moment
    assert {run.job for run in first} == set(JOBS)
    assert second == []
    assert JobRun.objects.filter(job="purge_device_requests").count() == 1
    assert JobRun.objects.get(job="purge_device_requests").due_at == AT
    assert TaskRecord.objects.count() == len(SCHEDULE)


def test_two_passes_as_commands_enqueue_once():
    with time_machine.travel(AT, tick=False):
        call_command("run_scheduler", "--once")
        call_command("run_scheduler", "--once")
    assert JobRun.objects.count() == len(SCHEDULE)


def test_a_job_is_not_enqueued_before_it_is_due():
    scheduler_pass(now=AT)
    before = set(JobRun.objects.filter(job="purge_device_requests").values_list("pk", flat=True))
    later = AT + timedelta(hours=23, minutes=59)  # the next day's 03:20 is not here yet
    scheduler_pass(now=later)
    purge_runs = JobRun.objects.filter(job="purge_device_requests")
    assert set(purge_runs.values_list("pk", flat=True)) == before
    minute_runs = JobRun.objects.filter(job="expire_requests").order_by("due_at")
    assert [r.due_at for r in minute_runs] == [AT, later]  # the minute job is due again
    scheduler_pass(now=AT + timedelta(days=1))
    assert purge_runs.count() == 2


def test_the_worker_runs_the_task_and_records_success():
    with time_machine.travel(AT, tick=False):
        scheduler_pass(now=AT)
        call_command("run_tasks", "--once")
    run = JobRun.objects.get(job="expire_requests")
    assert run.status == "succeeded"
    assert run.summary == "expired 0"
    assert run.error == ""
    assert run.duration_ms is not None and run.finished_at == AT
    assert not TaskRecord.objects.exclude(status="SUCCESSFUL").exists()
    assert TaskRecord.objects.get(args=[run.pk]).return_value == "expired 0"


def test_a_failing_job_records_its_error(site_a, monkeypatch):
    def broken(*, site, now):
        raise RuntimeError("数据库连接中断")

    monkeypatch.setattr("gatehouse.repairs.services.overdue_scan", broken)
    with time_machine.travel(AT, tick=False):
        scheduler_pass(now=AT)
        call_command("run_tasks", "--once")
    run = JobRun.objects.get(job="check_repairs")
    assert run.status == "failed"
    assert run.error == "RuntimeError: 数据库连接中断"
    task = TaskRecord.objects.get(args=[run.pk])
    assert task.status == "FAILED"
    assert "数据库连接中断" in task.error
    # the other jobs still ran
    assert JobRun.objects.get(job="expire_requests").status == "succeeded"


def test_the_django_tasks_api_reads_the_result():
    from gatehouse.jobs.tasks import run_job

    run = JobRun.objects.create(job="check_epidemic", due_at=AT, enqueued_at=AT)
    result = run_job.enqueue(run.pk)
    assert result.status == "READY"
    call_command("run_tasks", "--once")
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert result.return_value == "alerts 0"


def test_the_old_commands_and_the_jobs_share_their_functions():
    assert JOBS["check_devices"].function() is periodic.check_devices
    # the old command still works on its own
    call_command("expire_requests")


# -- the jobs page ------------------------------------------------------------------------------


def test_the_jobs_page_shows_the_last_runs(client, manager_a):
    with time_machine.travel(AT, tick=False):
        scheduler_pass(now=AT)
        call_command("run_tasks", "--once")
    client.force_login(manager_a)
    page = client.get("/console/jobs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "定时任务" in html
    assert "到期的访客申请" in html and "expired 0" in html
    assert "2026-12-01 03:20:00" in html
    assert "成功" in html


def test_run_now_for_a_manager_is_enqueued_and_audited(client, manager_a):
    client.force_login(manager_a)
    response = client.post("/console/jobs/check_repairs/run/")
    assert response.status_code == 302
    run = JobRun.objects.get(job="check_repairs")
    assert run.requested_by == manager_a and run.status == "queued"
    entry = AuditEntry.objects.get(action="job.run_now")
    assert entry.object_id == str(run.pk) and entry.actor == manager_a
    call_command("run_tasks", "--once")
    run.refresh_from_db()
    assert run.status == "succeeded"


def test_run_now_of_an_unknown_job_changes_nothing(client, manager_a):
    client.force_login(manager_a)
    response = client.post("/console/jobs/no_such_job/run/", follow=True)
    assert "没有这个定时任务" in response.content.decode()
    assert not JobRun.objects.exists() and not AuditEntry.objects.filter(action="job.run_now")


def test_a_guard_may_not_see_or_run_jobs(client, guard_a):
    client.force_login(guard_a)
    assert client.get("/console/jobs/").status_code == 403
    assert client.post("/console/jobs/check_repairs/run/").status_code == 403
    assert not JobRun.objects.exists()


def test_a_run_whose_worker_died_is_closed_as_failed_at_the_next_pass():
    # The worker claimed the partitions job at 02:40 and was killed: three hours on, the next
    # pass closes the run (and its task) as failed with why; a run started recently is left.
    scheduler_pass(now=AT)
    run = JobRun.objects.get(job="maintain_event_partitions")
    task = TaskRecord.objects.get(args=[run.pk])
    JobRun.objects.filter(pk=run.pk).update(status="running", started_at=AT)
    TaskRecord.objects.filter(pk=task.pk).update(status="RUNNING", started_at=AT)
    fresh = JobRun.objects.get(job="purge_events")
    JobRun.objects.filter(pk=fresh.pk).update(status="running", started_at=AT + timedelta(hours=2))

    scheduler_pass(now=AT + timedelta(hours=2, minutes=59))
    assert JobRun.objects.get(pk=run.pk).status == "running"  # not yet three hours
    later = AT + timedelta(hours=3, minutes=1)
    scheduler_pass(now=later)
    run.refresh_from_db()
    task.refresh_from_db()
    assert (run.status, run.finished_at) == ("failed", later)
    assert "工作进程已退出" in run.error
    assert (task.status, task.finished_at) == ("FAILED", later)
    assert JobRun.objects.get(pk=fresh.pk).status == "running"
