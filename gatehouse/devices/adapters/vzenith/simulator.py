"""A lane camera that behaves like a Vzenith camera, over real HTTP (tests, bench, demo).

It does what the manual (《HTTP推送协议》) says the camera does, no more:

- a result seen while online is pushed at once (§2.1.1) and the reply obeyed: ``info: "ok"``
  (or ``ivs_ioctrl``) lifts the barrier, ``serialData`` frames go to the LED/voice board (read
  back with :func:`.led.decode`, a bad CRC is an error), ``playserver_json_request`` speaks; a
  reply without ``content: "retransfer_stop"``, or an HTTP error, is a failed push and is sent
  again, up to :data:`RETRIES` times (§1.1 item 9), then kept offline;
- a result seen while offline is buffered (``isoffline: 1``) and, once back online, the buffer
  drains one record at a time: the next goes only when the server answered the last with
  ``ContinuePushOffline {plateid: <that record>, continue: 1}`` (§2.1.2);
- :meth:`SimulatedCamera.poll` is one heartbeat of the comet polling (§2.5.2): a
  ``multipart/form-data`` POST of the device fields, the reply obeyed like a push's.

No Django here: the simulator talks to a server as a camera on the LAN would.
"""

from __future__ import annotations

import base64
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from gatehouse.devices.adapters.vzenith import led
from gatehouse.devices.adapters.vzenith.protocol import RETRANSFER_STOP, push

RETRIES = 4


class PushFailed(Exception):
    """The server did not take a push after every retry (the record stays buffered)."""


@dataclass
class Board:
    """What the LED/voice board and the barrier did."""

    lines: dict[int, str] = field(default_factory=dict)
    shown: list[tuple[int, str]] = field(default_factory=list)
    spoken: list[str] = field(default_factory=list)
    lifts: int = 0


class SimulatedCamera:
    """One camera: ``base_url`` of the server, and its push address ``token`` (``gc_…``) or its
    device ``key`` (``gd_…``, sent as ``X-Device-Key``)."""

    def __init__(
        self,
        base_url: str,
        *,
        serial: str,
        token: str = "",
        key: str = "",
        client: httpx.Client | None = None,
        first_id: int = 1,
    ):
        base = base_url.rstrip("/")
        if token:
            self.push_url = f"{base}/api/v1/cameras/{token}/plate"
            self.heartbeat_url = f"{base}/api/v1/cameras/{token}/heartbeat"
            headers = {}
        else:
            self.push_url = f"{base}/api/v1/cameras/vzenith"
            self.heartbeat_url = f"{base}/api/v1/cameras/vzenith/heartbeat"
            headers = {"X-Device-Key": key}
        self.client = client or httpx.Client(timeout=10, headers=headers)
        if client is not None:
            self.client.headers.update(headers)
        self.serial = serial
        self.online = True
        self.buffer: deque[dict[str, Any]] = deque()
        self.board = Board()
        self.next_id = first_id
        self.pushes = 0  # HTTP requests made for results (retries included)
        self.replies: list[dict[str, Any]] = []

    def close(self) -> None:
        self.client.close()

    # -- results -----------------------------------------------------------------------------

    def see(self, plate: str, at: datetime, **kw: Any) -> dict[str, Any] | None:
        """The camera recognises ``plate`` at ``at``: pushed now if online (the reply is
        returned), else buffered (None)."""
        body = push(self.serial, plate, self.next_id, at, offline=not self.online, **kw)
        self.next_id += 1
        if not self.online:
            self.buffer.append(body)
            return None
        try:
            return self._push(body)
        except PushFailed:
            # §2.1.2 item 1: a push that failed becomes an offline record.
            result = body["AlarmInfoPlate"]["result"]["PlateResult"]
            result["isoffline"] = 1
            self.buffer.append(body)
            return None

    def _push(self, body: dict[str, Any]) -> dict[str, Any]:
        for _ in range(1 + RETRIES):
            self.pushes += 1
            try:
                response = self.client.post(self.push_url, json=body)
            except httpx.TransportError:
                continue
            if response.status_code != 200:
                continue
            reply = response.json()
            answer = reply.get("Response_AlarmInfoPlate")
            if not isinstance(answer, dict) or answer.get("content") != RETRANSFER_STOP:
                continue
            self.replies.append(reply)
            self.apply(answer)
            return reply
        raise PushFailed(f"{self.push_url}: no answer after {RETRIES} retries")

    def drain(self, limit: int | None = None) -> int:
        """Back online: push the buffered records one by one, each only after the server asked
        for it (``ContinuePushOffline`` naming the last one with ``continue: 1``). Returns the
        records the server took."""
        self.online = True
        taken = 0
        while self.buffer and (limit is None or taken < limit):
            body = self.buffer[0]
            pid = body["AlarmInfoPlate"]["result"]["PlateResult"]["plateid"]
            try:
                reply = self._push(body)
            except PushFailed:
                break
            go_on = reply["Response_AlarmInfoPlate"].get("ContinuePushOffline")
            if not isinstance(go_on, dict) or go_on.get("plateid") != pid:
                break  # not acknowledged: kept, sent again on the next reconnection
            self.buffer.popleft()
            taken += 1
            if go_on.get("continue") != 1:
                break
        return taken

    # -- heartbeat ---------------------------------------------------------------------------

    def poll(self) -> dict[str, Any]:
        """One comet heartbeat: the device fields as multipart/form-data; the reply obeyed."""
        fields = {
            "device_name": "IVS",
            "ipaddr": "192.168.1.100",
            "port": "80",
            "user_name": "admin",
            "serialno": self.serial,
            "channel_num": "1",
        }
        response = self.client.post(
            self.heartbeat_url, files={k: (None, v) for k, v in fields.items()}
        )
        response.raise_for_status()
        reply = response.json()
        self.apply(reply.get("Response_AlarmInfoPlate") or {})
        return reply

    # -- what the camera does with an answer -------------------------------------------------

    def apply(self, answer: dict[str, Any]) -> None:
        if answer.get("info") == "ok" or isinstance(answer.get("ivs_ioctrl"), dict):
            self.board.lifts += 1
        for item in answer.get("serialData") or []:
            raw = base64.b64decode(item["data"])
            if len(raw) != item["dataLen"]:
                raise ValueError("serialData dataLen does not match its data")
            frame = led.decode(raw)
            if frame.cmd == led.SHOW_TEXT and frame.line is not None:
                self.board.lines[frame.line] = frame.text
                self.board.shown.append((frame.line, frame.text))
            elif frame.cmd == led.SPEAK:
                self.board.spoken.append(frame.text)
        voice = answer.get("playserver_json_request")
        if isinstance(voice, dict) and voice.get("type") == "ps_voice_play":
            self.board.spoken.append(base64.b64decode(voice["voice"]).decode("utf-8"))
