"""A walk-in visitor, end to end in a real browser (issue 3 §10).

The guard registers the visitor at the booth; the host approves from their phone page; the guard
admits; later the guard marks the visitor as left; the visitor register shows one row with both
times.
"""

from __future__ import annotations

import re

import pytest

VISITOR_ID = "110105199001011232"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pass-1234")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def test_walk_in_visitor_registered_approved_admitted_and_left(
    browser, live_server, guard_a, resident_user_a, lanes_a
):
    # rule VI-01
    from gatehouse.access.models import AccessEvent
    from gatehouse.visitors.models import GateRequest, Visit, VisitStatus

    base = live_server.url
    guard = browser.new_context(locale="zh-CN").new_page()
    host = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()

    # 1. The guard registers the visitor at the east gate.
    _login(guard, base, "guard_a")
    guard.goto(f"{base}/booth/")
    guard.locator(".flow-btn", has_text="来客登记").click()
    form = guard.locator("#flow-panel form")
    form.locator("[name=name]").fill("王五")
    form.locator("[name=id_number]").fill(VISITOR_ID)
    form.locator("[name=phone]").fill("13912345678")
    form.locator("[name=purpose]").fill("送文件")
    form.locator("[name=house_number]").fill("3-2-1201")
    form.get_by_role("button", name="提交").click()
    guard.locator(".pending-item", has_text="王*").wait_for()
    assert "等待" in guard.locator(".pending-item", has_text="王*").inner_text()

    # 2. The host approves from their phone.
    _login(host, base, "zhangwei")
    host.goto(f"{base}/my/requests/")
    request_item = host.locator("[data-testid^=request-]").first
    request_item.wait_for()
    assert "王*" in request_item.inner_text()
    host.locator("[data-testid^=approve-]").first.click()
    host.get_by_test_id("no-requests").wait_for()

    # 3. The guard's pending panel shows the consent; the guard admits.
    admit = guard.locator(".pending-item", has_text="王*").get_by_role("button", name="放行")
    admit.wait_for(timeout=15_000)
    admit.click()
    guard.locator("#decision").get_by_text("被访人已同意，放行").wait_for()

    visit = Visit.objects.get()
    assert visit.status == VisitStatus.INSIDE and visit.time_in is not None
    assert GateRequest.objects.get().answered_via == "host"

    # 4. Later the guard marks the visitor as left.
    guard.locator(".flow-btn", has_text="离开登记").click()
    row = guard.locator("#inside-panel tr", has_text="王*")
    row.get_by_role("button", name="离开").click()
    guard.locator("#inside-panel").get_by_text("来客离开，已记录离开时间").wait_for()

    # 5. The visitor register shows one row with both times; the ID number is masked.
    guard.goto(f"{base}/registers/visits/")
    rows = guard.locator("table.register tbody tr")
    assert rows.count() == 1
    text = rows.first.inner_text()
    assert "王*" in text and "送文件" in text
    assert len(re.findall(r"\d{2}:\d{2}", text)) >= 2, text
    assert VISITOR_ID not in guard.content()

    visit.refresh_from_db()
    assert visit.status == VisitStatus.LEFT and visit.time_out >= visit.time_in
    assert list(
        AccessEvent.objects.filter(visit=visit).order_by("pk").values_list("reason", flat=True)
    ) == ["visitor.await_consent", "visitor.consented", "visitor.left"]
