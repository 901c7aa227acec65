"""The edge's calls to the server, with the standard library's HTTP client: forward a device's
read (short timeout), fetch the snapshot or its delta, upload the journal."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any


class ServerUnreachable(Exception):
    """No answer from the server in time (refused, timed out, broken, or a 5xx)."""


@dataclass(frozen=True)
class ServerReply:
    status: int
    body: bytes
    content_type: str

    def json(self) -> Any:
        return json.loads(self.body)


#: A full snapshot of a large site takes the server several seconds to build (8–16 s for 50,000
#: people the first time, bench/RESULTS.md): its request waits this long, not the default.
SNAPSHOT_TIMEOUT = 120.0


class Client:
    """The server at ``base_url`` (``http://host:port``), as the edge ``edge_key`` calls it."""

    def __init__(self, base_url: str, edge_key: str, *, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.edge_key = edge_key
        self.timeout = timeout

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
        request = urllib.request.Request(  # noqa: S310 (the configured server's http(s) URL)
            self.base_url + path,
            data=body,
            method=method,
            headers={
                "X-Device-Key": key if key is not None else self.edge_key,
                "Content-Type": "application/json",
                "Accept": "application/json",
                **(headers or {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:  # noqa: S310
                return ServerReply(
                    response.status, response.read(), response.headers.get("Content-Type", "")
                )
        except urllib.error.HTTPError as exc:
            reply = ServerReply(exc.code, exc.read(), exc.headers.get("Content-Type", ""))
            if exc.code >= 500:
                raise ServerUnreachable(f"server answered {exc.code}") from exc
            return reply
        except (OSError, TimeoutError) as exc:  # URLError is an OSError
            raise ServerUnreachable(str(exc)) from exc

    def forward_decision(
        self,
        body: bytes,
        device_key: str,
        timeout: float,
        path: str = "/api/v1/gate/decisions",
    ) -> ServerReply:
        """A device's read, passed on as it came (the device's own key authenticates it)."""
        return self._call("POST", path, body=body, key=device_key, timeout=timeout)

    def snapshot(self, since: int | None, health: dict[str, str] | None = None) -> ServerReply:
        """The snapshot or its delta; ``health``: the ``X-Edge-*`` headers that report the
        edge's state to the server (its devices page)."""
        query = "" if since is None else f"?since={since}"
        # a full snapshot of a large site takes the server seconds to build; a delta does not,
        # and a hung server must not hold the sync loop (uploads, alarms) for two minutes
        timeout = SNAPSHOT_TIMEOUT if since is None else self.timeout
        return self._call("GET", f"/api/v1/edge/snapshot{query}", headers=health, timeout=timeout)

    def alarms(self, alarms: list[dict[str, Any]]) -> ServerReply:
        """``POST /api/v1/edge/alarms`` ``{"alarms": [{seq, code, message, at}]}``."""
        body = json.dumps({"alarms": alarms}, ensure_ascii=False).encode("utf-8")
        return self._call("POST", "/api/v1/edge/alarms", body=body)

    def upload(self, entries: list[dict[str, Any]]) -> ServerReply:
        body = json.dumps({"entries": entries}, ensure_ascii=False).encode("utf-8")
        return self._call("POST", "/api/v1/edge/journal", body=body)
