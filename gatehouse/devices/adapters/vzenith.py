"""The HTTP push of Vzenith (臻识) and compatible lane cameras (``AlarmInfoPlate``).

The camera is configured to POST each plate result as JSON to a URL; the HTTP reply tells it
whether to lift the barrier. Only this subset is read and written:

Request (the fields read)::

    {"AlarmInfoPlate": {
        "serialno": "e2ab41d6-8c9f4a01",          # the camera's serial number
        "result": {"PlateResult": {
            "license": "京A12345",                # the plate as recognised
            "plateid": 1187,                       # the camera's id of this result
            "confidence": 96,                      # 0-100
            "isoffline": 0,                        # 1: buffered while offline, sent late
            "timeStamp": {"Timeval": {"sec": 1795500000, "usec": 120000}}
        }}
    }}

Reply (the fields written)::

    {"Response_AlarmInfoPlate": {
        "info": "ok",          # "ok" lifts the barrier; anything else keeps it down
        "plateid": 1187,       # echoes the result it answers
        "content": "京A12345 欢迎回家",   # text for the LED display
        "is_pay": "true"       # "true" once the fee is settled (or none is due)
    }}

Pictures (``imageFile``), the RS-485 ``serialData`` passthrough for LED/voice boards that need
their own byte protocol, heartbeats and the white-list download are not implemented: a site that
needs voice uses a board that reads ``content``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from gatehouse.core.errors import InvalidInput
from gatehouse.devices.adapters.base import BarrierAnswer, PlateRead

NAME = "vzenith"


def _bad(message: str, field: str) -> InvalidInput:
    return InvalidInput("camera.payload", message, {"field": field})


def _int(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _bad(f"相机推送的 {field} 不是整数", field)
    try:
        return int(value)
    except ValueError:
        raise _bad(f"相机推送的 {field} 不是整数", field) from None


def parse(body: Any) -> PlateRead:
    """The :class:`PlateRead` of one ``AlarmInfoPlate`` push; ``camera.payload`` (422) for
    anything that is not one."""
    info = body.get("AlarmInfoPlate") if isinstance(body, dict) else None
    if not isinstance(info, dict):
        raise _bad("不是车牌识别结果推送（缺少 AlarmInfoPlate）", "AlarmInfoPlate")
    result = info.get("result")
    plate = result.get("PlateResult") if isinstance(result, dict) else None
    if not isinstance(plate, dict):
        raise _bad("推送中缺少 PlateResult", "PlateResult")
    license_ = plate.get("license")
    if not isinstance(license_, str) or not license_.strip():
        raise _bad("推送中缺少车牌号码（license）", "license")
    serial = info.get("serialno")
    if not isinstance(serial, str) or not serial.strip() or len(serial) > 64:
        raise _bad("推送中缺少相机序列号（serialno）", "serialno")
    plate_id = _int(plate.get("plateid"), "plateid")
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
    return PlateRead(
        camera=serial.strip(),
        # The camera numbers its results; with the frame time the pair is unique even after the
        # camera restarts and counts again.
        record=f"{plate_id}@{at.isoformat() if at else '-'}",
        plate=license_,
        at=at,
        confidence=_int(confidence, "confidence") if confidence is not None else None,
        replayed=str(plate.get("isoffline", 0)) == "1",
    )


def plate_id(body: Any) -> int | None:
    """The camera's result id, to echo in the reply (None when the push has none)."""
    try:
        return _int(body["AlarmInfoPlate"]["result"]["PlateResult"]["plateid"], "plateid")
    except (KeyError, TypeError, InvalidInput):
        return None


def reply(answer: BarrierAnswer, body: Any) -> dict[str, Any]:
    """The HTTP reply body that makes the camera act on ``answer``."""
    content = answer.display if not answer.voice else f"{answer.display} {answer.voice}"
    out: dict[str, Any] = {
        "info": "ok" if answer.open else "no",
        "content": content,
        "is_pay": "true" if (answer.fee_fen is None or answer.paid) else "false",
    }
    pid = plate_id(body)
    if pid is not None:
        out["plateid"] = pid
    return {"Response_AlarmInfoPlate": out}


def push(
    serial: str, plate: str, plate_id: int, at: datetime, *, offline: bool = False
) -> dict[str, Any]:
    """One ``AlarmInfoPlate`` push as the camera sends it (the simulator and the demo play the
    camera); ``offline``: buffered by the camera and sent late."""
    return {
        "AlarmInfoPlate": {
            "serialno": serial,
            "deviceName": "IVS",
            "result": {
                "PlateResult": {
                    "license": plate,
                    "plateid": plate_id,
                    "confidence": 95,
                    "isoffline": 1 if offline else 0,
                    "timeStamp": {"Timeval": {"sec": int(at.timestamp()), "usec": 0}},
                }
            },
        }
    }
