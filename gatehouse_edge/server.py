"""The edge's HTTP server for devices: ``POST /api/v1/gate/decisions`` as the server has it
(same body, same ``X-Device-Key``), so a device moves to the edge by changing one address.

Online, a read is forwarded to the server and its answer relayed; if the server does not answer
within ``forward_timeout`` seconds (or fails), the edge decides itself
(:class:`gatehouse_edge.offline.Edge`). ``GET /healthz`` says whether the server was last
reached, the snapshot's cursor and freshness and the journal's backlog.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from gatehouse_edge.client import Client, ServerUnreachable
from gatehouse_edge.offline import Edge, Reply, error
from gatehouse_edge.sync import Syncer

logger = logging.getLogger("gatehouse_edge")

DECISIONS = "/api/v1/gate/decisions"
MAX_BODY = 64 * 1024


class EdgeApp:
    """What the HTTP handler serves: forwarding, the local decision and the status."""

    def __init__(
        self,
        edge: Edge,
        client: Client | None,
        syncer: Syncer | None,
        clock: Callable[[], datetime],
        *,
        forward_timeout: float = 1.5,
    ) -> None:
        self.edge = edge
        self.client = client
        self.syncer = syncer
        self.clock = clock
        self.forward_timeout = forward_timeout

    def decision(self, key: str | None, body: bytes) -> tuple[int, bytes]:
        if self.client is not None and key:
            try:
                reply = self.client.forward_decision(body, key, self.forward_timeout)
                return reply.status, reply.body
            except ServerUnreachable as exc:
                logger.info("server unreachable (%s): deciding at the edge", exc)
        answer = self.edge.answer(key, body, self.clock())
        return answer.status, answer.bytes()

    def status(self) -> dict[str, Any]:
        store = self.edge.store
        now = self.clock()
        fresh = store.freshness(now)
        return {
            "online": bool(self.syncer and self.syncer.online),
            "last_sync": (
                self.syncer.last_sync.isoformat() if self.syncer and self.syncer.last_sync else None
            ),
            "cursor": store.cursor,
            "snapshot_issued_at": store.meta.get("issued_at"),
            "snapshot_usable": fresh.usable,
            "snapshot_problem": fresh.problem,
            "pending_uploads": store.pending_count(),
        }


def make_handler(app: EdgeApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "gatehouse-edge"
        protocol_version = "HTTP/1.1"
        # The headers and the body are two writes: without TCP_NODELAY a keep-alive device
        # waits for its own delayed ACK (~40 ms) before the body leaves.
        disable_nagle_algorithm = True

        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            if self.path.split("?", 1)[0] != DECISIONS:
                self._send(*_reply(error(404, "not_found", "未找到该接口")))
                return
            raw = self.headers.get("Content-Length") or "0"
            length = int(raw) if raw.isascii() and raw.isdigit() else -1
            if not 0 <= length <= MAX_BODY:
                self.close_connection = True  # the body is not read: the connection ends
                self._send(*_reply(error(413, "request.too_large", "请求内容过大或长度无效")))
                return
            body = self.rfile.read(length)
            self._send(*app.decision(self.headers.get("X-Device-Key"), body))

        def do_GET(self) -> None:
            if self.path.split("?", 1)[0] != "/healthz":
                self._send(*_reply(error(404, "not_found", "未找到该接口")))
                return
            self._send(200, json.dumps(app.status(), ensure_ascii=False).encode("utf-8"))

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("%s " + format, self.address_string(), *args)

    return Handler


def _reply(reply: Reply) -> tuple[int, bytes]:
    return reply.status, reply.bytes()


class EdgeServer:
    """The HTTP server in a thread (tests, and the CLI's main loop)."""

    def __init__(self, app: EdgeApp, host: str, port: int) -> None:
        self.httpd = ThreadingHTTPServer((host, port), make_handler(app))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def address(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> EdgeServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
