"""Normalise and validate the identifiers people type at a gate or a desk.

Every ``parse_*`` function returns the canonical form of its input or raises
:class:`~gatehouse.core.errors.InvalidInput` with a stable ``code``, a Chinese ``message`` for the
guard or clerk, and ``details`` holding the field name and, where useful, the value in masked form
(never a full ID number). Full-width characters typed with a Chinese input method are folded to
their ASCII forms (Unicode NFKC) before anything else.

ID numbers (居民身份证号码, GB 11643-1999)
    18 characters: a 6-digit region code, an 8-digit birth date, a 3-digit sequence and a check
    character (``0``-``9`` or ``X``). The check character comes from :mod:`stdnum.cn.ric`; the
    region table is the one shipped inside python-stdnum (``stdnum/cn/loc.dat``, read from the
    installed package, no network). Region decision: a region code is accepted when

    * it is in stdnum's table, *whatever years the table gives for it*. The code is the place of
      household registration when the number was issued, which may be years after birth (the Hong
      Kong residence permit code 810000 is marked "1997-" and is held by people born before 1997),
      so stdnum's own ``get_birth_place`` year check would refuse real people; or
    * it is ``830000`` (台湾居民居住证), which the table lacks; or
    * its prefecture (first 4 digits + ``00``) is in the table: a county created after stdnum's
      data was compiled still belongs to a known prefecture. We deliberately do not fall back to
      the bare province (first 2 digits): that would make the region check almost empty, and the
      check digit already catches any single mistyped digit.

    The 15-digit first-generation number is refused with its own code, so the clerk can ask for
    the 18-digit number; the birth date must be a real calendar date from 1900-01-01 up to
    ``today``.

Mobile numbers (手机号码)
    Mainland China only, validated with the offline metadata of ``phonenumbers``; ``+86``,
    ``0086`` and ``86`` prefixes and spaces, dashes and parentheses are accepted.

Plates (机动车号牌, GA 36)
    ``L`` below is a letter other than I and O; ``C`` is such a letter or a digit. Neither I nor O
    is used anywhere on a plate, so a plate containing them is ``plate.format``.

    ============================ ===================================== ===============
    kind                          shape                                  example
    ============================ ===================================== ===============
    ordinary (blue/yellow)        province L CCCCC, at most 2 letters    京A12345
    new_energy_small              province L [A-HJK] C dddd              京AD12345
    new_energy_large              province L ddddd [DF]                  京A12345D
    coach / police / trailer      province L CCCC 学 / 警 / 挂           京A1234学
    consulate                     province L CCCC 领                     沪A1234领
    emergency                     province L CCCC 应急                   京A1234应急
    hong_kong / macau             粤Z CCCC 港 / 澳                       粤Z1234港
    embassy                       使 dddddd                              使014578
    ============================ ===================================== ===============

    Decisions: the serial of a plate that is not new-energy holds at most 2 letters (the rule for
    self-chosen numbers; sequential issue stays within it). Small new-energy plates accept the
    widened first letters (D, A, B, C, E for battery-electric; F, G, H, J, K for the others), not
    only D and F. The authority letter O, otherwise unused, is accepted on police plates, where
    some provincial public-security departments use it. Military, armed-police (WJ) and civil
    aviation plates are out of scope and fail with ``plate.province``.

Card numbers (门禁卡号)
    One card has one canonical form, upper-case hexadecimal: 8 digits for a 32-bit value and 14
    for a 7-byte UID. Accepted inputs:

    * the UID in hex: 8 or 14 hex digits, optional ``0x``, separators ``:``, ``-`` or spaces
      (``00:A1:B2:C3``);
    * the 32-bit UID as a 10-digit decimal, zero-padded, as desktop readers type it
      (``0010597059``), below 2**32;
    * Wiegand-26 as ``facility,card`` (comma or full-width comma only; facility 0-255, card
      0-65535), whose value is ``(facility << 16) | card``.

    So ``00A1B2C3``, ``0010597059`` and ``161,45763`` are one card. Caution: a Wiegand-26 number
    equals the card's UID only when the reader reports the UID's low 24 bits and the UID's top
    byte is zero; a card whose top byte is not zero has no Wiegand-26 form equal to its UID.
    Eight characters are always read as hex, never as a short decimal. Separators may only stand
    between whole bytes and the decimal form takes none, so ``161-45763`` is refused rather than
    read as the hex number ``16145763``.

Unified social credit codes (统一社会信用代码)
    18 characters, checked with :mod:`stdnum.cn.uscc`.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError

from gatehouse.core.errors import InvalidInput
from gatehouse.core.masking import mask_card, mask_id_number, mask_phone, mask_plate

__all__ = [
    "Plate",
    "PlateKind",
    "id_number_birth_date",
    "id_number_last4",
    "parse_card_number",
    "parse_id_number",
    "parse_mobile",
    "parse_plate",
    "parse_uscc",
]


def _fold(raw: str) -> str:
    """Full-width to ASCII (NFKC) and trim."""
    return unicodedata.normalize("NFKC", raw).strip()


def _remove(text: str, chars: str) -> str:
    return text.translate({ord(c): None for c in chars})


def _is_ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


# --------------------------------------------------------------------------------------------
# ID numbers
# --------------------------------------------------------------------------------------------

_ID_FIELD: Final = "id_number"
_ID_SHAPE: Final = re.compile(r"[0-9]{17}[0-9X]")
_EARLIEST_BIRTH: Final = datetime.date(1900, 1, 1)
_REGIONS_NOT_IN_STDNUM: Final = frozenset({"830000"})


def _clean_id(raw: str) -> str:
    return "".join(_fold(raw).split()).upper()


def _region_in_stdnum(code: str) -> bool:
    parts = numdb.get("cn/loc").info(code)
    return len(parts) == 2 and bool(parts[0][1]) and "county" in parts[1][1]


def _region_known(code: str) -> bool:
    if code in _REGIONS_NOT_IN_STDNUM or _region_in_stdnum(code):
        return True
    return _region_in_stdnum(code[:4] + "00")


def _birth_date(number: str) -> datetime.date | None:
    try:
        return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def _id_error(code: str, message: str, number: str, **extra: object) -> InvalidInput:
    details: dict[str, object] = {"field": _ID_FIELD}
    if number:
        details["value"] = mask_id_number(number)
    details.update(extra)
    return InvalidInput(code, message, details)


def parse_id_number(raw: str, *, today: datetime.date) -> str:
    """Return the 18-character upper-case ID number or raise :class:`InvalidInput`.

    Codes: ``id_number.empty``, ``id_number.legacy`` (15 digits), ``id_number.format``,
    ``id_number.region``, ``id_number.birth_date``, ``id_number.future_birth``,
    ``id_number.checksum``.
    """
    if isinstance(today, datetime.datetime):
        today = today.date()
    number = _clean_id(raw)
    if not number:
        raise _id_error("id_number.empty", "请输入身份证号码。", number)
    if len(number) == 15 and _is_ascii_digits(number):
        raise _id_error(
            "id_number.legacy",
            "这是15位的第一代身份证号码，已停止使用，请提供18位的第二代身份证号码。",
            number,
        )
    if len(number) != 18:
        raise _id_error(
            "id_number.format",
            f"身份证号码应为18位，当前为{len(number)}位。",
            number,
            length=len(number),
        )
    if not _ID_SHAPE.fullmatch(number):
        raise _id_error(
            "id_number.format",
            "身份证号码前17位应为数字，最后一位为数字或字母X。",
            number,
        )
    if not _region_known(number[:6]):
        raise _id_error(
            "id_number.region",
            "身份证号码前6位不是有效的行政区划代码，请核对。",
            number,
        )
    birth = _birth_date(number)
    if birth is None or birth < _EARLIEST_BIRTH:
        raise _id_error(
            "id_number.birth_date",
            "身份证号码中的出生日期（第7至14位）无效，请核对。",
            number,
        )
    if birth > today:
        raise _id_error(
            "id_number.future_birth",
            "身份证号码中的出生日期晚于今天，请核对。",
            number,
        )
    if number[-1] != ric.calc_check_digit(number):
        raise _id_error(
            "id_number.checksum",
            "身份证号码校验位不正确，可能有输错的数字，请核对。",
            number,
        )
    return number


def _require_canonical_id(canonical: str) -> str:
    number = _clean_id(canonical)
    if not _ID_SHAPE.fullmatch(number):
        raise _id_error(
            "id_number.format",
            "身份证号码应为18位，前17位为数字，最后一位为数字或字母X。",
            number,
        )
    return number


def id_number_birth_date(canonical: str) -> datetime.date:
    """The birth date in a canonical ID number (``id_number.birth_date`` if it is not a date)."""
    number = _require_canonical_id(canonical)
    birth = _birth_date(number)
    if birth is None:
        raise _id_error(
            "id_number.birth_date",
            "身份证号码中的出生日期（第7至14位）无效，请核对。",
            number,
        )
    return birth


def id_number_last4(canonical: str) -> str:
    """The last 4 characters of a canonical ID number (asked for a forgotten card, rule P-04)."""
    return _require_canonical_id(canonical)[-4:]


# --------------------------------------------------------------------------------------------
# Mobile numbers
# --------------------------------------------------------------------------------------------

_PHONE_FIELD: Final = "phone"
_PHONE_SEPARATORS: Final = " \t-()"
_MOBILE_TYPES: Final = frozenset(
    {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE},
)


def _phone_error(code: str, message: str, value: str) -> InvalidInput:
    details: dict[str, object] = {"field": _PHONE_FIELD}
    if value:
        details["value"] = mask_phone(value)
    return InvalidInput(code, message, details)


def _cn_number_type(digits: str) -> int | None:
    """phonenumbers' type for a mainland number, or None when it is not a valid number."""
    try:
        parsed = phonenumbers.parse(digits, "CN")
    except NumberParseException:
        return None
    if parsed.country_code != 86 or not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.number_type(parsed)


def parse_mobile(raw: str) -> str:
    """Return the 11-digit mainland mobile number or raise :class:`InvalidInput`.

    Codes: ``phone.empty``, ``phone.format``, ``phone.not_mobile``.
    """
    text = _remove(_fold(raw), _PHONE_SEPARATORS)
    text = "".join(text.split())
    if not text:
        raise _phone_error("phone.empty", "请输入手机号码。", text)
    if text.startswith("+"):
        rest = text[1:]
        if not _is_ascii_digits(rest):
            raise _phone_error("phone.format", "手机号码只能包含数字。", text)
        if not rest.startswith("86"):
            raise _phone_error(
                "phone.not_mobile",
                "仅支持中国大陆手机号码（+86）。",
                text,
            )
        digits = rest[2:]
    elif text.startswith("00") and _is_ascii_digits(text):
        if not text.startswith("0086"):
            raise _phone_error(
                "phone.not_mobile",
                "仅支持中国大陆手机号码（+86）。",
                text,
            )
        digits = text[4:]
    elif len(text) == 13 and text.startswith("86"):
        digits = text[2:]
    else:
        digits = text
    if not _is_ascii_digits(digits):
        raise _phone_error("phone.format", "手机号码只能包含数字。", text)
    number_type = _cn_number_type(digits)
    if len(digits) == 11 and digits.startswith("1"):
        if number_type in _MOBILE_TYPES:
            return digits
        raise _phone_error(
            "phone.not_mobile",
            "这不是有效的中国大陆手机号码，请核对。",
            digits,
        )
    if number_type is not None:
        raise _phone_error(
            "phone.not_mobile",
            "这不是手机号码（可能是固定电话或服务号码），请填写11位手机号码。",
            digits,
        )
    raise _phone_error(
        "phone.format",
        f"手机号码应为11位数字，当前为{len(digits)}位。",
        digits,
    )


# --------------------------------------------------------------------------------------------
# Plates
# --------------------------------------------------------------------------------------------


class PlateKind(StrEnum):
    ORDINARY = "ordinary"
    NEW_ENERGY_SMALL = "new_energy_small"
    NEW_ENERGY_LARGE = "new_energy_large"
    COACH = "coach"  # 学
    POLICE = "police"  # 警
    TRAILER = "trailer"  # 挂
    CONSULATE = "consulate"  # 领
    EMBASSY = "embassy"  # 使
    EMERGENCY = "emergency"  # 应急
    HONG_KONG = "hong_kong"  # 港
    MACAU = "macau"  # 澳


_PROVINCES: Final = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_EMBASSY_PREFIX: Final = "使"

# Building blocks, all without I and O.
_L: Final = "[A-HJ-NP-Z]"  # a letter
_C: Final = "[A-HJ-NP-Z0-9]"  # a letter or a digit
_P: Final = f"[{_PROVINCES}]"

_PLATE_SHAPES: Final[tuple[tuple[PlateKind, re.Pattern[str]], ...]] = (
    (PlateKind.ORDINARY, re.compile(f"{_P}{_L}(?P<serial>{_C}{{5}})")),
    (PlateKind.NEW_ENERGY_SMALL, re.compile(f"{_P}{_L}[A-HJK]{_C}[0-9]{{4}}")),
    (PlateKind.NEW_ENERGY_LARGE, re.compile(f"{_P}{_L}[0-9]{{5}}[DF]")),
    (PlateKind.COACH, re.compile(f"{_P}{_L}(?P<serial>{_C}{{4}})学")),
    (PlateKind.POLICE, re.compile(f"{_P}(?:{_L}|O)(?P<serial>{_C}{{4}})警")),
    (PlateKind.TRAILER, re.compile(f"{_P}{_L}(?P<serial>{_C}{{4}})挂")),
    (PlateKind.CONSULATE, re.compile(f"{_P}{_L}(?P<serial>{_C}{{4}})领")),
    (PlateKind.EMERGENCY, re.compile(f"{_P}{_L}(?P<serial>{_C}{{4}})应急")),
    (PlateKind.HONG_KONG, re.compile(f"粤Z(?P<serial>{_C}{{4}})港")),
    (PlateKind.MACAU, re.compile(f"粤Z(?P<serial>{_C}{{4}})澳")),
    (PlateKind.EMBASSY, re.compile(f"{_EMBASSY_PREFIX}[0-9]{{6}}")),
)
_MAX_SERIAL_LETTERS: Final = 2
_PLATE_SEPARATORS: Final = " \t·•.-・‧∙⋅"


@dataclass(frozen=True, slots=True)
class Plate:
    """A validated plate: ``number`` is canonical (no separators, upper case)."""

    number: str
    kind: PlateKind

    @property
    def display(self) -> str:
        """The plate as printed: ``京A·12345``, ``粤Z·1234港``; embassy ``使014·578``."""
        if self.kind is PlateKind.EMBASSY:
            return f"{self.number[:4]}·{self.number[4:]}"
        return f"{self.number[:2]}·{self.number[2:]}"

    def __str__(self) -> str:
        return self.display


def _plate_error(code: str, message: str, value: str) -> InvalidInput:
    details: dict[str, object] = {"field": "plate"}
    if value:
        details["value"] = mask_plate(value)
    return InvalidInput(code, message, details)


def _plate_kind(number: str) -> PlateKind | None:
    for kind, pattern in _PLATE_SHAPES:
        match = pattern.fullmatch(number)
        if match is None:
            continue
        serial = match.groupdict().get("serial")
        if serial is not None and sum(c.isalpha() for c in serial) > _MAX_SERIAL_LETTERS:
            return None
        return kind
    return None


def parse_plate(raw: str) -> Plate:
    """Return the validated :class:`Plate` or raise :class:`InvalidInput`.

    Codes: ``plate.empty``, ``plate.province``, ``plate.format``.
    """
    number = _remove(_fold(raw), _PLATE_SEPARATORS)
    number = "".join(number.split()).upper()
    if not number:
        raise _plate_error("plate.empty", "请输入车牌号码。", number)
    if number[0] not in _PROVINCES and number[0] != _EMBASSY_PREFIX:
        raise _plate_error(
            "plate.province",
            "车牌号码应以省份简称（如“京”“粤”）或“使”开头。",
            number,
        )
    kind = _plate_kind(number)
    if kind is None:
        if "I" in number or "O" in number:
            message = "车牌号码格式不正确：车牌不使用字母I和O，请核对是否为数字1和0。"
        else:
            message = "车牌号码格式不正确，请核对。"
        raise _plate_error("plate.format", message, number)
    return Plate(number=number, kind=kind)


# --------------------------------------------------------------------------------------------
# Access card numbers
# --------------------------------------------------------------------------------------------

_CARD_FIELD: Final = "card_number"
_HEX_DIGITS: Final = frozenset("0123456789ABCDEF")
_UID_HEX_LENGTHS: Final = frozenset({8, 14})
_DECIMAL_LENGTH: Final = 10
_MAX_FACILITY: Final = 0xFF
_MAX_W26_CARD: Final = 0xFFFF
_CARD_SEPARATORS: Final = re.compile(r"[\s:-]+")


def _card_error(code: str, message: str, value: str) -> InvalidInput:
    details: dict[str, object] = {"field": _CARD_FIELD}
    if value:
        details["value"] = mask_card(value)
    return InvalidInput(code, message, details)


def _parse_wiegand26(text: str) -> str:
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != 2 or not all(_is_ascii_digits(part) for part in parts):
        raise _card_error(
            "card.format",
            "韦根26卡号应写成“设施码,卡号”，例如 161,45763。",
            text,
        )
    facility, card = int(parts[0]), int(parts[1])
    if facility > _MAX_FACILITY or card > _MAX_W26_CARD:
        raise _card_error(
            "card.range",
            "韦根26卡号超出范围：设施码应为0–255，卡号应为0–65535。",
            text,
        )
    return f"{(facility << 16) | card:08X}"


def parse_card_number(raw: str) -> str:
    """Return the canonical upper-case hex card number or raise :class:`InvalidInput`.

    Codes: ``card.empty``, ``card.format``, ``card.range``.
    """
    text = _fold(raw)  # NFKC also turns the full-width comma into ","
    if not text:
        raise _card_error("card.empty", "请输入卡号。", text)
    if "," in text:
        return _parse_wiegand26(text)
    groups = _CARD_SEPARATORS.split(text)
    explicit_hex = groups[0][:2] in ("0x", "0X")
    if explicit_hex:
        groups[0] = groups[0][2:]
        if not groups[0] and len(groups) > 1:
            groups.pop(0)
    compact = "".join(groups)
    is_decimal = len(compact) == _DECIMAL_LENGTH and _is_ascii_digits(compact)
    if is_decimal and len(groups) == 1 and not explicit_hex:
        value = int(compact)
        if value >= 1 << 32:
            raise _card_error("card.range", "十位十进制卡号应小于4294967296。", compact)
        return f"{value:08X}"
    hex_digits = compact.upper()
    # Separators may only stand between whole bytes, so "161-45763" is not read as hex.
    whole_bytes = len(groups) == 1 or all(len(group) % 2 == 0 for group in groups)
    if whole_bytes and len(hex_digits) in _UID_HEX_LENGTHS and set(hex_digits) <= _HEX_DIGITS:
        return hex_digits
    raise _card_error(
        "card.format",
        "卡号格式不正确：应为8位或14位十六进制、10位十进制，或韦根26格式“设施码,卡号”。",
        compact,
    )


# --------------------------------------------------------------------------------------------
# Unified social credit codes
# --------------------------------------------------------------------------------------------


def parse_uscc(raw: str) -> str:
    """Return the 18-character unified social credit code or raise :class:`InvalidInput`.

    Codes: ``uscc.empty``, ``uscc.format``, ``uscc.checksum``.
    """
    text = "".join(_remove(_fold(raw), "-").split()).upper()
    details: dict[str, object] = {"field": "uscc"}
    if not text:
        raise InvalidInput("uscc.empty", "请输入统一社会信用代码。", details)
    try:
        return uscc.validate(text)
    except InvalidLength:
        raise InvalidInput(
            "uscc.format",
            f"统一社会信用代码应为18位，当前为{len(text)}位。",
            {**details, "length": len(text)},
        ) from None
    except InvalidChecksum:
        raise InvalidInput(
            "uscc.checksum",
            "统一社会信用代码校验位不正确，请核对。",
            details,
        ) from None
    except ValidationError:
        raise InvalidInput(
            "uscc.format",
            "统一社会信用代码格式不正确：前8位为数字，其余为数字或大写字母（不含I、O、Z、S、V）。",
            details,
        ) from None
