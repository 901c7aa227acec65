"""The link between an edge agent and the server, as a small HTTP relay on 127.0.0.1 that a
benchmark or a test can cut (``bench/bench_edge.py``, ``tests/edge/test_edge_process.py``).

* ``cut``: every request is dropped without an answer, as when the network is down.
* ``block_decisions``: device reads the edge forwards (``/api/v1/gate/decisions``) are answered
  503 at once, as by a server that does not answer them, so the edge decides itself; the
  edge's own calls (snapshot, journal, alarms) pass.

Otherwise each request is relayed to ``target`` with its device key, content type and body.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PASSED_HEADERS = ("x-device-key", "content-type", "accept")


class Relay:
    def __init__(self, target: str, timeout: float = 30) -> None:
        self.target, self.timeout = target, timeout
        self.cut = False
        self.block_decisions = False
        relay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body are two writes

            def _relay(self) -> None:
                if relay.cut:
                    self.close_connection = True
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if relay.block_decisions and self.path.startswith("/api/v1/gate/decisions"):
                    status, data = 503, b'{"code":"unavailable"}'
                else:
                    status, data = relay.forward(self.command, self.path, self.headers, body)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _relay

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def forward(
        self, method: str, path: str, headers: Message, body: bytes | None
    ) -> tuple[int, bytes]:
        passed = {k: v for k, v in headers.items() if k.lower() in PASSED_HEADERS}
        request = urllib.request.Request(
            self.target + path, data=body, method=method, headers=passed
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
