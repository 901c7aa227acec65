"""The door opens by itself, end to end in a real browser (issue 14 §3).

A guard registers a walk-in visitor at 东门, whose walk-in lane has a face terminal; the host
consents from their phone; the guard's pending panel shows the door command queued, then
"已开门" once the worker has delivered it. The guard then opens the lane remotely with the
booth's 开门 button and sees that command settle too.
"""

from __future__ import annotations

import pytest

from tests.conftest import NOW
from tests.devices.conftest import FakeTerminal

VISITOR_ID = "110105199001011232"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pass-1234")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def test_host_consent_opens_the_door_and_the_guard_sees_it(
    browser, live_server, guard_a, resident_user_a, manager_a, site_a, walk_in_a
):
    # rule VI-01
    from django.utils import timezone

    from gatehouse.devices import outbox
    from gatehouse.devices.models import CommandKind, CommandState, Device, DeviceCommand
    from gatehouse.devices.services import device_issue_key
    from gatehouse.visitors.models import Visit, VisitStatus

    door = Device.objects.create(
        site=site_a, lane=walk_in_a, name="东门人脸终端", kind="face_terminal", vendor="fake"
    )
    device_issue_key(device=door, actor=manager_a, now=NOW)
    terminal = FakeTerminal()

    def deliver() -> None:
        outbox.deliver_due(now=timezone.now, drivers={"fake": terminal})

    base = live_server.url
    guard = browser.new_context(locale="zh-CN").new_page()
    host = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()

    # 1. The guard registers the visitor; the request waits for the host.
    _login(guard, base, "guard_a")
    guard.goto(f"{base}/booth/")
    guard.locator(".flow-btn", has_text="来客登记").click()
    form = guard.locator("#flow-panel form")
    form.locator("[name=name]").fill("王五")
    form.locator("[name=id_number]").fill(VISITOR_ID)
    form.locator("[name=purpose]").fill("送文件")
    form.locator("[name=house_number]").fill("3-2-1201")
    form.get_by_role("button", name="提交").click()
    guard.locator(".pending-item", has_text="王*").wait_for()

    # 2. The host consents from their phone.
    _login(host, base, "zhangwei")
    host.goto(f"{base}/my/requests/")
    host.locator("[data-testid^=approve-]").first.click()
    host.get_by_test_id("no-requests").wait_for()

    # 3. The visitor is admitted and the door command queued, with no button for the guard.
    opened = guard.locator(".req-opened", has_text="王*")
    opened.get_by_text("开门指令已排队").wait_for(timeout=15_000)
    assert opened.get_by_role("button", name="放行").count() == 0
    visit = Visit.objects.get()
    assert visit.status == VisitStatus.INSIDE
    command = DeviceCommand.objects.get(kind=CommandKind.DOOR_OPEN)
    assert command.device == door and "被访人已同意" in command.reason

    # 4. The worker delivers it to the terminal; the guard's panel says the door opened.
    deliver()
    assert terminal.applied == [(CommandKind.DOOR_OPEN, door.pk)]
    opened.get_by_text("已开门").wait_for(timeout=15_000)
    command.refresh_from_db()
    assert command.state == CommandState.DONE

    # 5. A remote open from the booth (keyboard: the button takes Enter), followed to the end.
    button = guard.get_by_test_id(f"open-lane-{walk_in_a.pk}")
    button.focus()
    guard.keyboard.press("Enter")
    result = guard.locator("#open-result")
    result.get_by_text("开门指令已排队").wait_for()
    remote = DeviceCommand.objects.exclude(pk=command.pk).get()
    assert remote.reason == "门岗远程开门" and remote.created_by == guard_a
    deliver()
    result.get_by_text("已开门").wait_for(timeout=15_000)
