"""In a real browser (marked ``e2e``): the security manager opens the edge's page, marks its
alarm handled with a note, and sees it fold away, still listed with who handled it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gatehouse.edge import services
from gatehouse.edge.models import EdgeAlarm
from tests.conftest import NOW
from tests.e2e.conftest import browser  # noqa: F401 (the e2e browser fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_manager_resolves_an_alarm_on_the_edge_page(
    browser,  # noqa: F811
    live_server,
    edge_device,
    manager_a,
):
    # rule S-06: the monitoring centre follows an alarm to its end
    edge = edge_device[0]
    alarm_in = services.AlarmIn(
        seq=1, code="edge.fire_on", message="边缘网关开启消防应急模式", at=NOW - timedelta(hours=1)
    )
    services.edge_alarms(edge=edge, alarms=[alarm_in], now=NOW - timedelta(minutes=59))
    alarm = EdgeAlarm.objects.get(edge=edge)
    base = live_server.url
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", manager_a.username)
    page.fill("#id_password", "pass-1234")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/devices/{edge.pk}/")
    row = page.get_by_test_id(f"alarm-{alarm.pk}")
    row.get_by_placeholder("处理说明").fill("消防演练，已与门岗核实")
    row.get_by_role("button", name="标记已处理").click()
    page.wait_for_url(f"{base}/devices/{edge.pk}/")
    assert page.get_by_text("告警已标记为已处理").is_visible()
    assert page.get_by_text("没有未处理的告警。").is_visible()

    folded = page.get_by_test_id("alarms-handled")
    note = folded.get_by_text("消防演练，已与门岗核实")
    assert not note.is_visible()  # folded away ...
    folded.get_by_text("已处理的告警 1 条").click()
    assert note.is_visible()  # ... and still listed
    alarm.refresh_from_db()
    assert alarm.handled_by == manager_a and alarm.handled_note == "消防演练，已与门岗核实"
