"""A guard logs in with a real browser (Debian's chromium, headless) and sees their site only."""

from __future__ import annotations

from pathlib import Path

import pytest

SCREENSHOT = Path("/tmp/e2e-home.png")
ID_ZHANG = "11010519491231002X"
ID_LI = "110105199001011232"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_sites(db):
    """Site A with a guard and 张伟; site B with 李娜. Made inside the live server's database."""
    from django.contrib.auth import get_user_model

    from gatehouse.accounts.models import Membership
    from gatehouse.people import services
    from gatehouse.sites.models import Gate, Site

    site_a = Site.objects.create(code="donghu", name="东湖花园", kind="residential")
    site_b = Site.objects.create(code="xiling", name="西岭工业园", kind="industrial_park")
    users = get_user_model().objects
    guard = users.create_user(username="guard_a", password="pass-1234")
    Membership.objects.create(user=guard, site=site_a, role="guard")
    manager_b = users.create_user(username="manager_b", password="pass-1234")
    Membership.objects.create(user=manager_b, site=site_b, role="security_manager")
    services.person_create(
        site=site_a, actor=guard, name="张伟", kind="owner", id_number=ID_ZHANG, phone="13800138000"
    )
    services.person_create(
        site=site_b,
        actor=manager_b,
        name="李娜",
        kind="employee",
        id_number=ID_LI,
        phone="13912345678",
    )
    Gate.objects.create(site=site_a, code="east", name="东门")
    Gate.objects.create(site=site_b, code="north", name="北门")
    return site_a, site_b


def test_a_guard_logs_in_and_sees_the_chinese_home_page_of_their_site_only(
    live_server, browser, two_sites
):
    # A booth PC in China: Chinese browser, a small old screen.
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/")
        assert "/accounts/login/" in page.url
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        assert page.get_by_role("heading", name="登录").is_visible()

        page.fill("#id_username", "guard_a")
        page.fill("#id_password", "pass-1234")
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{live_server.url}/")

        header = page.locator("header.topbar").inner_text()
        assert "Gatehouse 园区封闭管理" in header
        assert "东湖花园" in header
        assert "门岗" in header
        assert page.get_by_role("heading", name="东湖花园").is_visible()
        tiles = page.locator(".tiles .tile-name").all_inner_texts()
        assert tiles == [
            "扫码/刷卡放行",
            "访客登记",
            "在场人员",
            "车辆岗",
            "邮件报刊登记",
            "员工中途外出",
            "物品放行核验",
            "登记车辆违规",
            "登记表",
            "物品登记表",
            "车辆违规登记表",
            "人员查询",
            "管理模式",
            "交接班",
            "钥匙",
            "临时离岗",
            "卫生轮流表",
            "上报情况",
        ]
        assert page.get_by_role("button", name="退出登录").is_visible()
        page.screenshot(path=str(SCREENSHOT), full_page=True)

        html = page.content()
        for trace in ("西岭工业园", "李娜", "北门", ID_LI, "********1232"):
            assert trace not in html, trace

        # The people list of the guard's site: 张伟 masked, 李娜 absent.
        # the guard's day's work stands in the bar; 人员查询 is in the 门岗通行 menu
        page.locator(".mainnav summary", has_text="门岗通行").click()
        page.locator(".mainnav").get_by_text("人员查询", exact=True).click()
        page.wait_for_url(f"{live_server.url}/people/")
        assert page.get_by_role("link", name="张伟").is_visible()
        html = page.content()
        assert "110105********002X" in html
        assert ID_ZHANG not in html
        assert "李娜" not in html and "西岭工业园" not in html

        # Sign out: back at the login page.
        page.get_by_role("button", name="退出登录").click()
        page.wait_for_url(f"{live_server.url}/accounts/login/")
    finally:
        context.close()
