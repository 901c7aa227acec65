"""Documents printed from a real browser (issue 16 §1, issue 17 §3): the security manager clicks
打印 on the daily income report and on a rectification notice and gets each as the server's A4
PDF, with its title, its numbers and its signature lines."""

from __future__ import annotations

from datetime import date

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_income_report_and_a_notice_print_from_their_buttons(
    browser, live_server, site_a, house_a
):
    from django.utils import timezone

    from gatehouse.governance import notices
    from tests.conftest import _user
    from tests.registers.test_paper import _assert_clean, _flat, _read

    manager = _user("manager_doc", site=site_a, role="security_manager")
    notice = notices.notice_issue(
        site=site_a,
        actor=manager,
        now=timezone.now(),
        kind="house",
        house_number="3-2-1201",
        finding="楼道内堆放纸箱、旧家具",
        items="清理楼道内堆放物品",
        basis="《管理规约》第六条",
        deadline=date(2026, 12, 10),
        issuer="东湖花园物业服务中心",
    )
    base = live_server.url
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", "manager_doc")
        page.fill("#id_password", "pass-1234")
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{base}/")

        def printed(url: str) -> str:
            page.goto(url)
            button = page.get_by_role("link", name="打印", exact=True)
            assert button.count() == 1, url
            with context.expect_event(
                "response", lambda r: "print=pdf" in r.url and r.request.method == "GET"
            ) as answered:
                button.click()
            response = answered.value
            assert response.status == 200, url
            assert response.headers["content-type"] == "application/pdf", url
            data = context.request.get(response.url).body()
            reader, text = _read(data)
            _assert_clean(reader, text)
            for extra in context.pages[1:]:
                extra.close()
            return _flat(text)

        income = printed(f"{base}/parking/income/?day=2026-11-24")
        assert "日收入报表" in income and "东湖花园" in income and "日期：2026-11-24" in income
        assert "当日收入（元）：0.00" in income and "收费员（签字）" in income
        assert "第1页共1页" in income

        paper = printed(f"{base}/governance/notices/{notice.pk}/")
        assert "限期整改通知书" in paper and f"编号：{notice.number}" in paper
        assert "3-2-1201业主/住户：" in paper and "清理楼道内堆放物品" in paper
        assert "发出单位（盖章）" in paper and "签收人（签字）" in paper
        assert "第1页共1页" in paper
    finally:
        context.close()
