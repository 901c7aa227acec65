"""The HTTP push of Vzenith (臻识, AlphaDigi abroad) and compatible lane cameras.

The authority is the vendor's manual, 《HTTP推送协议》 (as published in Markdown among integrators'
sources; the section numbers below are its own). Where the manual is silent we follow what
integrators send, and say so.

The push (§2.1.1 识别结果结构定义): the camera POSTs JSON to the configured URL. Read here::

    {"AlarmInfoPlate": {
        "serialno": "fe71e106-57263272",      # §2.1.1 设备序列号; checked: Device.serial_no
        "result": {"PlateResult": {
            "license": "粤Z9065澳",              # 车牌号字符串; "_无_": no plate (§2.1.2)
            "plateid": 21085,                     # 识别结果车牌ID (§2.1.2 item 3-5), echoed back
            "confidence": 96,                     # 1-100
            "colorType": 1,                       # 车牌颜色, table §3.3
            "type": 1,                            # 车牌类型, table §3.2
            "is_fake_plate": 0,                   # 是否伪车牌 (also read as "isFakePlate")
            "isoffline": 0,                       # 1: a record buffered while offline (§2.1.2)
            "imageFile": "…base64…",              # 大图 (whole frame), when the camera sends it
            "imageFragmentFile": "…base64…",      # 小图 (the plate's crop)
            "timeStamp": {"Timeval": {"sec": 1686299994, "usec": 687772}}
        }}
    }}

The reply to a live record (§2.6 业务处理, §2.6.1, §2.6.2, §2.6.5; FAQ 4.5)::

    {"Response_AlarmInfoPlate": {
        "info": "ok",                 # "ok" lifts the barrier (§2.6.1); anything else: stays down
        "plateid": 21085,             # the record answered (§2.1.2 item 4)
        "content": "retransfer_stop", # the control word: "received, do not send it again"
        "is_pay": "true",
        "serialData": [...],          # LED/voice board frames (§2.6.2, :mod:`.led`)
        "playserver_json_request": {"type": "ps_voice_play", "voice": "…base64…", …}  # §2.6.5
    }}

``content`` is not text for a display: integrators answer ``"retransfer_stop"`` (AlphaDigi's
wiki, "API via HTTP POST" 1.2-1.3, as quoted in an integrator's source: a camera that gets no
``Response_AlarmInfoPlate`` with it marks the push as failed, tries the standby server, keeps
the record offline and sends it again without end). The LED and the voice go where the manual
puts them: ``serialData`` for the board on RS-485, ``playserver_json_request`` for the camera's
own speaker.

The reply to a buffered record (§2.1.2 断线重传)::

    {"Response_AlarmInfoPlate": {"ContinuePushOffline": {"plateid": 123, "continue": 1}}}

"only when the server answered the offline record with continue 1 does the camera push the next
one". Such a record is a car that passed while the link was down: it is never answered
``info: "ok"`` (that would lift the barrier now for a car long gone), and gets no LED text.

A push that cannot be used (not JSON, not a plate result, another camera's serial) is answered
HTTP 200 with the barrier down, ``content: "retransfer_stop"`` and an ``error`` object the
camera ignores: a 4xx is a failed push to the camera (§1.1 items 8-9: it retries, up to 4
times, then keeps the record offline and sends it again when "back online"), so a push that
will never be accepted would come back for ever.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Any

from gatehouse.core.errors import InvalidInput
from gatehouse.devices.adapters.base import BarrierAnswer, PlateRead
from gatehouse.devices.adapters.vzenith import led

NAME = "vzenith"
RETRANSFER_STOP = "retransfer_stop"

# §3.3 车牌颜色数据表: code → (our name, label).
COLOURS: dict[int, tuple[str, str]] = {
    0: ("unknown", "未知"),
    1: ("blue", "蓝牌"),
    2: ("yellow", "黄牌"),
    3: ("white", "白牌"),
    4: ("black", "黑牌"),
    5: ("green", "绿牌"),
    6: ("yellow_green", "黄绿牌"),
}
# §3.2 车牌类型数据表: code → label.
PLATE_TYPES: dict[int, str] = {
    0: "未知车牌",
    1: "蓝牌小汽车",
    2: "黑牌小汽车",
    3: "单排黄牌",
    4: "双排黄牌",
    5: "警车车牌",
    6: "武警车牌",
    7: "个性化车牌",
    8: "单排军车牌",
    9: "双排军车牌",
    10: "使馆车牌",
    11: "香港进出中国大陆车牌",
    12: "农用车牌",
    13: "教练车牌",
    14: "澳门进出中国大陆车牌",
    15: "双层武警车牌",
    16: "武警总队车牌",
    17: "双层武警总队车牌",
    18: "民航车牌",
    19: "新能源车牌",
    20: "大型新能源",
    21: "应急车",
    22: "领事馆",
    23: "新标准燃油车",
    24: "新标准新能源",
    25: "机场车牌",
    26: "海外车牌",
    29: "假车牌",
    30: "车标",
    31: "无牌车",
}
NEW_ENERGY_TYPES = frozenset({19, 20, 24})
FAKE_PLATE_TYPE = 29
# A picture larger than this (decoded) is not kept: the push is still decided.
MAX_PICTURE = 3 * 1024 * 1024


def _bad(message: str, field: str) -> InvalidInput:
    return InvalidInput("camera.payload", message, {"field": field})


def _int(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _bad(f"相机推送的 {field} 不是整数", field)
    try:
        return int(value)
    except ValueError:
        raise _bad(f"相机推送的 {field} 不是整数", field) from None


def _code(value: Any) -> int | None:
    """A code of the manual's tables, None when absent or not a number (never refused)."""
    try:
        return None if value is None or isinstance(value, bool) else int(value)
    except (TypeError, ValueError):
        return None


def _picture(value: Any) -> bytes:
    """A base64 picture field decoded; empty when absent, not base64 or too large."""
    if not isinstance(value, str) or not value:
        return b""
    if len(value) > MAX_PICTURE * 4 // 3 + 4:
        return b""
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return b""


def plate_result(body: Any) -> dict[str, Any] | None:
    info = body.get("AlarmInfoPlate") if isinstance(body, dict) else None
    result = info.get("result") if isinstance(info, dict) else None
    plate = result.get("PlateResult") if isinstance(result, dict) else None
    return plate if isinstance(plate, dict) else None


def parse(body: Any) -> PlateRead:
    """The :class:`PlateRead` of one ``AlarmInfoPlate`` push; ``camera.payload`` for anything
    that is not one (the caller answers it in the camera's form, see :func:`error_reply`)."""
    info = body.get("AlarmInfoPlate") if isinstance(body, dict) else None
    if not isinstance(info, dict):
        raise _bad("不是车牌识别结果推送（缺少 AlarmInfoPlate）", "AlarmInfoPlate")
    plate = plate_result(body)
    if plate is None:
        raise _bad("推送中缺少 PlateResult", "PlateResult")
    license_ = plate.get("license")
    if not isinstance(license_, str) or not license_.strip() or len(license_) > 32:
        raise _bad("推送中缺少车牌号码（license）", "license")
    serial = info.get("serialno")
    if not isinstance(serial, str) or not serial.strip() or len(serial) > 64:
        raise _bad("推送中缺少相机序列号（serialno）", "serialno")
    pid = _int(plate.get("plateid"), "plateid")
    at = None
    stamp = plate.get("timeStamp")
    timeval = stamp.get("Timeval") if isinstance(stamp, dict) else None
    if isinstance(timeval, dict) and "sec" in timeval:
        sec = _int(timeval.get("sec"), "sec")
        usec = _int(timeval.get("usec", 0), "usec")
        if not (0 < sec < 4_102_444_800 and 0 <= usec < 1_000_000):  # before 2100
            raise _bad("推送中的识别时间不正确", "timeStamp")
        at = datetime.fromtimestamp(sec, UTC).replace(microsecond=usec)
    confidence = plate.get("confidence")
    fake = plate.get("is_fake_plate", plate.get("isFakePlate", 0))
    plate_type = _code(plate.get("type"))
    return PlateRead(
        camera=serial.strip(),
        # The camera numbers its results; with the frame time the pair is unique even after the
        # camera restarts and counts again (§2.1.2 item 7: the server filters re-sent records
        # by plateid).
        record=f"{pid}@{at.isoformat() if at else '-'}",
        plate=license_,
        at=at,
        confidence=_code(confidence),
        replayed=str(plate.get("isoffline", 0)) == "1",
        plate_id=pid,
        colour=_code(plate.get("colorType")),
        plate_type=plate_type,
        fake=str(fake) in {"1", "True", "true"} or plate_type == FAKE_PLATE_TYPE,
        picture=_picture(plate.get("imageFile")),
        picture_small=_picture(plate.get("imageFragmentFile")),
    )


def plate_id(body: Any) -> int | None:
    """The camera's result id, to echo in the reply (None when the push has none)."""
    plate = plate_result(body)
    try:
        return _int(plate.get("plateid"), "plateid") if plate is not None else None
    except InvalidInput:
        return None


def is_offline(body: Any) -> bool:
    plate = plate_result(body)
    return plate is not None and str(plate.get("isoffline", 0)) == "1"


def colour_name(code: int | None) -> str:
    return COLOURS.get(code, COLOURS[0])[0] if code is not None else ""


def voice_request(text: str) -> dict[str, Any]:
    """The camera's own voice (§2.6.5): ``voice`` is the text in UTF-8, base64."""
    return {
        "type": "ps_voice_play",
        "voice": base64.b64encode(text.encode("utf-8")).decode("ascii"),
        "voice_interval": 0,
        "voice_volume": 100,
        "voice_male": 1,
    }


def lane_output(
    *, lines: list[str], voice: str, colour: tuple[int, int, int, int], speak: str, channel: int
) -> dict[str, Any]:
    """The LED lines and the voice, as the reply fields that carry them: ``serialData`` board
    frames (text lines and, when the board speaks, its voice frame) and, when the camera
    speaks, ``playserver_json_request``. ``speak``: ``board``, ``camera`` or ``both``."""
    frames = [led.text_frame(i, text, colour=colour) for i, text in enumerate(lines[:4]) if text]
    out: dict[str, Any] = {}
    if voice and speak in {"board", "both"}:
        frames.append(led.voice_frame(voice))
    if frames:
        out["serialData"] = led.serial_data(frames, channel)
    if voice and speak in {"camera", "both"}:
        out["playserver_json_request"] = voice_request(voice)
    return out


def reply(
    answer: BarrierAnswer,
    body: Any,
    *,
    lines: list[str] | None = None,
    speak: str = "both",
    channel: int = 0,
) -> dict[str, Any]:
    """The reply to a live record: lift or not, the LED lines (default: the answer's display)
    and its voice."""
    out: dict[str, Any] = {
        "info": "ok" if answer.open else "no",
        "content": RETRANSFER_STOP,
        "is_pay": "true" if (answer.fee_fen is None or answer.paid) else "false",
    }
    pid = plate_id(body)
    if pid is not None:
        out["plateid"] = pid
    out.update(
        lane_output(
            lines=lines if lines is not None else [answer.display],
            voice=answer.voice,
            colour=led.GREEN if answer.open else led.RED,
            speak=speak,
            channel=channel,
        )
    )
    return {"Response_AlarmInfoPlate": out}


def offline_reply(pid: int, *, more: bool = True) -> dict[str, Any]:
    """The reply to a buffered record (§2.1.2): received; ``more``: send the next one. No
    ``info`` (nothing is lifted), no LED text."""
    return {
        "Response_AlarmInfoPlate": {
            "content": RETRANSFER_STOP,
            "ContinuePushOffline": {"plateid": pid, "continue": 1 if more else 0},
        }
    }


def error_reply(
    code: str, message: str, body: Any, *, more: bool = True, channel: int = 0
) -> dict[str, Any]:
    """A push that is not accepted, answered so that the camera stops sending it: HTTP 200, the
    barrier down, ``retransfer_stop``, and ``error`` (ignored by the camera, read by people
    looking at its log). A buffered record that can never be accepted (``more``) is
    acknowledged with ``ContinuePushOffline {continue: 1}``: the camera drops it and sends the
    next. When none can be until someone fixes the configuration (``more`` False) it is not
    acknowledged: the camera keeps its records and stops sending them (§2.1.2: it goes on only
    after an acknowledgement), and sends them again when it next reconnects."""
    out: dict[str, Any] = {
        "info": "no",
        "content": RETRANSFER_STOP,
        "error": {"code": code, "message": message},
    }
    pid = plate_id(body)
    if pid is not None:
        out["plateid"] = pid
        if is_offline(body):
            del out["info"]
            if more:
                out["ContinuePushOffline"] = {"plateid": pid, "continue": 1}
    return {"Response_AlarmInfoPlate": out}


def push(
    serial: str,
    plate: str,
    plate_id: int,
    at: datetime,
    *,
    offline: bool = False,
    colour: int = 1,
    plate_type: int = 1,
    fake: bool = False,
    picture: bytes = b"",
    picture_small: bytes = b"",
    confidence: int = 95,
) -> dict[str, Any]:
    """One ``AlarmInfoPlate`` push as the camera sends it (the simulator and the demo play the
    camera); ``offline``: buffered by the camera and sent late."""
    result: dict[str, Any] = {
        "license": plate,
        "plateid": plate_id,
        "confidence": confidence,
        "colorType": colour,
        "type": plate_type,
        "is_fake_plate": 1 if fake else 0,
        "isoffline": 1 if offline else 0,
        "triggerType": 1,
        "timeStamp": {
            "Timeval": {"sec": int(at.timestamp()), "usec": at.microsecond},
        },
    }
    if picture:
        result["imageFile"] = base64.b64encode(picture).decode("ascii")
        result["imageFileLen"] = len(picture)
    if picture_small:
        result["imageFragmentFile"] = base64.b64encode(picture_small).decode("ascii")
        result["imageFragmentFileLen"] = len(picture_small)
    return {
        "AlarmInfoPlate": {
            "channel": 0,
            "deviceName": "IVS",
            "serialno": serial,
            "result": {"PlateResult": result},
        }
    }
