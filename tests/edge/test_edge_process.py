"""The edge as the gate box runs it (issue 15 §Tests): ``python -m gatehouse_edge`` as its own
process, a real server behind a link the test can cut (``bench/relay.py``, shared with the
benchmark), a device posting to the edge. Offline decisions are answered, the edge is killed
with SIGKILL and started again, the link comes back, and the journal drains: every answer the
device got is an event, once.

The edge process keeps its own clock, as a gate box does: the test keeps the machine's clock
(``real_clock``) so the server and the edge agree on the time."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from bench.relay import Relay
from gatehouse.access.models import AccessEvent
from tests.conftest import CARD_ZHANG
from tests.edge.conftest import PUBLIC, read

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_clock]

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_edge(relay: Relay, edge_key: str, site_id: int, db: Path, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gatehouse_edge",
            "--server",
            relay.url,
            "--site",
            str(site_id),
            "--db",
            str(db),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--forward-timeout",
            "3",  # a busy CI machine answers the first decision in more than 0.5 s
            "--sync-interval",
            "0.2",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "GATEHOUSE_EDGE_KEY": edge_key,
            "GATEHOUSE_EDGE_PUBLIC_KEY": PUBLIC,
            "GATEHOUSE_EDGE_FIRE_PIN": FIRE_PIN,
        },
        stdout=subprocess.DEVNULL,
        stderr=(db.parent / "edge.log").open("ab"),  # a pipe nobody reads would fill up
    )


FIRE_PIN = "1357"


def fire(port: int, on: bool) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/fire",
        data=json.dumps({"on": on, "pin": FIRE_PIN, "by": "测试"}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def status(port: int) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
            return json.loads(r.read())
    except OSError:
        return None


# Pauses are an Event's wait, never time.sleep (nor a subprocess wait with a timeout, which
# sleeps): under CI's shifted clock (libfaketime) time.sleep fails with EINVAL.
_PAUSE = threading.Event()


def wait_for(port: int, check, what: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = status(port)
        if found is not None and check(found):
            return found
        _PAUSE.wait(0.1)
    raise AssertionError(f"the edge did not get {what}: {status(port)}")


def post(port: int, key: str, body: bytes) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/gate/decisions",
        data=body,
        method="POST",
        headers={"X-Device-Key": key, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        while process.poll() is None and time.monotonic() < deadline:
            _PAUSE.wait(0.05)
        if process.poll() is None:
            process.kill()
            process.wait()


def test_edge_process_survives_a_kill_offline_and_drains_when_the_link_returns(
    live_server, tmp_path, site_a, edge_device, turnstile_key, card_a
):
    relay = Relay(live_server.url, timeout=10)
    db, port = tmp_path / "edge.sqlite3", free_port()
    _device, device_key = turnstile_key
    edge = start_edge(relay, edge_device[1], site_a.pk, db, port)
    try:
        wait_for(port, lambda s: s["online"] and s["cursor"], "its snapshot")
        online = post(port, device_key, read("card", CARD_ZHANG, "p-1"))
        assert online["event_id"] > 0 and online["reason"] == "resident.card"

        relay.cut = True
        wait_for(port, lambda s: not s["online"], "the cut")
        told = [post(port, device_key, read("card", CARD_ZHANG, f"p-{n}")) for n in range(2, 7)]
        assert all(t["decided_at_edge"] and t["reason"] == "resident.card" for t in told)
        assert fire(port, True) == {"fire_mode": True}  # S-13: switched on while offline

        edge.send_signal(signal.SIGKILL)  # the power goes during offline work
        edge.wait()
        edge = start_edge(relay, edge_device[1], site_a.pk, db, port)
        back = wait_for(port, lambda s: s["pending_uploads"] == 5, "its journal back")
        # the fire mode and its alarm survive the kill; the guard's page is served
        assert back["fire_mode"] is True and back["pending_alarms"] >= 1
        assert [a["code"] for a in back["alarms"]] == ["edge.fire_on"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
            assert "消防应急模式已开启" in page.read().decode("utf-8")
        assert fire(port, False) == {"fire_mode": False}

        before = AccessEvent.objects.count()
        relay.cut = False
        wait_for(port, lambda s: s["online"] and s["pending_uploads"] == 0, "the journal drained")
        events = AccessEvent.objects.order_by("id")[before:]
        assert [e.reason for e in events] == ["resident.card"] * 5
        assert AccessEvent.objects.count() == before + 5  # none lost, none twice
    finally:
        stop(edge)
        relay.stop()
    log = (tmp_path / "edge.log").read_text(errors="replace")
    assert edge.returncode == 0, log  # SIGTERM stops it cleanly
    assert "serving devices on http://127.0.0.1" in log


def test_cli_refuses_to_start_without_its_settings(tmp_path):
    run = subprocess.run(  # no timeout: it would sleep (see _PAUSE); the CLI exits at once
        [sys.executable, "-m", "gatehouse_edge", "--db", str(tmp_path / "x.sqlite3")],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert "--server" in run.stderr and "--key" in run.stderr and "--public-key" in run.stderr


def test_the_gate_box_requirements_pin_what_the_server_pins():
    def pins(name: str) -> dict[str, str]:
        lines = (ROOT / name).read_text().splitlines()
        found = [line.split("#")[0].strip() for line in lines]
        return dict(line.split("==", 1) for line in found if "==" in line)

    edge, server = pins("requirements-edge.txt"), pins("requirements.txt")
    assert edge and all(server.get(name) == version for name, version in edge.items())
    assert not any(name.lower().startswith("django") for name in edge)
