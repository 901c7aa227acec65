"""A returnee, end to end in a real browser (issue 17 §1, SPEC M-03, M-04).

The security manager registers 张伟's arrival from 深圳 — refused first without a test, then with
a negative test two days old; 张伟 makes his daily health report on his phone; at 东门 the guard
scans his card on the way out and the booth refuses (居家健康监测, rule M-03); the grid officer of
3栋 opens the case from her phone page and closes it with the reason. The register row, the
access event and the closing (who, why) are checked in the database.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CARD_ZHANG

SCREENSHOT = Path("/tmp/e2e-returnee-refused.png")

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pass-1234")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def test_returnee_from_arrival_to_a_closed_case(
    browser, live_server, manager_a, guard_a, resident_user_a, card_a, lanes_a, officer_a, grids_a
):
    # rule M-03
    # rule M-04
    from gatehouse.access.models import AccessEvent
    from gatehouse.epidemic.models import HealthReport, ReturneeCase

    base = live_server.url
    phone = {"width": 390, "height": 844}

    # 1. The manager registers the arrival: without a test it is refused, with one it opens.
    desk = browser.new_context(locale="zh-CN").new_page()
    _login(desk, base, "manager_a")
    desk.goto(f"{base}/epidemic/cases/")
    desk.get_by_role("link", name="登记返乡人员").click()
    form = desk.get_by_test_id("case-form")
    form.locator("[name=house_number]").fill("3-2-1201")
    form.locator("[name=name]").fill("张伟")
    form.get_by_label("外地返乡").check()
    form.locator("[name=came_from]").fill("广东省深圳市")
    form.get_by_role("button", name="登记").click()
    refused = desk.locator("[data-code='epidemic.test_missing']")
    refused.wait_for()
    assert "7天内核酸检测阴性结果" in desk.get_by_test_id("case-form").inner_text()
    assert ReturneeCase.objects.count() == 0
    form = desk.get_by_test_id("case-form")
    form.locator("[name=test_on]").fill("2026-11-22")
    form.locator("[name=test_result]").select_option("negative")
    form.locator("[name=temperature]").fill("36.5")
    form.get_by_role("button", name="登记").click()
    desk.get_by_test_id("case-stage").get_by_text("居家监测中").wait_for()
    assert "至 2026-12-07" in desk.get_by_test_id("case-facts").inner_text()
    case = ReturneeCase.objects.get()
    assert (case.person.name, case.opened_by, case.closed_at) == ("张伟", manager_a, None)

    # 2. 张伟 makes his daily report on his phone.
    home = browser.new_context(locale="zh-CN", viewport=phone).new_page()
    _login(home, base, "zhangwei")
    home.goto(f"{base}/my/health/")
    home.get_by_test_id("my-monitoring").get_by_text("今天还没有上报").wait_for()
    home.get_by_test_id("report-form").locator("[name=temperature]").fill("36.6")
    home.get_by_role("button", name="上报").click()
    home.get_by_test_id("my-monitoring").get_by_text("今天已上报").wait_for()
    assert HealthReport.objects.get().case == case

    # 3. On the way out at 东门 the booth refuses him, saying why.
    guard = browser.new_context(locale="zh-CN").new_page()
    _login(guard, base, "guard_a")
    guard.goto(f"{base}/booth/")
    # The toggle submits the gate form: wait for that page to come back, or the scan races it.
    with guard.expect_navigation():
        guard.locator(".toggle-option", has_text="出").click()
    guard.locator(".toggle-option.on", has_text="出").wait_for()
    scan = guard.locator("#scan-form input[name=value]")
    scan.fill(CARD_ZHANG)
    scan.press("Enter")
    decision = guard.locator("#decision")
    decision.get_by_text("居家健康监测期间不得外出").wait_for()
    text = decision.inner_text()
    assert "M-03" in text and "epidemic.home_monitoring" in text and "监测至12月7日" in text
    guard.screenshot(path=str(SCREENSHOT), full_page=True)
    event = AccessEvent.objects.get(reason="epidemic.home_monitoring")
    assert (event.outcome, event.rule, event.direction, event.person_id, event.guard) == (
        "refuse",
        "M-03",
        "out",
        case.person_id,
        guard_a,
    )

    # 4. The grid officer finds the case on her phone page and closes it with the reason.
    officer = browser.new_context(locale="zh-CN", viewport=phone).new_page()
    _login(officer, base, "wangfang")
    officer.goto(f"{base}/my/grid/")
    officer.get_by_test_id("my-cases").get_by_text("3-2-1201 张伟").click()
    close = officer.get_by_test_id("close-form")
    close.locator("[name=reason]").select_option("completed")
    close.get_by_role("button", name="结案").click()
    officer.locator("[data-code='epidemic.not_finished']").wait_for()  # the 14 days are not over
    close = officer.get_by_test_id("close-form")
    close.locator("[name=reason]").select_option("transferred")
    close.locator("[name=note]").fill("发热，转运至区集中隔离点")
    close.get_by_role("button", name="结案").click()
    closed = officer.get_by_test_id("case-closed")
    closed.wait_for()
    assert "转运集中隔离/就医" in closed.inner_text() and "王芳" in closed.inner_text()
    case.refresh_from_db()
    assert (case.close_reason, case.close_note, case.closed_by) == (
        "transferred",
        "发热，转运至区集中隔离点",
        officer_a,
    )
    assert officer.get_by_test_id("case-stage").inner_text() == "已结案"
