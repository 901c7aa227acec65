"""The door opens by itself, end to end in a real browser, through the simulated Hikvision
terminal (issue 14 §2, §3).

Gatehouse is served on 127.0.0.1 (pytest-django's live server). 东门's walk-in lane has a face
terminal: the Hikvision simulator on another port of 127.0.0.1, configured as a real one is
(vendor, address, login). The worker's round (``outbox.deliver_due`` with the vendors' own
``DRIVERS``) sends the door command as ISAPI ``RemoteControl/door/1`` behind digest
authentication; the simulator records the door it opened.

1. The host cannot be reached in the app (no login): the guard phones the host and approves the
   pending visitor at the booth (门岗致电确认). The guard's pending panel follows the door
   command from queued to 已开门; the terminal opened door 1 once; the entry is recorded.
2. The host consents from their phone: the same, then the guard opens the lane with the booth's
   开门 button and sees that command settle too.
3. The terminal goes down (its connections cut) and the guard presses 开门: the guard sees the
   command waiting with the reason and never 已开门; still down after the minute a door command
   lives, the command expires and the guard reads 未开门; back later, nobody is let in late.
4. Back within the minute, the round after the back-off opens the door once and the guard sees
   已开门.

A host's consent may be given in the app, to the front desk or to the guard on the phone
(VI-01); approvals stay a manager's. Where nothing opens by itself, the guard lets the person
through with 放行.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from gatehouse.devices.adapters.hikvision.simulator import Store, Terminal
from tests.conftest import NOW

VISITOR_ID = "110105199001011232"
PASSWORD = "hik-e2e-1234"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


class Simulated:
    """The simulated terminal at one address of 127.0.0.1, that can be switched off and on.

    Switched off, its server stops and the connections it holds are cut (``Terminal.stop``), as
    when the terminal loses power: the worker keeps its connection to a terminal. Switched on
    again, a new server listens at the same address with the same store (what the terminal
    holds and did)."""

    def __init__(self) -> None:
        self.store = Store()
        self.port = 0
        self.challenges = 0  # digest challenges the terminal sent
        self.terminal: Terminal | None = None
        self.on()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def on(self) -> None:
        terminal = Terminal(port=self.port, password=PASSWORD, clock=lambda: NOW)
        terminal.store = self.store
        challenge = terminal.challenge

        def counted() -> str:
            self.challenges += 1
            return challenge()

        terminal.challenge = counted
        self.port = terminal.port
        self.terminal = terminal.start()

    def off(self) -> None:
        terminal, self.terminal = self.terminal, None
        if terminal is None:
            return
        terminal.stop()


@pytest.fixture
def sim():
    simulated = Simulated()
    try:
        yield simulated
    finally:
        simulated.off()


@pytest.fixture
def door(site_a, walk_in_a, manager_a, sim):
    """东门人脸终端: a Hikvision terminal on 东门's walk-in lane, reached at the simulator."""
    from gatehouse.devices.models import Device
    from gatehouse.devices.services import device_issue_key, device_set_login

    device = Device.objects.create(
        site=site_a, lane=walk_in_a, name="东门人脸终端", kind="face_terminal", vendor="hikvision"
    )
    device_issue_key(device=device, actor=manager_a, now=NOW)
    return device_set_login(
        device=device,
        actor=manager_a,
        address=sim.url,
        username="admin",
        password=PASSWORD,
        now=NOW,
    )


def deliver(command, after: timedelta = timedelta(seconds=1)):
    """One round of the worker, ``after`` the command was queued: the vendors' own drivers
    (``DRIVERS``), over HTTP to the simulator."""
    from gatehouse.devices import outbox

    at = command.created_at + after
    return outbox.deliver_due(now=lambda: at)


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pass-1234")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def _booth_holds_still(guard, base: str) -> None:
    """The booth's buttons do not move when the alert strip is refreshed (issue 16 §2): the
    strip is drawn with the page at its folded height, and an alert arriving later takes the
    same place. 来客登记 is where it was at first paint, after the page settled, and after the
    strip refreshed with a new alert."""
    from gatehouse.access.models import Notice
    from gatehouse.sites.models import Site

    guard.goto(f"{base}/booth/", wait_until="domcontentloaded")
    button = guard.locator(".flow-btn", has_text="来客登记")
    first = button.bounding_box()
    assert guard.get_by_test_id("alerts-none").is_visible()  # the strip's place, from the start
    guard.wait_for_load_state("load")
    assert button.bounding_box() == first
    Notice.objects.create(
        site=Site.objects.get(code="donghu"),
        audience="guard",
        kind="mail.arrived",
        message="东门：快递待取",
        created_at=NOW,
    )
    guard.evaluate(
        "url => htmx.ajax('GET', url, {target: '#alerts', swap: 'innerHTML'})",
        f"{base}/booth/alerts/",
    )
    guard.locator("#alerts .alert-strip").get_by_text("1 条提醒").wait_for()
    assert button.bounding_box() == first


def _register_visitor(guard, base: str) -> None:
    """The guard registers 王五 at 东门 for 3-2-1201; the request waits for an answer."""
    _login(guard, base, "guard_a")
    _booth_holds_still(guard, base)
    form = guard.locator("#flow-panel form")
    guard.locator(".flow-btn", has_text="来客登记").click()
    form.wait_for()
    form.locator("[name=name]").fill("王五")
    form.locator("[name=id_number]").fill(VISITOR_ID)
    form.locator("[name=purpose]").fill("送文件")
    form.locator("[name=house_number]").fill("3-2-1201")
    form.get_by_role("button", name="提交").click()
    waiting = guard.locator(".pending-item", has_text="王*")
    waiting.get_by_text("等待被访人答复").wait_for()


def _entry_recorded(door, why: str):
    """The visitor is inside, their entry recorded by the answer's event, and one DOOR_OPEN
    queued for the terminal naming that event; the command."""
    from gatehouse.access.models import AccessEvent
    from gatehouse.devices.models import CommandKind, CommandState, DeviceCommand
    from gatehouse.visitors.models import GateRequest, Visit, VisitStatus

    visit = Visit.objects.get()
    events = list(AccessEvent.objects.filter(visit=visit).order_by("pk"))
    assert [(e.reason, e.outcome) for e in events] == [
        ("visitor.await_consent", "pending"),
        ("visitor.consented", "allow"),
    ]
    entry = events[-1]
    assert entry.lane_id == door.lane_id and entry.source == "system"
    assert visit.status == VisitStatus.INSIDE and visit.time_in == entry.at
    request = GateRequest.objects.get(visit=visit)
    assert request.status == "granted" and request.closed_at is not None
    command = DeviceCommand.objects.get(kind=CommandKind.DOOR_OPEN)
    assert command.device == door and command.state == CommandState.QUEUED
    assert command.payload == {"request": request.pk, "event": entry.pk}
    assert command.reason == f"{why}，放行（事件 #{entry.pk}）"
    return command


def test_the_guard_approves_a_pending_visitor_and_the_terminal_opens(
    browser, live_server, guard_a, resident_a, door, sim
):
    # rule VI-01: admitted only on the host's consent, here given to the guard on the phone
    from gatehouse.devices.models import CommandState

    base = live_server.url
    guard = browser.new_context(locale="zh-CN").new_page()

    # 1. The guard registers the visitor; the host has no login, so nobody answers in the app.
    _register_visitor(guard, base)

    # 2. The guard phones the host, who agrees: the guard approves at the booth.
    waiting = guard.locator(".pending-item", has_text="王*")
    waiting.get_by_role("button", name="已致电·被访人同意").click()

    # 3. The entry is recorded and the door command queued; the guard has nothing to press.
    opened = guard.locator(".req-opened", has_text="王*")
    opened.get_by_text("门岗致电确认").wait_for(timeout=15_000)
    command = _entry_recorded(door, "门岗已致电确认")
    state = opened.get_by_test_id(f"command-{command.pk}")
    state.get_by_text("开门指令已排队").wait_for()
    assert opened.get_by_role("button").count() == 0
    assert sim.store.doors_opened == []

    # 4. The worker sends it to the terminal over ISAPI with digest authentication: door 1
    #    opens, once; the guard's panel says so.
    done = deliver(command)
    assert (done.delivered, done.retrying, done.failed) == (1, 0, 0)
    assert sim.store.doors_opened == [1]
    assert (sim.challenges, sim.store.requests) == (1, 1)  # one digest challenge, one open
    opened.locator("[data-state=done]").get_by_text("已开门").wait_for(timeout=15_000)
    command.refresh_from_db()
    assert command.state == CommandState.DONE and command.attempts == 1
    door.refresh_from_db()
    assert door.last_seen_at == command.done_at
    # Never again, however many rounds follow.
    assert deliver(command, timedelta(seconds=5)).delivered == 0
    assert sim.store.doors_opened == [1]


def test_host_consent_opens_the_door_and_the_guard_sees_it(
    browser, live_server, guard_a, resident_user_a, walk_in_a, door, sim
):
    # rule VI-01
    from gatehouse.devices.models import CommandState, DeviceCommand

    base = live_server.url
    guard = browser.new_context(locale="zh-CN").new_page()
    host = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()

    # 1. The guard registers the visitor; the request waits for the host.
    _register_visitor(guard, base)

    # 2. The host consents from their phone.
    _login(host, base, "zhangwei")
    host.goto(f"{base}/my/requests/")
    host.locator("[data-testid^=approve-]").first.click()
    host.get_by_test_id("no-requests").wait_for()

    # 3. The visitor is admitted and the door command queued, with no button for the guard.
    command = _entry_recorded(door, "被访人已同意")
    opened = guard.locator(".req-opened", has_text="王*")
    opened.get_by_text("开门指令已排队").wait_for(timeout=15_000)
    assert opened.get_by_role("button", name="放行").count() == 0

    # 4. The worker delivers it to the terminal; the guard's panel says the door opened.
    assert deliver(command).delivered == 1
    assert sim.store.doors_opened == [1]
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
    assert remote.device == door
    assert deliver(remote).delivered == 1
    assert sim.store.doors_opened == [1, 1]
    result.get_by_text("已开门").wait_for(timeout=15_000)


def _open_while_down(guard, base: str, lane, sim):
    """The guard opens ``lane`` with the booth's 开门 and the terminal opens the door (the
    worker keeps its connection to it); then the terminal goes down, the guard opens again and
    one round of the worker finds the terminal unreachable. The second command, still queued."""
    from gatehouse.devices.models import DeviceCommand

    _login(guard, base, "guard_a")
    guard.goto(f"{base}/booth/")
    button = guard.get_by_test_id(f"open-lane-{lane.pk}")
    result = guard.locator("#open-result")
    button.click()
    result.get_by_text("开门指令已排队").wait_for()
    first = DeviceCommand.objects.get()
    assert deliver(first).delivered == 1
    assert sim.store.doors_opened == [1]
    result.get_by_text("已开门").wait_for(timeout=15_000)

    sim.off()
    button.click()
    result.get_by_text("开门指令已排队").wait_for()
    command = DeviceCommand.objects.exclude(pk=first.pk).get()
    missed = deliver(command)
    assert (missed.delivered, missed.retrying, missed.failed) == (0, 1, 0)
    command.refresh_from_db()
    return command


def test_a_terminal_that_is_down_keeps_the_door_waiting_and_never_opens_late(
    browser, live_server, guard_a, walk_in_a, door, sim
):
    from gatehouse.devices import outbox
    from gatehouse.devices.models import CommandState

    guard = browser.new_context(locale="zh-CN").new_page()
    command = _open_while_down(guard, live_server.url, walk_in_a, sim)

    # The worker could not reach it: the command waits (retried with back-off) and the guard
    # reads why; nothing says the door opened.
    assert command.state == CommandState.QUEUED and "无法连接终端" in command.last_error
    result = guard.locator("#open-result")
    shown = result.get_by_test_id(f"command-{command.pk}")
    shown.get_by_text("无法连接终端").wait_for(timeout=15_000)
    assert shown.get_attribute("data-state") == "queued"
    assert "开门指令已排队，等待设备执行" in shown.inner_text()
    assert "已开门" not in result.inner_text()

    # Still down when the minute a door command lives is over: it expires, and the guard reads
    # that the door did not open and why.
    late = outbox.ONE_SHOT_TTL + timedelta(seconds=1)
    deliver(command, late)
    command.refresh_from_db()
    assert command.state == CommandState.EXPIRED and "无法连接终端" in command.last_error
    result.get_by_text("未开门：指令过期未送达").wait_for(timeout=15_000)
    assert result.get_by_test_id(f"command-{command.pk}").get_attribute("data-state") == "expired"
    assert "已开门" not in result.inner_text()

    # The terminal returns: nobody is let in a minute late.
    sim.on()
    assert deliver(command, late + timedelta(seconds=5)).delivered == 0
    assert sim.store.doors_opened == [1]  # the first 开门's, before it went down


def test_a_terminal_back_within_the_minute_opens_the_door_once(
    browser, live_server, guard_a, walk_in_a, door, sim
):
    from gatehouse.devices.models import CommandState

    guard = browser.new_context(locale="zh-CN").new_page()
    command = _open_while_down(guard, live_server.url, walk_in_a, sim)

    # It comes back before the command expires: the round after the back-off opens the door.
    sim.on()
    retry = command.next_attempt_at - command.created_at
    deliver(command, retry)
    command.refresh_from_db()
    assert (command.state, command.last_error) == (CommandState.DONE, "")
    assert sim.store.doors_opened == [1, 1]
    guard.locator("#open-result").get_by_text("已开门").wait_for(timeout=15_000)
