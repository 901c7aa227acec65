"""A release slip, end to end in a real browser (issue 5, G-01).

The front desk issues a slip for 张伟 of 3-2-1201 (纸箱 3 箱, 电视机 1 台) and prints it; the guard
scans its QR (a scanner types the payload and Enter), ticks the boxes off and finds a second TV:
the goods are held at the gate, the register row and the anomaly are written, the slip is not
used up.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SCREENSHOT = Path("/tmp/e2e-goods-held.png")

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pass-1234")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def test_desk_issues_a_slip_guard_scans_it_and_a_mismatch_holds_the_goods(
    browser, live_server, desk_a, guard_a, house_a
):
    # rule G-01
    from gatehouse.goods import services
    from gatehouse.goods.models import GoodsAnomaly, GoodsRelease, ReleaseSlip
    from gatehouse.sites.models import Gate

    Gate.objects.create(site=house_a.site, code="east", name="东门")
    base = live_server.url

    # 1. The front desk fills the slip in and issues it.
    desk = browser.new_context(locale="zh-CN").new_page()
    _login(desk, base, "desk_a")
    desk.get_by_role("link", name="放行条", exact=True).first.click()
    desk.get_by_role("link", name="开具放行条").click()
    form = desk.locator("form.goods-form")
    form.get_by_label("业主", exact=True).check()
    form.locator("[name=applicant_name]").fill("张伟")
    form.locator("[name=house_number]").fill("3-2-1201")
    form.locator("[name=plate]").fill("苏E12345")
    names, qtys, units = (form.locator(f"[name=item_{f}]") for f in ("name", "qty", "unit"))
    for row, (name, qty, unit) in enumerate((("纸箱", "3", "箱"), ("电视机", "1", "台"))):
        names.nth(row).fill(name)
        qtys.nth(row).fill(qty)
        units.nth(row).fill(unit)
    form.get_by_role("button", name="开具").click()
    desk.get_by_test_id("slip-status").get_by_text("已开具").wait_for()
    slip = ReleaseSlip.objects.get()
    assert slip.number in desk.locator("h1").inner_text()
    with desk.expect_popup() as popup:
        desk.get_by_role("link", name="打印放行条").click()
    printed = popup.value
    printed.locator(".slip-qr svg").wait_for()
    assert "电视机" in printed.locator(".slip-items").inner_text()

    # 2. The guard scans the QR: the scanner types the payload and presses Enter.
    guard = browser.new_context(locale="zh-CN").new_page()
    _login(guard, base, "guard_a")
    guard.get_by_role("link", name="物品放行核验", exact=True).click()
    scan = guard.locator("#goods-scan input[name=code]")
    scan.fill(services.slip_qr(slip))
    scan.press("Enter")
    check = guard.get_by_test_id("goods-check")
    check.wait_for()
    assert slip.number in check.inner_text()
    assert scan.input_value() == ""  # ready for the next slip

    # 3. Item by item: the boxes match; two TVs come out where the slip says one.
    check.get_by_test_id("line-0").get_by_text("相符").click()
    check.get_by_label("电视机实际数量").fill("2")
    check.get_by_role("button", name="核对完毕").click()
    decision = guard.get_by_test_id("goods-decision")
    decision.wait_for()
    text = decision.inner_text()
    assert "暂扣" in text
    assert "电视机超出放行数量（放行条1台，实际2台）" in text
    assert "goods.mismatch" in text
    guard.screenshot(path=str(SCREENSHOT), full_page=True)

    # 4. Held at the gate: the register row and the anomaly; the slip is not used up.
    row = GoodsRelease.objects.get()
    assert (row.outcome, row.reason, row.hold_state, row.guard) == (
        "pending",
        "goods.mismatch",
        "held",
        guard_a,
    )
    assert [(i["name"], i["verdict"]) for i in row.items] == [
        ("纸箱", "match"),
        ("电视机", "excess"),
    ]
    assert GoodsAnomaly.objects.get().release == row
    slip.refresh_from_db()
    assert slip.status == "issued"
    guard.reload()
    assert slip.number in guard.locator(".booth-side").inner_text()
