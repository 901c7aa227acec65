"""The campaign plan in a real browser (issue 17 §3, T6): the property's security manager puts a
task into the 整治工作倒排进度表 and sees its latest start and finish counted back from the
deadline; the owners' committee (业委会) opens the same plan, has no form to change it, and
leaves a comment that shows with its name and role."""

from __future__ import annotations

from datetime import date

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_manager_schedules_and_the_owners_committee_comments(browser, live_server, site_a):
    from django.utils import timezone

    from gatehouse.governance import plans, services
    from gatehouse.governance.models import PlanComment, PlanTask
    from tests.conftest import _user

    manager = _user("manager_plan", site=site_a, role="security_manager")
    owners = _user("yeweihui_plan", site=site_a, role="owners_committee")
    now = timezone.now()
    today = timezone.localdate(now)
    company = services.company_create(site=site_a, actor=manager, now=now, name="楚天物业")
    project = services.project_create(
        site=site_a,
        actor=manager,
        now=now,
        company=company,
        name="东湖花园物业服务项目",
        since=date(2019, 7, 1),
    )
    campaign = services.campaign_create(
        site=site_a,
        actor=manager,
        now=now,
        title="环境综合整治",
        starts_on=today,
        ends_on=date(today.year + 1, 3, 31),
    )
    plan = plans.plan_create(campaign=campaign, project=project, actor=manager, now=now)
    base = live_server.url
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()

    def login(username: str) -> None:
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "pass-1234")
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{base}/")

    try:
        login("manager_plan")
        page.goto(f"{base}/governance/plans/{plan.pk}/")
        page.get_by_text("添加整治任务").click()
        page.fill("#id_phase", "1")
        page.fill("#id_title", "施划消防通道禁停标线")
        page.fill("#id_days", "10")
        page.fill("#id_owner", "王勇")
        page.get_by_role("button", name="添加", exact=True).click()
        page.wait_for_url(f"{base}/governance/plans/{plan.pk}/")
        row = page.locator("tr", has_text="施划消防通道禁停标线")
        finish = date(today.year + 1, 3, 31)
        assert f"{finish:%Y-%m-%d}" in row.inner_text()
        assert f"{date(today.year + 1, 3, 22):%Y-%m-%d}" in row.inner_text()
        assert PlanTask.objects.get(plan=plan).owner == "王勇"

        context.clear_cookies()
        login("yeweihui_plan")
        page.goto(f"{base}/governance/plans/{plan.pk}/")
        assert "施划消防通道禁停标线" in page.content()
        assert page.get_by_text("添加整治任务").count() == 0
        assert page.get_by_role("button", name="上报区住建委").count() == 0
        page.fill("#id_body", "请先张贴告示再施划标线")
        page.get_by_role("button", name="提交意见").click()
        page.wait_for_url(f"{base}/governance/plans/{plan.pk}/")
        comment = page.locator("[data-comment]")
        assert "业主委员会" in comment.inner_text() and "请先张贴告示再施划标线" in (
            comment.inner_text()
        )
        assert PlanComment.objects.get(plan=plan).author == owners
    finally:
        context.close()
