"""The monitoring board's charts redraw after a new event without a page reload (issue 16 §3),
in a real browser; the chart library is our own static file."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_chart_on_the_monitoring_board_updates_after_a_new_event(
    browser, live_server, site_a, lanes_a, guard_a
):
    # rule S-06
    from gatehouse.core.access import Entrant
    from gatehouse.gate.decide import gate_decide
    from gatehouse.gate.facts import GateInput
    from tests.conftest import _user

    _user("monitor_a", site=site_a, role="monitoring")
    page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "monitor_a")
    page.fill("#id_password", "pass-1234")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/guard/board/")
    charts = page.locator("#board-charts")
    page.wait_for_function("document.getElementById('board-charts').dataset.version >= 1")
    assert page.locator('[data-kpi="refused"]').inner_text() == "0"
    assert page.evaluate(
        "Array.from(document.querySelectorAll('#board-charts canvas'))"
        ".every(c => window.Chart.getChart(c) !== undefined)"
    )
    loads = page.evaluate("performance.getEntriesByType('navigation').length")

    gate_decide(
        GateInput(
            lane=lanes_a["east/walk-in"],
            entrant=Entrant.CREDENTIAL,
            credential=None,
            presented_kind="card",
            presented_masked="****BEEF",
        ),
        now=timezone.now(),
        guard=guard_a,
    )
    page.locator('[data-kpi="refused"]').get_by_text("1", exact=True).wait_for(timeout=15_000)
    refusals = charts.locator('[data-chart="refusals"]')
    refusals.get_by_text("查看数据").click()
    assert "未登记的卡或凭证" in refusals.locator("table").inner_text()
    assert (
        page.evaluate(
            "window.Chart.getChart(document.querySelector('[data-chart=refusals] canvas'))"
            ".data.datasets[0].data.reduce((a, b) => a + b, 0)"
        )
        == 1
    )
    # redrawn in place: the page was not loaded again, and no script came from another host
    assert page.evaluate("performance.getEntriesByType('navigation').length") == loads
    assert all(u.startswith(live_server.url) for u in requests), requests

    # its numbers one click away as xlsx: the same rows as the table beside it
    with page.expect_download() as waiting:
        refusals.get_by_role("link", name="下载 xlsx").click()
    download = waiting.value
    assert download.suggested_filename.startswith("今日拒绝原因-")
    from openpyxl import load_workbook

    with open(download.path(), "rb") as got:
        values = list(load_workbook(io.BytesIO(got.read())).active.values)
    assert values[2][:2] == ("原因", "次数")
    assert [row[:2] for row in values[3:]] == [("未登记的卡或凭证", 1)]
