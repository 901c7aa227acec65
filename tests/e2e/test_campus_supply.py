"""索证索票 in a real browser (seed T3 "严把食品…索证…关口", rule T3-04): the canteen's desk
records a delivery from a supplier whose food licence has expired; the page refuses it with the
reason on the supplier field and nothing is written; a supplier whose licences are valid is
accepted and its delivery appears on the register. Dates are relative to today (the live server
reads the real clock)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

SCREENSHOT = Path("/tmp/e2e-campus-supply.png")

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pass-1234")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def test_a_delivery_from_a_supplier_with_an_expired_licence_is_refused(
    browser, live_server, school, school_manager
):
    # rule T3-04
    from django.utils import timezone

    from gatehouse.campus import services
    from gatehouse.campus.models import Delivery

    now = timezone.now()
    today = timezone.localdate(now)
    made = {}
    for name, ends in (
        ("楚粮米业", today - timedelta(days=3)),
        ("绿源蔬菜", today + timedelta(days=300)),
    ):
        s = services.supplier_add(site=school, actor=school_manager, name=name, now=now)
        services.certificate_add(
            supplier=s, actor=school_manager, kind="business_licence", number=f"{name}-营", now=now
        )
        services.certificate_add(
            supplier=s,
            actor=school_manager,
            kind="food_licence",
            number=f"{name}-SC",
            valid_until=ends,
            now=now,
        )
        made[name] = s

    base = live_server.url
    page = browser.new_context(locale="zh-CN").new_page()
    _login(page, base, "school_manager")
    page.goto(f"{base}/campus/supply/")
    row = page.get_by_test_id(f"supplier-{made['楚粮米业'].pk}")
    assert "不得验收" in row.inner_text()
    page.get_by_role("link", name="登记进货查验").first.click()
    page.select_option("#id_supplier", str(made["楚粮米业"].pk))
    page.fill("#id_goods", "东北大米")
    page.fill("#id_quantity", "500")
    page.fill("#id_receipt_no", "CL-8840")
    page.get_by_label("楚粮米业 · 食品经营/生产许可证", exact=False).check()
    page.fill("#id_accepted_by", "王强")
    page.get_by_role("button", name="登记").click()
    error = page.get_by_test_id("error-supplier")
    error.wait_for()
    assert "楚粮米业-SC" in error.inner_text() and "不得验收" in error.inner_text()
    assert page.locator("[data-code='supply.certificate_expired']").count() == 1
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert not Delivery.objects.exists()

    # the same goods from the supplier whose licences are valid are accepted
    page.select_option("#id_supplier", str(made["绿源蔬菜"].pk))
    for box in page.locator("input[name=certificates]:checked").all():
        box.uncheck()
    page.get_by_label("绿源蔬菜 · 食品经营/生产许可证", exact=False).check()
    page.get_by_role("button", name="登记").click()
    page.wait_for_url(f"{base}/campus/supply/deliveries/")
    assert "CL-8840" in page.locator("table").first.inner_text()
    assert Delivery.objects.get().supplier == made["绿源蔬菜"]
