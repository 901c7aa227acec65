"""The host's consent by message, end to end in a real browser (issue 16 §4): a visitor waits
at the gate; the host's console notice carries the signed link; the host opens it on their
phone and consents; the request is granted."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_host_receives_the_consent_request_on_the_console_and_answers_from_the_link(
    browser, live_server, settings, guard_a, resident_user_a, lanes_a
):
    # rule VI-01 / P-05: admit only on the host's consent, asked by message
    from django.utils import timezone

    from gatehouse.core.access import Entrant
    from gatehouse.notify.delivery import deliver_due
    from gatehouse.visitors import services
    from gatehouse.visitors.models import GateRequest, RequestStatus

    base = live_server.url
    settings.GATEHOUSE_PUBLIC_URL = base
    flow = services.visit_register(
        lane=lanes_a["east/walk-in"],
        actor=guard_a,
        kind=Entrant.RELATIVE,
        name="王芳",
        purpose="探亲",
        house_number="3-2-1201",
        now=timezone.now(),
    )
    assert deliver_due(now=timezone.now()).sent == 2  # the console notice and the log

    host = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
    host.goto(f"{base}/accounts/login/")
    host.fill("#id_username", "zhangwei")
    host.fill("#id_password", "pass-1234")
    host.get_by_role("button", name="登录").click()
    host.wait_for_url(f"{base}/")
    host.goto(f"{base}/my/notices/")
    notice = host.locator("[data-testid^=notice-]", has_text="等候您同意来访")
    notice.wait_for()
    assert "王*" in notice.inner_text() and "王芳" not in notice.inner_text()
    notice.locator("a[href*='/messages/consent/']").click()

    host.get_by_test_id("consent").wait_for()
    assert "探亲" in host.get_by_test_id("consent").inner_text()
    host.get_by_role("button", name="同意").click()
    host.get_by_role("status").wait_for()
    assert "已同意" in host.get_by_role("status").inner_text()
    request = GateRequest.objects.get(pk=flow.request.pk)
    assert request.status == RequestStatus.GRANTED and request.answered_via == "host"
