"""The guard's local status page on the edge (issue 15 §Health): ``GET /`` in Chinese, the same
in ``/healthz`` as JSON, and the fire switch behind its PIN (form, JSON and command line).
The real-browser test is marked ``e2e``."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

from gatehouse_edge.offline import Edge
from gatehouse_edge.server import EdgeApp, EdgeServer
from tests.conftest import CARD_ZHANG, NOW
from tests.e2e.conftest import browser  # noqa: F401 (the e2e browser fixture)
from tests.edge.conftest import read

ROOT = Path(__file__).resolve().parents[2]
PIN = "2468"


@pytest.fixture
def running(store, syncer, server):
    """The edge's HTTP server on 127.0.0.1 with a moveable clock (``clock[0]``)."""
    clock = [NOW]
    app = EdgeApp(Edge(store), server, syncer, lambda: clock[0], fire_pin=PIN)
    edge = EdgeServer(app, "127.0.0.1", 0).start()
    try:
        yield edge, app, clock
    finally:
        edge.stop()


def get(url: str) -> tuple[int, str, str]:
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.status, r.headers["Content-Type"], r.read().decode("utf-8")


def post(url: str, data: bytes, content_type: str) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_healthz_reports_what_the_guard_needs(
    running, syncer, store, server, turnstile_key, card_a, settings
):
    edge, app, clock = running
    _device, key = turnstile_key
    assert syncer.run_once()
    health = json.loads(get(edge.address + "/healthz")[2])
    assert health["online"] is True and health["snapshot_usable"] is True
    assert health["last_reached"] == NOW.isoformat() == health["last_sync"]
    assert health["fire_mode"] is False and health["fire_switch"] is True
    assert (health["pending_uploads"], health["rejected_uploads"], health["alarms"]) == (0, 0, [])

    # the link is cut and the snapshot outlives its expiry
    server.down = True
    edge_answer = app.edge.answer(key, read("card", CARD_ZHANG, "p-1"), NOW)
    assert edge_answer.status == 200
    assert not syncer.run_once()
    clock[0] = NOW + timedelta(seconds=settings.GATEHOUSE_EDGE_SNAPSHOT_TTL + 60)
    health = json.loads(get(edge.address + "/healthz")[2])
    assert health["online"] is False and health["last_reached"] == NOW.isoformat()
    assert health["snapshot_usable"] is False
    assert health["snapshot_problem_code"] == "snapshot.expired"
    assert health["snapshot_schema"] == 2  # the server's snapshot carries issue 17's rules
    assert "过期" in health["snapshot_problem"]
    assert health["snapshot_age_seconds"] >= settings.GATEHOUSE_EDGE_SNAPSHOT_TTL
    assert health["pending_uploads"] == 1
    # the expiry was alarmed as soon as the status was looked at, waiting for the server
    [alarm] = health["alarms"]
    assert alarm["code"] == "snapshot.expired" and alarm["sent"] is False
    assert health["pending_alarms"] == 1

    status, content_type, html = get(edge.address + "/")
    assert status == 200 and content_type.startswith("text/html")
    assert "离线（本地判定）" in html and "不可用" in html and "过期" in html
    assert "始终放行" in html and "待发送" in html
    assert "http://" not in html.replace(edge.address, "") and "https://" not in html
    assert "location.replace" in html  # refreshes itself


def test_fire_switch_by_form_and_by_json(running, store, syncer):
    edge, _app, _clock = running
    syncer.run_once()
    form = urllib.parse.urlencode({"on": "1", "pin": "0000", "by": "张三"}).encode()
    status, body = post(edge.address + "/fire", form, "application/x-www-form-urlencoded")
    assert status == 403 and "口令不正确" in body.decode()
    assert not store.fire and store.alarms() == []

    form = urllib.parse.urlencode({"on": "1", "pin": PIN, "by": "张三"}).encode()
    request = urllib.request.Request(edge.address + "/fire", data=form, method="POST")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    with pytest.raises(urllib.error.HTTPError) as redirected:
        urllib.request.build_opener(NoRedirect).open(request, timeout=5)
    assert redirected.value.code == 303 and redirected.value.headers["Location"] == "/"
    assert store.fire
    html = get(edge.address + "/")[2]
    assert "消防应急模式已开启" in html and "关闭消防应急模式" in html

    status, body = post(edge.address + "/fire", b'{"on": "yes"}', "application/json")
    assert status == 422 and json.loads(body)["code"] == "fire.invalid"
    payload = json.dumps({"on": False, "pin": PIN}).encode()
    status, body = post(edge.address + "/fire", payload, "application/json")
    assert status == 200 and json.loads(body) == {"fire_mode": False}
    assert [a.code for a in store.alarms(pending=True)] == ["edge.fire_on", "edge.fire_off"]


def test_fire_subcommand_switches_the_running_edge(running, store, syncer):
    edge, _app, _clock = running
    syncer.run_once()
    command = [sys.executable, "-m", "gatehouse_edge", "fire", "on", "--edge", edge.address]
    wrong = subprocess.run([*command, "--pin", "0000"], capture_output=True, text=True, cwd=ROOT)
    assert wrong.returncode == 1 and "口令不正确" in wrong.stderr
    done = subprocess.run(
        [*command, "--pin", PIN, "--by", "李四"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert "已开启" in done.stdout and store.fire
    assert "李四" in store.alarms()[0].message


@pytest.mark.e2e
def test_guard_reads_the_outage_and_switches_fire_mode_in_a_browser(
    browser,  # noqa: F811
    running,
    syncer,
    store,
    server,
    settings,
):
    # S-13, §12: what the guard sees at the booth PC during an outage
    edge, _app, clock = running
    assert syncer.run_once()
    page = browser.new_page()
    page.goto(edge.address + "/")
    assert page.title() == "边缘网关状态"
    assert page.locator("#online .big").inner_text() == "在线"
    assert page.locator("#snapshot .big").inner_text() == "可用"

    server.down = True
    syncer.run_once()
    clock[0] = NOW + timedelta(seconds=settings.GATEHOUSE_EDGE_SNAPSHOT_TTL + 60)
    # the page reloads itself: no action by the guard
    page.locator("#online .big").filter(has_text="离线").wait_for(timeout=15_000)
    assert page.locator("#snapshot .big").inner_text() == "不可用"
    assert "过期" in page.locator("#snapshot-banner").inner_text()
    assert "待发送" in page.locator("#alarms").inner_text()

    page.fill("input[name=by]", "张三")
    page.fill("#pin", "0000")
    page.click("#fire-switch button")
    assert "口令不正确" in page.locator("#problem").inner_text()
    assert not store.fire
    page.fill("#pin", PIN)
    page.click("#fire-switch button")
    page.locator("#fire-banner").wait_for(timeout=5_000)
    assert page.locator("#fire .big").inner_text() == "已开启"
    assert store.fire
    assert "消防应急模式" in page.locator("#alarms").inner_text()
    page.close()
