"""The camera's heartbeat and its comet polling (manual §2.5 设备注册, §2.6 业务处理).

The request (§2.5.1 普通心跳, §2.5.2 comet轮训, FAQ 4.4): a POST of ``multipart/form-data``
with the fields ``device_name``, ``ipaddr``, ``port``, ``user_name``, ``pass_wd``, ``serialno``,
``channel_num``. With "普通心跳" the camera posts every 5 s (30 s without the offline check) and
ignores the answer; with "comet 轮询" it posts again as soon as it has an answer and acts on it.
Some firmware posts the same fields URL-encoded or as JSON: all three are read.

The reply (§2.6: "服务器在收到车牌识别结果推送、或者 comet 轮询时，回复以下结构的消息"): the same
``Response_AlarmInfoPlate`` object as a push's reply, carrying what the outbox holds for the
camera:

- lift the barrier: ``info: "ok"`` (§2.6.1; IO 0 pulsed by the camera as for a push), or, when
  the command names an output, ``ivs_ioctrl {"io", "value": 2, "delay"}`` (§2.6.6: 2 = 先通后断);
- show text: ``serialData`` 0x62 frames for the LED board (§2.6.2, :mod:`.led`);
- play voice: a 0x30 frame for the board and/or ``playserver_json_request`` (§2.6.5);
- trigger a recognition: ``manualTrigger: "ok"`` (§2.6.4).

Nothing queued: ``{"Response_AlarmInfoPlate": {"info": "no"}}`` (keeps the barrier down).
AlphaDigi's international firmware is said (by integrators) to read ``Response_Heartbeat`` on
the heartbeat; the Chinese manual we follow names ``Response_AlarmInfoPlate``: that is what is
sent.

The outbox's command payloads read here: ``text`` (a string, or a list of up to four lines),
``voice`` (a string), ``io`` (an output number, 0-3) and ``trigger`` (true: ask for a
recognition).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from gatehouse.devices.adapters.vzenith import led
from gatehouse.devices.adapters.vzenith.protocol import RETRANSFER_STOP, lane_output

FIELDS = ("device_name", "ipaddr", "port", "serialno", "channel_num")
_FORM_FIELD = re.compile(rb'name="\s*(\w+)"\s*((?:(?!--)[^\r\n])*)')

BARRIER_LIFT = "barrier.lift"
SHOW_TEXT = "show.text"
PLAY_VOICE = "play.voice"
# How long the IO output stays closed when a command names one (ms).
PULSE_MS = 500


def read_form(content_type: str, body: bytes, form: Mapping[str, Any]) -> dict[str, str]:
    """The heartbeat's fields (``serialno`` first of all) from a parsed form (``form``), a JSON
    body, or — the manual's own example is not well-formed multipart — the raw body."""
    found = {k: str(form.get(k, "")).strip() for k in FIELDS if form.get(k)}
    if found.get("serialno"):
        return found
    if "json" in content_type or body[:1] == b"{":
        try:
            doc = json.loads(body or b"{}")
        except ValueError:
            doc = None
        if isinstance(doc, dict):
            inner = next((v for v in doc.values() if isinstance(v, dict)), doc)
            source = inner if "serialno" in inner else doc
            return {k: str(source[k]).strip() for k in FIELDS if source.get(k) is not None}
    for name, value in _FORM_FIELD.findall(body[:8192]):
        key = name.decode("ascii", "replace")
        if key in FIELDS and key not in found:
            found[key] = value.decode("utf-8", "replace").strip()
    return found


def _lines(text: Any) -> list[str]:
    if isinstance(text, list):
        return [str(t)[:60] for t in text[:4]]
    return [str(text)[:60]] if text else []


def comet_reply(
    commands: Iterable[tuple[str, Mapping[str, Any]]], *, speak: str = "both", channel: int = 0
) -> dict[str, Any]:
    """The reply carrying ``commands`` (kind, payload), in their order: one lift at most (a
    barrier raised twice is raised once), the LED lines of the last text, every voice."""
    out: dict[str, Any] = {"info": "no"}
    lines: list[str] = []
    voices: list[str] = []
    lifted = False
    for kind, payload in commands:
        if kind == BARRIER_LIFT:
            lifted = True
            io = payload.get("io")
            if isinstance(io, int) and 0 <= io <= 3:
                out["ivs_ioctrl"] = {"delay": PULSE_MS, "io": io, "value": 2}
            else:
                out["info"] = "ok"
        if kind in {BARRIER_LIFT, SHOW_TEXT} and payload.get("text"):
            lines = _lines(payload["text"])
        if kind in {BARRIER_LIFT, PLAY_VOICE} and payload.get("voice"):
            voices.append(str(payload["voice"])[:100])
        if payload.get("trigger") is True:
            out["manualTrigger"] = "ok"
    if lifted and "ivs_ioctrl" in out:
        out["info"] = "no"
    if lines or voices:
        out["content"] = RETRANSFER_STOP
        out.update(
            lane_output(
                lines=lines,
                voice="，".join(voices),
                colour=led.GREEN,
                speak=speak,
                channel=channel,
            )
        )
    return {"Response_AlarmInfoPlate": out}
