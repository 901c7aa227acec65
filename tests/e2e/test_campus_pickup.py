"""A parent's pick-up at the campus gate, end to end in a real browser (issue 17 §2, seed
template T3 "校园实施全封闭管理").

陈母 books to pick up her son 陈小明 on her phone; the booking waits for his class teacher 刘老师,
who confirms it from her phone page; at 南校门 the guard opens today's appointments and admits
陈母 after checking her ID; the visitor register shows the row. A walk-in parent without an
appointment is refused with the reason first.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SCREENSHOT = Path("/tmp/e2e-campus-pickup.png")

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pass-1234")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def test_parent_books_teacher_confirms_guard_admits_register_shows(
    browser, live_server, school_lanes, people, school_guard
):
    # rule T3-02
    from gatehouse.access.models import AccessEvent
    from gatehouse.visitors.models import Invitation, Visit, VisitStatus

    base = live_server.url
    phone = {"width": 390, "height": 844}
    parent = browser.new_context(locale="zh-CN", viewport=phone).new_page()
    teacher = browser.new_context(locale="zh-CN", viewport=phone).new_page()
    guard = browser.new_context(locale="zh-CN").new_page()

    # 1. The parent books the pick-up on her phone (today, from now, prefilled).
    _login(parent, base, "parent")
    parent.goto(f"{base}/campus/pickups/")
    parent.get_by_role("button", name="提交预约").click()
    booking = parent.locator("[data-testid^=booking-]").first
    booking.wait_for()
    assert "待老师确认" in booking.inner_text() and "陈小明" in booking.inner_text()
    inv = Invitation.objects.get()

    # 2. A walk-in parent without an appointment is refused at the gate, with the reason.
    _login(guard, base, "school_guard")
    guard.goto(f"{base}/booth/")
    guard.locator(".flow-btn", has_text="家长来校").click()
    form = guard.locator("#flow-panel form")
    form.locator("[name=name]").fill("赵父")
    form.get_by_role("button", name="提交").click()
    guard.get_by_text("无预约不得入校").first.wait_for()

    # 3. The class teacher confirms from her phone.
    _login(teacher, base, "teacher")
    teacher.goto(f"{base}/campus/class/")
    teacher.get_by_test_id(f"confirm-{inv.pk}").click()
    teacher.get_by_test_id("no-pending").wait_for()

    # 4. At 南校门 the guard opens today's appointments and admits her.
    guard.locator(".flow-btn", has_text="今日预约").click()
    row = guard.get_by_test_id(f"appointment-{inv.pk}")
    row.wait_for()
    assert "陈母" in row.inner_text() and "有效" in row.inner_text()
    row.get_by_role("button", name="核对证件，放行").click()
    guard.get_by_text("预约访客：核对身份证件后放行").wait_for()
    guard.screenshot(path=str(SCREENSHOT), full_page=True)

    # 5. The visitor register shows her row, and the parent's phone shows the booking used.
    guard.goto(f"{base}/registers/visits/")
    rows = guard.locator("table.register tbody tr")
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert any("接孩子（陈小明）" in t for t in texts), texts
    visit = Visit.objects.get(invitation=inv)
    assert visit.status == VisitStatus.INSIDE and visit.host == people["teacher"]
    assert list(AccessEvent.objects.order_by("pk").values_list("reason", flat=True)) == [
        "campus.no_appointment",
        "invitation.valid",
    ]
    parent.reload()
    assert "已用完" in parent.locator("[data-testid^=booking-]").first.inner_text()
