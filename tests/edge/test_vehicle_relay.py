"""A barrier pointed at the edge (issue 15): its generic vehicle read is relayed to the server
as it came, with the device's own key; offline the edge does not guess at vehicles (it keeps
no vehicles, stays or tariffs) and says so, and nothing is journaled."""

from __future__ import annotations

import json

from gatehouse_edge.client import ServerReply, ServerUnreachable
from gatehouse_edge.server import VEHICLE_DECISIONS, EdgeApp
from tests.conftest import NOW

BODY = json.dumps({"lane": "east/car-in", "plate": "京A12345", "nonce": "v-1"}).encode()


class StubServer:
    def __init__(self) -> None:
        self.down = False
        self.calls: list[tuple[str, bytes, str]] = []

    def forward_decision(
        self, body: bytes, device_key: str, timeout: float, path: str = "/api/v1/gate/decisions"
    ) -> ServerReply:
        if self.down:
            raise ServerUnreachable("link cut (test)")
        self.calls.append((path, body, device_key))
        return ServerReply(
            200, b'{"outcome": "allow", "plate": "\\u4eacA12345"}', "application/json"
        )


def test_a_vehicle_read_is_relayed_with_the_devices_key(edge, store):
    stub = StubServer()
    app = EdgeApp(edge, stub, None, lambda: NOW)  # type: ignore[arg-type]
    status, body = app.vehicle_decision("gd_barrier", BODY)
    assert status == 200 and json.loads(body)["outcome"] == "allow"
    assert stub.calls == [(VEHICLE_DECISIONS, BODY, "gd_barrier")]


def test_offline_a_vehicle_read_is_answered_503_and_nothing_is_journaled(edge, store):
    stub = StubServer()
    stub.down = True
    app = EdgeApp(edge, stub, None, lambda: NOW)  # type: ignore[arg-type]
    status, body = app.vehicle_decision("gd_barrier", BODY)
    answer = json.loads(body)
    assert status == 503 and answer["code"] == "edge.vehicle_offline"
    assert "人工" in answer["message"]
    assert store.pending_count() == 0
    status, body = app.vehicle_decision(None, BODY)
    assert status == 401 and json.loads(body)["code"] == "unauthenticated"
