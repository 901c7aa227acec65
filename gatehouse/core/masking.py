"""Masked forms of personal data for screens, printed registers and logs.

Each function takes the canonical value produced by :mod:`gatehouse.core.ids` (or a stored name)
and returns a form a guard can recognise without reading the whole value. Input that does not
have the expected shape is never echoed back: it falls through to a generic rule that keeps at
most the last quarter of the characters (and at most four), so a value of six or more characters
is never returned unmasked, whatever it is.

Rules:

* ID number: the 6-digit region and the last 4 characters stay, the 8 birth-date digits are
  masked: ``110105199001011234`` → ``110105********1234``.
* Mobile: the 3-digit network prefix and the last 4 digits stay: ``138****8000``.
* Name: the first character stays and every other character becomes ``*`` (one star per
  character), so ``张三`` → ``张*`` and ``欧阳娜娜`` → ``欧***``. A compound surname is *not*
  kept whole: telling compound surnames from given names needs a dictionary, and revealing
  less is the safe side. A one-character name becomes ``*``.
* Plate: the 2-character prefix (province + authority letter) and any suffix (学, 警, 应急 …)
  stay; of the serial, the first character and the last two (the last one for a 4-character
  serial) stay: ``京A12345`` → ``京A·1**45``, ``京AD12345`` → ``京A·D***45``. An embassy plate
  keeps its 3-digit mission code and masks the sequence: ``使014578`` → ``使014·***``.
* Card: four stars and the last 4 hex digits: ``00A1B2C3`` → ``****B2C3``.
"""

from __future__ import annotations

__all__ = ["mask_card", "mask_id_number", "mask_name", "mask_phone", "mask_plate"]

_STAR = "*"
_PLATE_SUFFIXES_1 = frozenset("学警挂领港澳")
_PLATE_SUFFIX_EMERGENCY = "应急"
_EMBASSY = "使"


def _mask_generic(value: str) -> str:
    """Mask all but the last quarter (at most 4) of ``value``; short values are fully masked."""
    keep = min(4, len(value) // 4)
    if keep == 0:
        return _STAR * len(value)
    return _STAR * (len(value) - keep) + value[-keep:]


def mask_id_number(value: str) -> str:
    """``110105199001011234`` → ``110105********1234``; other shapes use the generic rule."""
    if len(value) == 18:
        return value[:6] + _STAR * 8 + value[14:]
    return _mask_generic(value)


def mask_phone(value: str) -> str:
    """``13800138000`` → ``138****8000``; other shapes use the generic rule."""
    if len(value) == 11 and value.isascii() and value.isdigit():
        return value[:3] + _STAR * 4 + value[7:]
    return _mask_generic(value)


def mask_name(value: str) -> str:
    """Keep the first character, mask the rest: ``张三`` → ``张*``, ``欧阳娜娜`` → ``欧***``."""
    name = value.strip()
    if len(name) <= 1:
        return _STAR * len(name)
    return name[0] + _STAR * (len(name) - 1)


def _mask_serial(serial: str) -> str:
    tail = 2 if len(serial) >= 5 else 1
    return serial[0] + _STAR * (len(serial) - 1 - tail) + serial[-tail:]


def mask_plate(value: str) -> str:
    """``京A12345`` → ``京A·1**45``, ``使014578`` → ``使014·***``; odd input: generic rule."""
    if value.startswith(_EMBASSY):
        if len(value) == 7 and value[1:].isascii() and value[1:].isdigit():
            return value[:4] + "·" + _STAR * 3
        return _mask_generic(value)
    if value.endswith(_PLATE_SUFFIX_EMERGENCY):
        suffix = _PLATE_SUFFIX_EMERGENCY
    elif value[-1:] in _PLATE_SUFFIXES_1:
        suffix = value[-1]
    else:
        suffix = ""
    serial = value[2 : len(value) - len(suffix)]
    if len(serial) < 4 or not serial.isascii():
        return _mask_generic(value)
    return value[:2] + "·" + _mask_serial(serial) + suffix


def mask_card(value: str) -> str:
    """``00A1B2C3`` → ``****B2C3`` (also for 14-digit UIDs); shorter input uses the generic rule."""
    if len(value) >= 8:
        return _STAR * 4 + value[-4:]
    return _mask_generic(value)
