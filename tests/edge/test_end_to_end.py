"""End to end (issue 15 §Tests): a real server (Django's live server) and the edge's real HTTP
server on 127.0.0.1; a device posts to the edge. Online the edge relays the server's answer;
with the link cut (the server's address refuses, or answers too late) it decides itself and
journals; back online the journal drains and the events appear with their edge time; a card
revoked on the server reaches the edge by delta."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime

import pytest

from gatehouse.access.models import AccessEvent
from gatehouse.core import signed
from gatehouse.people import services as people
from gatehouse_edge.client import Client
from gatehouse_edge.offline import Edge
from gatehouse_edge.server import EdgeApp, EdgeServer
from gatehouse_edge.store import Store
from gatehouse_edge.sync import Syncer
from tests.conftest import CARD_ZHANG, NOW
from tests.edge.conftest import PUBLIC, read

pytestmark = pytest.mark.django_db(transaction=True)


def post(url: str, key: str, body: bytes) -> tuple[int, dict]:
    request = urllib.request.Request(
        url + "/api/v1/gate/decisions",
        data=body,
        method="POST",
        headers={"X-Device-Key": key, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def refusing_address() -> str:
    """An address of this machine where nothing listens (connection refused at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def silent_server():
    """A server that takes the connection and never answers (a hung link)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    yield f"http://127.0.0.1:{s.getsockname()[1]}"
    s.close()


def test_edge_relays_online_decides_offline_and_drains_its_journal(
    live_server, tmp_path, site_a, edge_device, turnstile_key, card_a, manager_a, silent_server
):
    _device, device_key = turnstile_key

    def clock() -> datetime:
        return datetime.now(UTC)

    store = Store(
        tmp_path / "edge.sqlite3", site_id=site_a.pk, public_key=signed.public_key(PUBLIC)
    )
    client = Client(live_server.url, edge_device[1], timeout=5.0)
    syncer = Syncer(store, client, clock)
    app = EdgeApp(Edge(store), client, syncer, clock, forward_timeout=0.5)
    edge = EdgeServer(app, "127.0.0.1", 0).start()
    try:
        assert syncer.run_once()
        # 1. Online: the server decides and records; the edge journals nothing.
        status, online = post(edge.address, device_key, read("card", CARD_ZHANG, "e2e-1"))
        assert status == 200 and online["reason"] == "resident.card"
        assert online["event_id"] > 0 and "decided_at_edge" not in online
        assert store.pending_count() == 0

        # 2. The link is cut: refused at once, then hung. The edge decides within its timeout.
        client.base_url = refusing_address()
        status, offline = post(edge.address, device_key, read("card", CARD_ZHANG, "e2e-2"))
        assert status == 200 and offline["reason"] == "resident.card"
        assert offline["decided_at_edge"] is True and offline["event_id"] < 0
        client.base_url = silent_server
        started = time.monotonic()
        status, hung = post(edge.address, device_key, read("card", "FFEEDDCC", "e2e-3"))
        assert time.monotonic() - started < 5
        assert status == 200 and hung["reason"] == "credential.unknown"  # rule P-11
        assert not syncer.run_once()
        health = json.loads(urllib.request.urlopen(edge.address + "/healthz", timeout=5).read())
        assert health["online"] is False and health["pending_uploads"] == 2

        # 3. Back online: the journal drains, the events carry the edge's time, once.
        client.base_url = live_server.url
        before = AccessEvent.objects.count()
        assert syncer.run_once()
        assert store.pending_count() == 0
        events = list(AccessEvent.objects.order_by("id")[before:])
        assert [e.reason for e in events] == ["resident.card", "credential.unknown"]
        told = [datetime.fromisoformat(offline["at"]), datetime.fromisoformat(hung["at"])]
        assert [
            abs(e.at - t).total_seconds() < 0.001 for e, t in zip(events, told, strict=True)
        ] == [1, 1]
        assert syncer.run_once() and AccessEvent.objects.count() == before + 2

        # 4. A card revoked on the server reaches the edge by delta and is refused offline.
        people.credential_set_status(credential=card_a, status="revoked", actor=manager_a, now=NOW)
        assert syncer.run_once()
        client.base_url = refusing_address()
        status, revoked = post(edge.address, device_key, read("card", CARD_ZHANG, "e2e-4"))
        assert (revoked["outcome"], revoked["reason"]) == (
            "refuse",
            "credential.revoked",
        )  # rule P-03
    finally:
        edge.stop()
        store.close()


def test_edge_http_refuses_what_is_not_a_read(tmp_path, site_a, edge_device, syncer, store):
    syncer.pull()
    app = EdgeApp(Edge(store), None, None, lambda: NOW)
    edge = EdgeServer(app, "127.0.0.1", 0).start()
    try:
        request = urllib.request.Request(edge.address + "/api/v1/other", data=b"{}", method="POST")
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(request, timeout=5)
        assert missing.value.code == 404
        assert json.loads(missing.value.read())["code"] == "not_found"
        big = urllib.request.Request(
            edge.address + "/api/v1/gate/decisions", data=b"x" * 70_000, method="POST"
        )
        with pytest.raises(urllib.error.HTTPError) as too_large:
            urllib.request.urlopen(big, timeout=5)
        assert too_large.value.code == 413
    finally:
        edge.stop()
