"""Epidemic mode beyond the returnees, end to end in a real browser (issue 17 §1, SPEC M-02,
M-04): at 东门 the guard scans 张伟 out — allowed — and then his wife 李娜 — refused, the
household's one outing of two days taken, the booth saying when they may go out next; the grid
officer of 3栋 screens 3-2-1201 from her phone, finds a fever and records the follow-up."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import CARD_ZHANG, ID_LI, NOW

CARD_LI = "0B2C3D4E"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pass-1234")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def test_the_household_limit_at_the_exit_and_a_screening_visit(
    browser, live_server, site_a, house_a, manager_a, guard_a, card_a, lanes_a, officer_a, grids_a
):
    # rule M-02
    # rule M-04
    from gatehouse.access import modes
    from gatehouse.access.models import AccessEvent
    from gatehouse.epidemic import services
    from gatehouse.epidemic.models import ScreeningVisit
    from gatehouse.people import services as people

    modes.mode_switch(site=site_a, actor=manager_a, to_mode="epidemic", reason="疫情防控", now=NOW)
    services.outing_set(site=site_a, actor=manager_a, now=NOW, persons=1, days=2)
    li = people.person_create(
        site=site_a, actor=manager_a, name="李娜", kind="family", id_number=ID_LI, now=NOW
    )
    people.house_link(person=li, house=house_a, relation="family", actor=manager_a)
    people.credential_issue(
        site=site_a,
        person=li,
        kind="owner_card",
        number=CARD_LI,
        valid_from=NOW - timedelta(days=30),
        actor=manager_a,
        now=NOW,
    )
    base = live_server.url

    # 1. At 东门, on the way out: 张伟 goes, then 李娜 is refused with when they may go next.
    guard = browser.new_context(locale="zh-CN").new_page()
    _login(guard, base, "guard_a")
    guard.goto(f"{base}/booth/")
    assert "行程卡" in guard.locator("#scan-form").inner_text()
    # The toggle submits the gate form: wait for that page to come back, or the scan races it.
    with guard.expect_navigation():
        guard.locator(".toggle-option", has_text="出").click()
    guard.locator(".toggle-option.on", has_text="出").wait_for()
    scan = guard.locator("#scan-form input[name=value]")
    scan.fill(CARD_ZHANG)
    scan.press("Enter")
    guard.locator("#decision .decision-allow").wait_for()
    scan = guard.locator("#scan-form input[name=value]")
    scan.fill(CARD_LI)
    scan.press("Enter")
    decision = guard.locator("#decision")
    decision.get_by_text("本户外出已达限额").wait_for()
    text = decision.inner_text()
    assert "M-02" in text and "epidemic.outing_limit" in text and "后可再外出" in text
    event = AccessEvent.objects.get(reason="epidemic.outing_limit")
    assert (event.outcome, event.rule, event.direction, event.person_id) == (
        "refuse",
        "M-02",
        "out",
        li.pk,
    )

    # 2. The grid officer screens 3-2-1201 on her phone: a fever, followed up.
    officer = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
    _login(officer, base, "wangfang")
    officer.goto(f"{base}/my/grid/")
    officer.get_by_test_id("screening-new").click()
    form = officer.get_by_test_id("screening-form")
    form.locator("[name=house_number]").fill("3-2-1201")
    form.get_by_label("见到住户").check()
    form.locator("[name=persons_met]").fill("2")
    form.locator("[name=temperature]").fill("37.9")
    form.get_by_role("button", name="登记").click()
    officer.get_by_test_id("follow-up").get_by_text("待跟进").wait_for()
    assert "体温37.9℃" in officer.get_by_test_id("screening").inner_text()
    officer.locator("[name=result]").fill("已通知社区卫生服务中心上门采样")
    officer.get_by_role("button", name="记录跟进").click()
    officer.get_by_test_id("follow-up").get_by_text("已跟进").wait_for()
    visit = ScreeningVisit.objects.get()
    assert (visit.officer, visit.follow_up, visit.followed_up_by) == (officer_a, "done", officer_a)
    assert visit.follow_up_result == "已通知社区卫生服务中心上门采样"
