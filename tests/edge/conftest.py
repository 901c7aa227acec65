"""The edge agent's tests: site A's edge (a device of kind ``edge``), a turnstile behind it, and
an edge store in a temporary SQLite file. ``DjangoClient`` lets the edge talk to the server
through Django's test client (no socket); the end-to-end test uses a real server instead."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client as TestClient

from gatehouse.core import signed
from gatehouse.devices.models import Device
from gatehouse.devices.services import device_issue_key
from gatehouse_edge.client import Client, ServerReply, ServerUnreachable
from gatehouse_edge.offline import Edge
from gatehouse_edge.store import Store
from gatehouse_edge.sync import Syncer
from tests.campus.conftest import (  # noqa: F401 (the campus fixtures, T3 tests here)
    people,
    school,
    school_lanes,
    school_manager,
)
from tests.conftest import NOW
from tests.epidemic.conftest import grids_a, officer_a  # noqa: F401 (the grids, M-03 here)

#: A fixed test seed (never a real key): the server's snapshot key in these tests.
SEED = base64.b64encode(bytes(range(32))).decode()
PUBLIC = signed.public_key_b64(signed.private_key(SEED))


@pytest.fixture(autouse=True)
def _edge_key(settings):
    settings.GATEHOUSE_EDGE_SIGNING_KEY = SEED
    settings.GATEHOUSE_EDGE_COMPARE_SECONDS = 0  # every request compares (one test sets it)


ALARMS = "/api/v1/edge/alarms"


class DjangoClient(Client):
    """The edge's client, answered by Django's test client in process; ``down`` makes the
    server unreachable (the link is cut).

    ``POST /api/v1/edge/alarms`` is the other half of issue 15's work: every alarm posted is
    kept in ``received`` (by ``seq``, the first time); until the server has the endpoint
    (Django answers 404), this client answers as the protocol says (``recorded`` the first
    time, ``replayed`` after). ``alarms_down`` makes it answer 503 instead."""

    def __init__(self, edge_key: str) -> None:
        super().__init__("http://testserver", edge_key)
        self.django = TestClient()
        self.down = False
        self.alarms_down = False
        self.calls: list[str] = []
        self.sent_headers: list[dict[str, str]] = []
        self.received: dict[int, dict[str, Any]] = {}
        self.answered: set[int] = set()

    def _fake_alarms(self, body: bytes) -> ServerReply:
        results = [
            {
                "seq": alarm["seq"],
                "status": "replayed" if alarm["seq"] in self.answered else "recorded",
            }
            for alarm in json.loads(body)["alarms"]
        ]
        self.answered.update(r["seq"] for r in results)
        return ServerReply(200, json.dumps({"results": results}).encode(), "application/json")

    def _call(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        key: str | None = None,
        timeout: float | None = None,
        headers: dict[str, str] | None = None,
    ) -> ServerReply:
        self.calls.append(f"{method} {path}")
        if self.down:
            raise ServerUnreachable("link cut (test)")
        if path == ALARMS and self.alarms_down:
            raise ServerUnreachable("server answered 503")
        self.sent_headers.append(dict(headers or {}))
        if path == ALARMS:
            for alarm in json.loads(body or b"{}").get("alarms", []):
                self.received.setdefault(alarm["seq"], alarm)
        headers = {"X-Device-Key": key if key is not None else self.edge_key, **(headers or {})}
        if method == "GET":
            response = self.django.get(path, headers=headers)
        else:
            response = self.django.post(
                path, body or b"", content_type="application/json", headers=headers
            )
        if response.status_code >= 500:
            raise ServerUnreachable(f"server answered {response.status_code}")
        if path == ALARMS and response.status_code == 404:
            return self._fake_alarms(body or b"")
        return ServerReply(response.status_code, response.content, response["Content-Type"])


@pytest.fixture
def edge_device(site_a, manager_a) -> tuple[Device, str]:
    device = Device.objects.create(site=site_a, name="东门边缘网关", kind="edge")
    return device, device_issue_key(device=device, actor=manager_a, now=NOW - timedelta(days=1))


@pytest.fixture
def turnstile_key(site_a, manager_a, lanes_a) -> tuple[Device, str]:
    """A turnstile of site A, not bound to a lane (its reads name one), and its key."""
    device = Device.objects.create(site=site_a, name="东门人行闸机", kind="turnstile")
    return device, device_issue_key(device=device, actor=manager_a, now=NOW - timedelta(days=1))


@pytest.fixture
def store(tmp_path, site_a):
    s = Store(tmp_path / "edge.sqlite3", site_id=site_a.pk, public_key=signed.public_key(PUBLIC))
    yield s
    s.close()


@pytest.fixture
def server(edge_device) -> DjangoClient:
    return DjangoClient(edge_device[1])


@pytest.fixture
def syncer(store, server) -> Syncer:
    return Syncer(store, server, lambda: NOW)


@pytest.fixture
def edge(store) -> Edge:
    return Edge(store)


def read(kind: str, value: str, nonce: str, lane: str = "east/walk-in", **extra: Any) -> bytes:
    body = {"lane": lane, "credential": {"kind": kind, "value": value}, "nonce": nonce, **extra}
    return json.dumps(body).encode()
