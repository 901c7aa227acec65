"""A register printed from a real browser (issue 16 §1): the manager opens the 来客进出登记表, clicks
打印 and gets the A4 PDF of the filters shown; the browser's own print of the page leaves the
site chrome out."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_print_button_answers_the_registers_pdf(browser, live_server, site_a):
    from tests.conftest import _user

    _user("manager_p", site=site_a, role="security_manager")
    base = live_server.url
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", "manager_p")
        page.fill("#id_password", "pass-1234")
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{base}/")

        page.goto(f"{base}/registers/visits/?date_from=2026-11-01&date_to=2026-11-30")
        button = page.get_by_role("link", name="打印")
        assert "print=pdf" in (button.get_attribute("href") or "")
        with context.expect_event(
            "response", lambda r: "print=pdf" in r.url and r.request.method == "GET"
        ) as answered:
            button.click()
        response = answered.value
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
        assert "date_from=2026-11-01" in response.url and "date_to=2026-11-30" in response.url

        # The browser's own print of the page: no top bar, navigation or filters.
        page.emulate_media(media="print")
        assert not page.locator("header.topbar").is_visible()
        assert not page.locator("nav.mainnav").is_visible()
        assert not page.locator("form.register-filters").is_visible()
        assert page.get_by_role("heading", name="来客进出登记表").is_visible()
    finally:
        context.close()


def test_each_of_the_eight_registers_prints_from_its_page(browser, live_server, site_a):
    # issue 16 done-when: each of the eight paper registers, from its own page's 打印 in a real
    # browser, is an A4 PDF with the paper's title, the register's columns and its sign-off lines
    from datetime import date

    from django.urls import reverse

    from gatehouse.guard.models import CleaningMember, CleaningRota
    from gatehouse.registers import paper
    from tests.conftest import _user
    from tests.registers.test_paper import EIGHT, _assert_clean, _flat, _labels, _read

    _user("manager_8", site=site_a, role="security_manager")
    rota = CleaningRota.objects.create(site=site_a, first_day=date(2026, 11, 2))
    for order, name in enumerate(("guard_8a", "guard_8b")):
        CleaningMember.objects.create(rota=rota, guard=_user(name, site=site_a), order=order)
    base = live_server.url
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", "manager_8")
        page.fill("#id_password", "pass-1234")
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{base}/")
        printed = []
        for title, key in EIGHT:
            page.goto(f"{base}{reverse(key)}")
            button = page.get_by_role("link", name="打印", exact=True).first
            assert button.count() == 1, (key, page.url, page.title())
            with context.expect_event(
                "response", lambda r: "print=pdf" in r.url and r.request.method == "GET"
            ) as answered:
                button.click()
            response = answered.value
            assert response.status == 200, key
            assert response.headers["content-type"] == "application/pdf", key
            # the PDF the browser got, fetched again with the browser's own session
            data = context.request.get(response.url).body()
            reader, text = _read(data)
            flat = _flat(text)
            assert title in flat and site_a.name in flat, key
            for label in _labels(key):
                assert _flat(label) in flat, (key, label)
            for line in paper.paper_for(key).signoffs:
                assert _flat(str(line)) in flat, (key, line)
            _assert_clean(reader, text)
            for extra in context.pages[1:]:
                extra.close()
            printed.append(key)
        assert printed == [key for _title, key in EIGHT]
    finally:
        context.close()
