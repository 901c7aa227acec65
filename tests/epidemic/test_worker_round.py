"""The device worker's periodic round runs the returnees' alerts (SPEC M-03) without cron."""

from __future__ import annotations

from datetime import date, timedelta

import time_machine
from django.core.management import call_command

from tests.conftest import NOW
from tests.epidemic.conftest import open_case

DAY = timedelta(days=1)


def test_the_worker_round_raises_the_returnee_alerts_once(
    site_a, resident_a, manager_a, grids_a, capsys
):
    # rule M-03: an overdue test and missed reports reach the grid officer from the worker
    from gatehouse.epidemic.models import EpidemicAlert

    case = open_case(site_a, manager_a, arrived=date(2026, 11, 16), at=NOW - 8 * DAY)
    with time_machine.travel(NOW, tick=False):
        call_command("run_scheduler", "--once")
        call_command("run_tasks", "--once")
    alerts = EpidemicAlert.objects.filter(case=case)
    assert set(alerts.values_list("kind", flat=True)) == {"test_overdue", "report_missed"}
    assert alerts.get(kind="test_overdue").ref == f"case:{case.pk}:test:1"
    assert all(a.grid == grids_a["building"] for a in alerts)
    from gatehouse.jobs.models import JobRun

    run = JobRun.objects.get(job="check_epidemic")  # the scheduler's job, no longer the worker's
    assert run.status == "succeeded"
    assert run.summary == f"alerts {alerts.count()}"
    with time_machine.travel(NOW + timedelta(minutes=10), tick=False):
        call_command("run_scheduler", "--once")
        call_command("run_tasks", "--once")
    assert EpidemicAlert.objects.filter(case=case).count() == alerts.count()
