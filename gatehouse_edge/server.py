"""The edge's HTTP server for devices: ``POST /api/v1/gate/decisions`` as the server has it
(same body, same ``X-Device-Key``), so a device moves to the edge by changing one address.

Online, a read is forwarded to the server and its answer relayed; if the server does not answer
within ``forward_timeout`` seconds (or fails), the edge decides itself
(:class:`gatehouse_edge.offline.Edge`). While the fire mode is on, a read at an exit lane is
admitted at once without asking the server (S-13).

For the guard: ``GET /`` is a Chinese status page (self-contained, refreshed every few seconds)
and ``GET /healthz`` the same as JSON: whether the server was last reached, the snapshot's age
and whether it is usable, the journal's backlog and rejections, the fire mode and the alarms.
``POST /fire`` switches the fire mode with the PIN (a form from the page, or JSON
``{"on": true, "pin": "…", "by": "…"}``).

``POST /api/v1/vehicle/decisions`` (a barrier's generic read) is relayed to the server; the
edge does not decide vehicles offline (:meth:`EdgeApp.vehicle_decision`).
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
import urllib.parse
from collections.abc import Callable
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from gatehouse.core.edge import when
from gatehouse_edge.client import Client, ServerUnreachable
from gatehouse_edge.offline import UNAUTHENTICATED, Edge, Reply, error
from gatehouse_edge.status_page import render
from gatehouse_edge.sync import Syncer

logger = logging.getLogger("gatehouse_edge")

DECISIONS = "/api/v1/gate/decisions"
#: A barrier's generic vehicle read: relayed to the server, never decided at the edge.
VEHICLE_DECISIONS = "/api/v1/vehicle/decisions"
FIRE = "/fire"
MAX_BODY = 64 * 1024
#: Wrong PINs allowed before the fire switch locks for :data:`PIN_LOCK`.
PIN_TRIES = 5
PIN_LOCK = timedelta(minutes=1)
#: Addresses whose wrong PINs are counted at once (a flood of addresses is not remembered).
MAX_PIN_CLIENTS = 256


class FireSwitchRefused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


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
        fire_pin: str | None = None,
    ) -> None:
        self.edge = edge
        self.client = client
        self.syncer = syncer
        self.clock = clock
        self.forward_timeout = forward_timeout
        self.fire_pin = fire_pin or None
        #: per client address: wrong PINs so far, and the end of its lock
        self.pin_tries: dict[str, tuple[int, datetime | None]] = {}
        self.pin_lock = threading.Lock()

    def decision(self, key: str | None, body: bytes) -> tuple[int, bytes]:
        if self.edge.at_fire_exit(key, body):  # S-13: the exit opens now, no forwarding
            answer = self.edge.answer(key, body, self.clock())
            return answer.status, answer.bytes()
        if self.client is not None and key:
            try:
                reply = self.client.forward_decision(body, key, self.forward_timeout)
                return reply.status, reply.body
            except ServerUnreachable as exc:
                logger.info("server unreachable (%s): deciding at the edge", exc)
        answer = self.edge.answer(key, body, self.clock())
        return answer.status, answer.bytes()

    def vehicle_decision(self, key: str | None, body: bytes) -> tuple[int, bytes]:
        """A barrier's read (``POST /api/v1/vehicle/decisions``), relayed to the server. The edge
        keeps no vehicles, stays or tariffs, so offline it does not guess: 503
        ``edge.vehicle_offline`` (the barrier stays down; the guard lifts it by hand and keeps
        the paper register). Plate cameras keep pushing to the server and buffer their own
        records while it is down (the camera's 断线重传), so they are not pointed at the edge."""
        if self.client is not None and key:
            try:
                reply = self.client.forward_decision(
                    body, key, self.forward_timeout, path=VEHICLE_DECISIONS
                )
                return reply.status, reply.body
            except ServerUnreachable as exc:
                logger.info("server unreachable (%s): vehicle read not decided", exc)
        if not key:
            return _reply(error(401, *UNAUTHENTICATED))
        return _reply(
            error(
                503,
                "edge.vehicle_offline",
                "服务器暂不可达，边缘网关不判定车辆通行：请值班员人工核验后抬杆，并纸质登记",
            )
        )

    def switch_fire(self, on: bool, pin: str, by: str = "", client: str = "") -> bool:
        """Switch the fire mode (S-13) if ``pin`` is the configured PIN; the mode now. Raises
        :class:`FireSwitchRefused` (``fire.disabled`` without a PIN configured, ``fire.pin``, and
        ``fire.locked`` for a minute after :data:`PIN_TRIES` wrong ones from the same address
        ``client``: a machine guessing on the LAN locks itself out, not the booth, and the
        monitoring centre hears of it)."""
        now = self.clock()
        if self.fire_pin is None:
            raise FireSwitchRefused(
                409, "fire.disabled", "未设置消防模式口令（GATEHOUSE_EDGE_FIRE_PIN），无法切换"
            )
        with self.pin_lock:
            for address in [
                a for a, (_n, until) in self.pin_tries.items() if until and until <= now
            ]:
                del self.pin_tries[address]  # a lock served: that address starts afresh
            wrong, until = self.pin_tries.get(client, (0, None))
            if until is not None:
                raise FireSwitchRefused(429, "fire.locked", "口令错误次数过多，请一分钟后再试")
            if not hmac.compare_digest(pin.encode("utf-8"), self.fire_pin.encode("utf-8")):
                wrong += 1
                if wrong >= PIN_TRIES:
                    self.pin_tries[client] = (0, now + PIN_LOCK)
                    self.edge.store.raise_alarm(
                        "fire.pin_locked",
                        f"消防模式口令连续输错 {PIN_TRIES} 次（来源 {client or '本机'}），"
                        "该来源已锁定一分钟",
                        now=now,
                    )
                elif len(self.pin_tries) < MAX_PIN_CLIENTS or client in self.pin_tries:
                    self.pin_tries[client] = (wrong, None)
                raise FireSwitchRefused(403, "fire.pin", "口令不正确")
            self.pin_tries.pop(client, None)
        self.edge.store.set_fire(on, now=now, by=by[:40])
        return self.edge.store.fire

    def status(self) -> dict[str, Any]:
        store = self.edge.store
        now = self.clock()
        store.watch(now)  # an expiry is alarmed as soon as anyone looks, online or not
        fresh = store.freshness(now)
        syncer = self.syncer
        issued = when(store.meta.get("issued_at"))
        alarms = store.alarms(limit=10)
        return {
            "now": now.isoformat(),
            "online": bool(syncer and syncer.online),
            "last_reached": _iso(syncer.last_reached if syncer else None),
            "last_sync": _iso(syncer.last_sync if syncer else None),
            "last_error": syncer.last_error if syncer else "",
            "cursor": store.cursor,
            "snapshot_schema": store.schema,  # 2: carries M-03 and T3-01 (issue 17)
            "snapshot_issued_at": store.meta.get("issued_at"),
            "snapshot_expires_at": store.meta.get("expires_at"),
            "snapshot_age_seconds": (
                max(0, int((now - issued).total_seconds())) if issued is not None else None
            ),
            "snapshot_usable": fresh.usable,
            "snapshot_problem": fresh.problem,
            "snapshot_problem_code": fresh.code,
            "pending_uploads": store.pending_count(),
            "rejected_uploads": store.rejected_count(),
            "fire_mode": store.fire,
            "fire_since": store.meta.get("fire_since") if store.fire else None,
            "fire_switch": self.fire_pin is not None,
            "pending_alarms": len(store.alarms(pending=True, limit=1000)),
            "alarms": [
                {
                    "seq": a.seq,
                    "code": a.code,
                    "message": a.message,
                    "at": a.at,
                    "sent": a.sent_at is not None,
                }
                for a in alarms
            ],
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def make_handler(app: EdgeApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "gatehouse-edge"
        protocol_version = "HTTP/1.1"
        # The headers and the body are two writes: without TCP_NODELAY a keep-alive device
        # waits for its own delayed ACK (~40 ms) before the body leaves.
        disable_nagle_algorithm = True

        def _send(
            self,
            status: int,
            body: bytes,
            content_type: str = "application/json; charset=utf-8",
            extra: dict[str, str] | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _page(self, status: int, notice: str = "", problem: str = "") -> None:
            html = render(app.status(), notice=notice, problem=problem)
            self._send(status, html.encode("utf-8"), "text/html; charset=utf-8")

        def do_POST(self) -> None:
            path = self.path.split("?", 1)[0]
            if path not in (DECISIONS, VEHICLE_DECISIONS, FIRE):
                self._send(*_reply(error(404, "not_found", "未找到该接口")))
                return
            raw = self.headers.get("Content-Length") or "0"
            length = int(raw) if raw.isascii() and raw.isdigit() else -1
            if not 0 <= length <= MAX_BODY:
                self.close_connection = True  # the body is not read: the connection ends
                self._send(*_reply(error(413, "request.too_large", "请求内容过大或长度无效")))
                return
            body = self.rfile.read(length)
            if path == FIRE:
                self._fire(body)
                return
            if path == VEHICLE_DECISIONS:
                self._send(*app.vehicle_decision(self.headers.get("X-Device-Key"), body))
                return
            self._send(*app.decision(self.headers.get("X-Device-Key"), body))

        def _fire(self, body: bytes) -> None:
            as_json = (self.headers.get("Content-Type") or "").startswith("application/json")
            fields = _fire_fields(body, as_json)
            if fields is None:
                reply = error(422, "fire.invalid", "请求应包含 on（开启/关闭）与 pin（口令）")
                if as_json:
                    self._send(*_reply(reply))
                else:
                    self._page(422, problem=reply.body["message"])
                return
            on, pin, by = fields
            try:
                now_on = app.switch_fire(on, pin, by, self.client_address[0])
            except FireSwitchRefused as exc:
                if as_json:
                    self._send(*_reply(error(exc.status, exc.code, exc.message)))
                else:
                    self._page(exc.status, problem=exc.message)
                return
            if as_json:
                self._send(200, json.dumps({"fire_mode": now_on}).encode("utf-8"))
            else:  # back to the page (a reload does not post again)
                self._send(303, b"", "text/plain; charset=utf-8", {"Location": "/"})

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/":
                self._page(200)
                return
            if path != "/healthz":
                self._send(*_reply(error(404, "not_found", "未找到该接口")))
                return
            self._send(200, json.dumps(app.status(), ensure_ascii=False).encode("utf-8"))

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("%s " + format, self.address_string(), *args)

    return Handler


def _reply(reply: Reply) -> tuple[int, bytes]:
    return reply.status, reply.bytes()


def _fire_fields(body: bytes, as_json: bool) -> tuple[bool, str, str] | None:
    """``(on, pin, by)`` from the page's form or a JSON body; None when malformed."""
    try:
        if as_json:
            data = json.loads(body)
            if not isinstance(data, dict):
                return None
            on, pin, by = data.get("on"), data.get("pin"), data.get("by", "")
            if not isinstance(on, bool):
                return None
        else:
            form = urllib.parse.parse_qs(body.decode("utf-8"))
            flag = form.get("on", [""])[0]
            if flag not in ("0", "1"):
                return None
            on, pin, by = flag == "1", form.get("pin", [""])[0], form.get("by", [""])[0]
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(pin, str) or not pin or not isinstance(by, str):
        return None
    return on, pin, by


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
