"""The RS-485 LED/voice board behind a lane camera: the frames Gatehouse sends it through the
camera's ``serialData`` passthrough.

Which board protocol
--------------------
Vzenith's own manual (HTTP推送协议 §2.6.2 "控制串口推送485数据") only carries bytes: each
``serialData`` item is ``{"serialChannel", "data" (base64), "dataLen" (bytes before base64)}``
and the camera writes the bytes to that RS-485 port (channel 0: 485 port 1; channel 1: 485
port 2 or RS-232, as the board is jumpered). What the bytes mean is the board's protocol. We
implement the one that the LED/voice boards sold with these cameras share (the "00 64 FF FF"
family of Chinese parking display boards) as integrators send it; we checked it against
the frames published in integrators' code (a PHP parking system's ``kai_men`` and an
Android test server's reply, both verifying with CRC-16/MODBUS, and a C# booth client's
``SendText``)::

    00 64 FF FF  CMD  LEN  DATA[LEN]  CRC_lo CRC_hi

- ``00`` board address, ``64`` reserved, ``FF FF`` packet number (none);
- ``CMD``: ``0x62`` show a temporary text on one line; ``0x30`` speak a text;
- ``LEN``: bytes of ``DATA`` (one byte: a frame carries at most 255 bytes of data);
- ``CRC``: CRC-16/MODBUS (polynomial 0xA001 reflected, initial 0xFFFF) over every byte before
  it, low byte first;
- text is GBK (the boards have a GB2312/GBK font; UTF-8 shows as garbage); the yen sign,
  which GBK lacks, is sent as the full-width ￥.

``0x62`` data: ``TW`` (line 0-3), ``ETM`` (enter mode), ``ETS`` (enter speed), ``DM`` (stay
mode), ``DT`` (stay time, s), ``EXM`` (exit mode), ``EXS`` (exit speed), ``FINDEX`` (font),
``DRS`` (repeat), ``TC`` (text colour R G B A), ``BC`` (background colour R G B A), ``TL`` (text
length, 2 bytes little-endian), then the text — 19 bytes before the text.

``0x30`` data: ``OPT`` (``0x01``: drop what is queued and speak now), then the text.

Boards of other protocols (a Vzenith LCD screen driven by ``AD_CONFIG_REQUESTION``, or boards
speaking another framing) are not supported; see the README's plate camera section.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

HEAD = bytes((0x00, 0x64, 0xFF, 0xFF))
SHOW_TEXT = 0x62
SPEAK = 0x30
MAX_DATA = 255
# The text header of a 0x62 frame (everything between LEN and the text).
TEXT_HEADER = 19
MAX_TEXT = MAX_DATA - TEXT_HEADER
ENCODING = "gbk"
# Characters GBK lacks, shown in their full-width form (the fee's ¥ is GBK's ￥).
_FULL_WIDTH = str.maketrans({"¥": "￥"})

GREEN = (0x00, 0xFF, 0x00, 0x00)
RED = (0xFF, 0x00, 0x00, 0x00)
YELLOW = (0xFF, 0xFF, 0x00, 0x00)
BLACK = (0x00, 0x00, 0x00, 0x00)


def crc16_modbus(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def frame(cmd: int, data: bytes) -> bytes:
    """One board frame: header, command, length, data and its CRC (low byte first)."""
    if len(data) > MAX_DATA:
        raise ValueError(f"a board frame carries at most {MAX_DATA} bytes of data")
    body = HEAD + bytes((cmd, len(data))) + data
    crc = crc16_modbus(body)
    return body + bytes((crc & 0xFF, crc >> 8))


def _gbk(text: str, limit: int) -> bytes:
    """``text`` in GBK, cut to ``limit`` bytes on a character boundary (a character the font
    lacks shows as ``?``)."""
    out = b""
    for char in text.translate(_FULL_WIDTH):
        encoded = char.encode(ENCODING, errors="replace")
        if len(out) + len(encoded) > limit:
            break
        out += encoded
    return out


def text_frame(
    line: int, text: str, *, colour: tuple[int, int, int, int] = GREEN, seconds: int = 10
) -> bytes:
    """Show ``text`` on ``line`` (0-3) of the board for ``seconds``, then its default text."""
    encoded = _gbk(text, MAX_TEXT)
    header = bytes(
        (
            line & 0x03,  # TW
            0x15,  # ETM: enter at once
            0x01,  # ETS
            0x00,  # DM: stay
            max(1, min(seconds, 255)),  # DT
            0x00,  # EXM
            0x01,  # EXS
            0x03,  # FINDEX: 16×16 font
            0x00,  # DRS
            *colour,  # TC
            *BLACK,  # BC
            len(encoded) & 0xFF,  # TL, little-endian
            len(encoded) >> 8,
        )
    )
    return frame(SHOW_TEXT, header + encoded)


def voice_frame(text: str) -> bytes:
    """Speak ``text`` now (what was queued on the board is dropped)."""
    return frame(SPEAK, b"\x01" + _gbk(text, MAX_DATA - 1))


@dataclass(frozen=True)
class Decoded:
    """A frame read back (the simulator's board): the command and, for text and voice, the
    text; ``line`` for a text."""

    cmd: int
    text: str
    line: int | None = None


def decode(raw: bytes) -> Decoded:
    """Read one frame as the board does; ``ValueError`` for a bad header, length or CRC."""
    if len(raw) < 8 or raw[:4] != HEAD:
        raise ValueError("not a board frame")
    cmd, length = raw[4], raw[5]
    if len(raw) != 6 + length + 2:
        raise ValueError("frame length does not match LEN")
    crc = crc16_modbus(raw[:-2])
    if raw[-2:] != bytes((crc & 0xFF, crc >> 8)):
        raise ValueError("bad CRC")
    data = raw[6:-2]
    if cmd == SHOW_TEXT:
        size = data[17] | data[18] << 8
        return Decoded(cmd, data[TEXT_HEADER : TEXT_HEADER + size].decode(ENCODING), data[0])
    if cmd == SPEAK:
        return Decoded(cmd, data[1:].decode(ENCODING))
    return Decoded(cmd, "")


def serial_data(frames: list[bytes], channel: int = 0) -> list[dict[str, Any]]:
    """The ``serialData`` items carrying ``frames`` to RS-485 ``channel`` (manual §2.6.2)."""
    return [
        {
            "serialChannel": channel,
            "data": base64.b64encode(raw).decode("ascii"),
            "dataLen": len(raw),
        }
        for raw in frames
    ]
