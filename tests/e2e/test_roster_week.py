"""The roster's week grid in a real browser (issue 16 §2, S-01): the security manager opens the
roster on a 1366×768 screen, sees this week's posts by days with the gap marked in red, goes to
the next week and back by the date picker, and prints the grid without the site chrome."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_week_grid_marks_a_gap(browser, live_server, site_a):
    # rule S-01: a gap is shown
    from gatehouse.guard.models import Shift
    from gatehouse.sites.models import Post
    from tests.conftest import _user

    _user("manager_w", site=site_a, role="security_manager")
    guard = _user("guard_w", site=site_a, role="guard")
    guard.first_name = "钱七"
    guard.save(update_fields=["first_name"])
    post = Post.objects.create(site=site_a, name="东门岗", kind="gate", headcount=1)
    today = timezone.localtime().date()
    monday = today - timedelta(days=today.weekday())
    tz = timezone.get_current_timezone()
    day = datetime.combine(monday + timedelta(days=1), time(0), tzinfo=tz)  # this Tuesday
    Shift.objects.create(
        site=site_a,
        post=post,
        guard=guard,
        start=day + timedelta(hours=8),
        end=day + timedelta(hours=20),
    )

    base = live_server.url
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", "manager_w")
        page.fill("#id_password", "pass-1234")
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{base}/")

        page.goto(f"{base}/guard/roster/")
        heading = f"排班周表 {monday:%Y-%m-%d}（周一）"
        assert heading in page.locator("#week h2").inner_text()
        tuesday = page.locator(f"td.week-cell[data-day='{day:%Y-%m-%d}']")
        assert "钱七" in tuesday.inner_text() and "08:00–20:00" in tuesday.inner_text()
        gap = tuesday.locator(".gap-mark", has_text="缺岗 20:00–24:00")
        assert gap.is_visible()
        assert gap.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(179, 38, 30)"
        assert tuesday.locator(".gap-mark", has_text="缺岗 00:00–08:00").is_visible()
        summary = page.locator("#week-summary").inner_text()
        assert "本周缺岗 8 处" in summary  # Tuesday's two ends and six whole days
        # the seven days fit the 1366-pixel screen without scrolling sideways
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1366

        page.get_by_role("link", name="下一周 ›").click()
        page.wait_for_url(f"{base}/guard/roster/?week={monday + timedelta(days=7):%Y-%m-%d}")
        assert (
            f"{monday + timedelta(days=7):%Y-%m-%d}（周一）"
            in page.locator("#week h2").inner_text()
        )
        assert "钱七" not in page.locator("#week").inner_text()

        page.fill("#week-date", f"{day:%Y-%m-%d}")
        page.get_by_role("button", name="查看").click()
        page.wait_for_url(f"{base}/guard/roster/?week={day:%Y-%m-%d}")
        assert heading in page.locator("#week h2").inner_text()

        # the browser's own print: the grid without the top bar, navigation or forms
        page.emulate_media(media="print")
        assert not page.locator("header.topbar").is_visible()
        assert not page.locator("nav.week-nav").is_visible()
        assert not page.locator("#gaps").is_visible()
        assert page.locator("#week .gap-mark").first.is_visible()
    finally:
        context.close()
