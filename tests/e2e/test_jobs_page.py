"""The jobs page in a real browser (issue 18): the security manager sees the periodic jobs with
their cadence, runs one now, and after the task worker's pass sees its outcome."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

SCREENSHOT = Path("/tmp/e2e-jobs.png")

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_manager_runs_a_job_now_and_sees_its_outcome(browser, live_server, manager_a):
    from gatehouse.jobs.models import JobRun

    base = live_server.url
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", manager_a.username)
    page.fill("#id_password", "pass-1234")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/console/jobs/")
    row = page.locator('tr[data-job="check_repairs"]')
    assert "报修超时提醒" in row.inner_text() and "每 15 分钟" in row.inner_text()
    assert "尚未运行" in row.inner_text()
    row.get_by_role("button", name="立即运行").click()
    page.wait_for_url(f"{base}/console/jobs/")
    assert "已加入执行队列" in page.content()
    assert "排队中" in page.locator('tr[data-job="check_repairs"]').inner_text()
    call_command("run_tasks", "--once")
    assert JobRun.objects.get(job="check_repairs").status == "succeeded"
    page.reload()
    row = page.locator('tr[data-job="check_repairs"]')
    assert "成功" in row.inner_text() and "overdue 0" in row.inner_text()
    assert "（手动）" in row.inner_text()
    page.screenshot(path=str(SCREENSHOT), full_page=True)
