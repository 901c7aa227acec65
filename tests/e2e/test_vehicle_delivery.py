"""A delivery van at the vehicle booth in three touches (issue 16 §2), in a real browser: the
plate comes from the camera or the scanner; the guard touches 送货, then 送水, then 已核实，放行,
and the result is on screen without scrolling."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_delivery_vehicle_in_three_actions(browser, live_server, guard_a, lanes_a):
    # rule V-03
    from gatehouse.access.models import AccessEvent

    base = live_server.url
    page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800}).new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "guard_a")
    page.fill("#id_password", "pass-1234")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/vehicles/")
    page.get_by_label("东门 · 东门motor-in").check()  # the booth's lane, kept for the shift
    page.fill("#id_plate", "京A12345")  # typed by the plate reader / scanner

    actions = 0
    page.locator(".cases summary", has_text="送货").click()
    actions += 1
    page.locator(".cases button", has_text="送水").click()
    actions += 1
    page.get_by_test_id("answer-yes").wait_for()
    assert "请核实" in page.locator(".decision-message").inner_text()
    page.get_by_test_id("answer-yes").click()
    actions += 1
    page.locator(".decision-allow").wait_for()
    assert actions <= 3
    assert page.locator(".decision-word").inner_text() == "放行"
    box = page.locator(".decision-word").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 800  # above the fold
    last = AccessEvent.objects.order_by("-pk").first()
    assert (last.outcome, last.rule, last.plate) == ("allow", "V-03", "京A12345")
