"""Unified entrances (合并出入口, seed T8·2, rule M-05) in a real browser: the security manager
sets up a merger of 东湖花园 behind 东门 on /epidemic/mergers/, sees it running, and ends it."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_manager_sets_up_and_ends_a_merger(browser, live_server, site_a, manager_a, lanes_a):
    # rule M-05
    from django.utils import timezone

    from gatehouse.epidemic.models import UnifiedEntrance
    from gatehouse.gate.decide import gate_read
    from gatehouse.sites.models import Lane

    base = live_server.url
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "manager_a")
    page.fill("#id_password", "pass-1234")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/epidemic/mergers/")
    assert page.get_by_test_id("no-mergers").is_visible()
    form = page.get_by_test_id("merger-form")
    form.get_by_label("名称").fill("南北两区合并")
    form.get_by_label("东湖花园·东门").check()
    form.get_by_label("原因").fill("疫情期间南北两区合并使用东门")
    form.get_by_role("button", name="设立").click()
    page.wait_for_url(f"{base}/epidemic/mergers/")
    merger = UnifiedEntrance.objects.get()
    row = page.get_by_test_id(f"merger-{merger.pk}")
    assert "进行中" in row.inner_text() and "东湖花园·东门" in row.inner_text()

    west = Lane.objects.select_related("gate__site").get(pk=lanes_a["west/walk-in"].pk)
    refused = gate_read(lane=west, kind="card", value="DEADBEEF", now=timezone.now())
    assert (refused.decision.reason, refused.decision.rule) == ("merger.entrance_closed", "M-05")

    row.get_by_label("解除原因").fill("疫情缓解")
    row.get_by_role("button", name="解除合并").click()
    page.wait_for_url(f"{base}/epidemic/mergers/")
    assert "已解除" in page.get_by_test_id(f"merger-{merger.pk}").inner_text()
    merger.refresh_from_db()
    assert merger.ended_by == manager_a and merger.end_reason == "疫情缓解"
