"""A restricted screening case, end to end in a real browser (issue 17 §2, rule T3-05).

The counsellor (心理老师) of 东湖中学 signs in, finds the isolated student's mental-health case
in the list (the list shows it masked), opens it and reads the findings — the reading is
audited — and adds a care follow-up with its due date; the security manager then opens the same
case and sees “受限” in place of the findings and of the follow-up, with nothing audited."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import NOW, _user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SECRET = "近一月独来独往，午饭常一个人吃"


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pass-1234")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def test_the_counsellor_reads_a_restricted_case_and_adds_a_follow_up(
    browser, live_server, school, school_manager
):
    # rule T3-05
    from gatehouse.audit.models import AuditEntry
    from gatehouse.people.models import Person
    from gatehouse.screenings import services
    from gatehouse.screenings.models import FollowUp

    counsellor = _user("counsellor", site=school, role="counsellor")
    student = Person.objects.create(site=school, name="陈小明", kind="student")
    case = services.case_open(
        site=school,
        actor=counsellor,
        roles=["counsellor"],
        subject=student,
        kind="mental_health",
        risk="high",
        findings=SECRET,
        isolated=True,
        now=NOW,
    )
    base = live_server.url
    page = browser.new_context(locale="zh-CN").new_page()
    _login(page, base, "counsellor")
    page.get_by_role("link", name="排查与跟进").first.click()
    row = page.get_by_test_id(f"case-{case.pk}")
    assert "陈**" in row.inner_text() and SECRET not in page.content()
    row.get_by_role("link", name=f"#{case.pk}").click()
    assert SECRET in page.get_by_test_id("findings").inner_text()
    form = page.get_by_test_id("followup-form")
    form.locator("[name=action]").fill("每周一次个别心理辅导")
    form.locator("[name=due_on]").fill((NOW.date() + timedelta(days=7)).isoformat())
    form.locator("[name=care]").check()
    form.get_by_role("button", name="添加跟进措施").click()
    page.get_by_text("每周一次个别心理辅导").wait_for()
    f = FollowUp.objects.get(case=case)
    assert f.care and f.due_on == NOW.date() + timedelta(days=7) and f.done_on is None
    assert AuditEntry.objects.filter(action="screening.followup", actor=counsellor).count() == 1
    reads = AuditEntry.objects.filter(action="screening.read", actor=counsellor).count()
    assert reads == 2  # the page before the follow-up, and after it

    manager = browser.new_context(locale="zh-CN").new_page()
    _login(manager, base, "school_manager")
    manager.goto(f"{base}/screenings/{case.pk}/")
    assert manager.get_by_test_id("findings").inner_text() == "受限"
    assert SECRET not in manager.content() and "每周一次个别心理辅导" not in manager.content()
    assert manager.get_by_test_id("followup-form").count() == 0
    assert AuditEntry.objects.filter(action="screening.read").count() == reads
