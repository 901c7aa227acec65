"""A patrol round, end to end in a real browser (issue 5, S-04).

The monitoring centre has the live board open; a patrol guard, on a phone-sized page, types the
code printed under a checkpoint's QR tag (the fallback that works without a camera); the board,
polling, shows the checkpoint done and the scan is a row of the night-patrol register.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pass-1234")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def test_a_typed_checkpoint_code_shows_done_on_the_monitoring_board(browser, live_server, site_a):
    # rule S-04
    from gatehouse.guard.models import PatrolRoute, PatrolScan, RouteStop, ScanState
    from gatehouse.guard.patrol.services import tag_code
    from gatehouse.sites.models import Checkpoint
    from tests.conftest import _user

    _user("patrol_a", site=site_a, role="patrol")
    _user("monitor_a", site=site_a, role="monitoring")
    garage = Checkpoint.objects.create(site=site_a, code="cp-garage", name="地下车库")
    canteen = Checkpoint.objects.create(site=site_a, code="cp-canteen", name="食堂后门")
    opened = timezone.localtime() - timedelta(minutes=10)
    route = PatrolRoute.objects.create(
        site=site_a,
        name="夜间巡更",
        first_round=time(opened.hour, opened.minute),
        rounds=1,
        every_minutes=120,
    )
    for i, cp in enumerate((garage, canteen)):
        RouteStop.objects.create(route=route, checkpoint=cp, order=i)

    base = live_server.url
    monitor = browser.new_context(locale="zh-CN").new_page()
    _login(monitor, base, "monitor_a")
    monitor.goto(f"{base}/guard/board/")
    patrols = monitor.locator(f"[data-testid=route-{route.pk}]")
    assert "已巡 0/2" in patrols.inner_text()

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
    _login(phone, base, "patrol_a")
    phone.goto(f"{base}/guard/patrol/")
    # a code typed without its check, then with a wrong one: each says what is wrong
    phone.fill("#id_code", "cp-garage")
    phone.get_by_role("button", name="打卡").click()
    phone.locator(".field-error", has_text="缺少校验码").wait_for()
    wrong = "ZZZZ" if not tag_code(garage).endswith(".ZZZZ") else "YYYY"
    phone.fill("#id_code", f"cp-garage.{wrong}")
    phone.get_by_role("button", name="打卡").click()
    phone.locator(".field-error", has_text="校验码不对").wait_for()
    assert not PatrolScan.objects.exists()
    phone.fill("#id_code", tag_code(garage).lower())
    phone.get_by_role("button", name="打卡").click()
    phone.get_by_test_id("scan-result").wait_for()
    assert "地下车库：第1轮按时打卡" in phone.get_by_test_id("scan-result").inner_text()
    phone.locator("[data-testid=patrol-status] li", has_text="地下车库").get_by_text(
        "按时"
    ).wait_for()

    # the board polls every 5 seconds
    patrols.get_by_test_id("last-checkpoint").get_by_text("地下车库").wait_for(timeout=15_000)
    assert "已巡 1/2" in patrols.inner_text()

    scan = PatrolScan.objects.get()
    assert (scan.checkpoint, scan.state, scan.round_no) == (garage, ScanState.ON_TIME, 1)
    assert isinstance(scan.at, datetime)
    monitor.goto(f"{base}/guard/patrol/register/")
    row = monitor.locator("table.register tbody tr", has_text="地下车库")
    assert "按时" in row.inner_text() and "patrol_a" in row.inner_text()
