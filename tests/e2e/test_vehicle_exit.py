"""A temporary car at the garage, end to end in a real browser (issue 4 §3): it parked two hours
ago; at the exit the guard's vehicle booth asks for the fee, the guard records a QR payment, the
barrier opens, the ledger has the money and the stay is closed."""

from __future__ import annotations

from datetime import timedelta

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PLATE = "京A12345"


def test_guard_takes_the_fee_and_lets_the_car_out(browser, live_server, guard_a, site_a):
    # rule V-07
    from django.utils import timezone

    from gatehouse.parking.models import LedgerEntry
    from gatehouse.sites.models import Garage, Gate, Lane
    from gatehouse.vehicles import services
    from gatehouse.vehicles.models import ParkingSession

    garage = Garage.objects.create(site=site_a, code="b1", name="地下车库B1")
    ramp = Gate.objects.create(site=site_a, code="garage", name="车库口")
    lane_in = Lane.objects.create(
        gate=ramp, code="in", name="车库入口", kind="garage", direction="in", garage=garage
    )
    Lane.objects.create(
        gate=ramp, code="out", name="车库出口", kind="garage", direction="out", garage=garage
    )
    services.vehicle_decide(
        services.VehicleInput(lane=lane_in, plate=PLATE),
        now=timezone.now() - timedelta(hours=2, minutes=5),
    )

    base = live_server.url
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "guard_a")
    page.fill("#id_password", "pass-1234")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/vehicles/")
    assert PLATE in page.locator(".booth-side").inner_text()  # inside now
    page.get_by_label("车库口 · 车库出口（地下车库B1）").check()
    page.fill("#id_plate", PLATE)
    page.get_by_role("button", name="判定").click()
    fee = page.locator(".decision-fee")
    fee.wait_for()
    assert "应缴停车费 ¥15.00" in fee.inner_text()
    assert "待确认" in page.locator(".decision-word").inner_text()

    page.get_by_role("button", name="扫码收讫").click()
    page.locator(".decision-paid").wait_for()
    assert "已收取 ¥15.00" in page.locator(".decision-paid").inner_text()
    assert page.locator(".decision-word").inner_text() == "放行"

    session = ParkingSession.objects.get()
    assert (session.status, session.paid_fen) == ("closed", 1500)
    assert sum(e.amount_fen for e in LedgerEntry.objects.filter(account="qr")) == 1500
