"""The manager's navigation fits a 1,366 px booth/office screen (issue 16 §2): the day's work
in the bar, the rest in grouped menus that open by touch or click, one at a time."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def manager(db):
    from django.contrib.auth import get_user_model

    from gatehouse.accounts.models import Membership
    from gatehouse.sites.models import Site

    site = Site.objects.create(code="donghu", name="东湖花园", kind="residential")
    user = get_user_model().objects.create_user(username="manager_a", password="pass-1234")
    Membership.objects.create(user=user, site=site, role="security_manager")
    return user


def test_the_managers_navigation_fits_1366_px_and_its_menus_work(live_server, browser, manager):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "manager_a")
        page.fill("#id_password", "pass-1234")
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{live_server.url}/")
        nav = page.locator("nav.mainnav")
        box = nav.bounding_box()
        assert box is not None and box["width"] <= 1366
        # one row: nothing wraps, nothing scrolls sideways
        assert box["height"] <= 56, box
        assert nav.evaluate("el => el.scrollWidth <= el.clientWidth")
        first = nav.locator(":scope > a").all_inner_texts()
        assert first == ["首页", "监控大屏", "异常情况", "待确认请求", "排班", "抽查"]
        # a menu opens, lists its pages, and a second menu closes the first
        registers = nav.locator("details", has=page.locator("summary", has_text="登记与报表"))
        registers.locator("summary").click()
        assert registers.locator("a", has_text="登记表").first.is_visible()
        team = nav.locator("details", has=page.locator("summary", has_text="值勤与队伍"))
        team.locator("summary").click()
        assert team.get_attribute("open") is not None
        assert registers.get_attribute("open") is None
        # the opened menu lies inside the window
        menu_box = team.locator(".navmenu-items").bounding_box()
        assert menu_box is not None and menu_box["x"] + menu_box["width"] <= 1366
        page.keyboard.press("Escape")
        assert team.get_attribute("open") is None
        # a page reached through a menu marks its group as current
        registers.locator("summary").click()
        registers.locator("a", has_text="登记表").first.click()
        page.wait_for_url(f"{live_server.url}/registers/")
        current = page.locator("nav.mainnav summary.current")
        assert current.inner_text() == "登记与报表"
    finally:
        context.close()
