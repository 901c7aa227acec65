"""Tests for gatehouse.core.ids: table-driven cases plus hypothesis properties."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import numdb

from gatehouse.core.errors import InvalidInput
from gatehouse.core.ids import (
    Plate,
    PlateKind,
    id_number_birth_date,
    id_number_last4,
    parse_card_number,
    parse_id_number,
    parse_mobile,
    parse_plate,
    parse_uscc,
)

TODAY = datetime.date(2025, 6, 1)

# --------------------------------------------------------------------------------------------
# An independent GB 11643-1999 check character (ISO 7064 MOD 11-2), not using stdnum.
# --------------------------------------------------------------------------------------------

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


def gb11643_check(body17: str) -> str:
    assert len(body17) == 17 and body17.isdigit()
    return _CHECK_CHARS[sum(int(d) * w for d, w in zip(body17, _WEIGHTS, strict=True)) % 11]


def make_id(region: str, birth: datetime.date | str, sequence: str = "123") -> str:
    birth_text = birth if isinstance(birth, str) else birth.strftime("%Y%m%d")
    body = region + birth_text + sequence
    return body + gb11643_check(body)


def test_check_helper_agrees_with_the_well_known_example() -> None:
    assert gb11643_check("11010519491231002") == "X"


WELL_KNOWN = "11010519491231002X"


# --------------------------------------------------------------------------------------------
# ID numbers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(WELL_KNOWN, WELL_KNOWN, id="well-known"),
        pytest.param("11010519491231002x", WELL_KNOWN, id="lower-case-x"),
        pytest.param(" 110105 19491231 002x ", WELL_KNOWN, id="spaces"),
        pytest.param("１１０１０５１９４９１２３１００２Ｘ", WELL_KNOWN, id="full-width"),
        pytest.param(make_id("440305", "19900101"), make_id("440305", "19900101"), id="shenzhen"),
        # Hong Kong residence permit: stdnum marks 810000 as "1997-", a 1965 birth is still fine.
        pytest.param(make_id("810000", "19650101"), make_id("810000", "19650101"), id="hk-permit"),
        pytest.param(make_id("830000", "19800515"), make_id("830000", "19800515"), id="tw-permit"),
        # 崇文区 (110103) was abolished in 2010; numbers issued before stay valid forever, and
        # the code is the place of registration, so the birth year is not checked against it.
        pytest.param(make_id("110103", "20150101"), make_id("110103", "20150101"), id="old-county"),
        # Unknown county inside a known prefecture (济南市 370100): a county newer than the data.
        pytest.param(make_id("370199", "20200101"), make_id("370199", "20200101"), id="new-county"),
        pytest.param(make_id("310101", "19000101"), make_id("310101", "19000101"), id="born-1900"),
        pytest.param(make_id("310101", TODAY), make_id("310101", TODAY), id="born-today"),
        pytest.param(make_id("320506", "20000229"), make_id("320506", "20000229"), id="leap-day"),
    ],
)
def test_parse_id_number_accepts(raw: str, expected: str) -> None:
    assert parse_id_number(raw, today=TODAY) == expected


def test_region_assumptions_about_stdnum_data() -> None:
    # The "new-county" case above relies on 370199 being absent and 370100 present.
    db = numdb.get("cn/loc")
    assert "county" not in db.info("370199")[-1][1]
    assert "county" in db.info("370100")[-1][1]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        pytest.param("", "id_number.empty", id="empty"),
        pytest.param("   ", "id_number.empty", id="blank"),
        pytest.param("110105491231002", "id_number.legacy", id="legacy-15"),
        pytest.param("11010549123100X", "id_number.format", id="15-with-x"),
        pytest.param(WELL_KNOWN[:-1], "id_number.format", id="17-chars"),
        pytest.param(WELL_KNOWN + "1", "id_number.format", id="19-chars"),
        pytest.param("1101051949123100A2", "id_number.format", id="letter-inside"),
        pytest.param("X10105194912310021", "id_number.format", id="x-not-last"),
        pytest.param("11010519491231002Y", "id_number.format", id="bad-check-char"),
        pytest.param("11010519491231-02X", "id_number.format", id="dash"),
        pytest.param(make_id("000000", "19900101"), "id_number.region", id="region-000000"),
        pytest.param(make_id("999999", "19900101"), "id_number.region", id="region-999999"),
        pytest.param(make_id("119999", "19900101"), "id_number.region", id="unknown-prefecture"),
        pytest.param(make_id("110105", "19900230"), "id_number.birth_date", id="feb-30"),
        pytest.param(make_id("110105", "19901301"), "id_number.birth_date", id="month-13"),
        pytest.param(make_id("110105", "19900100"), "id_number.birth_date", id="day-0"),
        pytest.param(make_id("110105", "19010229"), "id_number.birth_date", id="not-leap"),
        pytest.param(make_id("110105", "18991231"), "id_number.birth_date", id="before-1900"),
        pytest.param(
            make_id("110105", TODAY + datetime.timedelta(days=1)),
            "id_number.future_birth",
            id="tomorrow",
        ),
        pytest.param(make_id("110105", "20990101"), "id_number.future_birth", id="2099"),
        pytest.param("110105194912310021", "id_number.checksum", id="checksum"),
        pytest.param("11010519491231002O", "id_number.format", id="letter-o-for-zero"),
    ],
)
def test_parse_id_number_rejects(raw: str, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_id_number(raw, today=TODAY)
    error = caught.value
    assert error.code == code
    assert error.message  # a Chinese sentence for the clerk
    assert error.details["field"] == "id_number"
    compact = "".join(raw.split()).upper()
    if len(compact) >= 6:
        assert compact not in repr(error.details)


def test_parse_id_number_accepts_a_datetime_for_today() -> None:
    noon = datetime.datetime(2025, 6, 1, 12, 0)
    assert parse_id_number(make_id("310101", TODAY), today=noon) == make_id("310101", TODAY)


def test_id_number_birth_date() -> None:
    assert id_number_birth_date(WELL_KNOWN) == datetime.date(1949, 12, 31)


def test_id_number_birth_date_rejects_impossible_date() -> None:
    with pytest.raises(InvalidInput) as caught:
        id_number_birth_date(make_id("110105", "19900230"))
    assert caught.value.code == "id_number.birth_date"


def test_id_number_last4() -> None:
    # rule P-04: a forgotten card is checked with the house number and the last 4 of the ID.
    assert id_number_last4(WELL_KNOWN) == "002X"
    assert id_number_last4(make_id("310101", "19800101", "456")) == "456" + gb11643_check(
        "31010119800101456"
    )


@pytest.mark.parametrize("raw", ["", "1234", "110105491231002"], ids=["empty", "short", "legacy"])
def test_id_number_helpers_reject_non_canonical(raw: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        id_number_last4(raw)
    assert caught.value.code == "id_number.format"


REGIONS = ["110105", "310101", "440305", "510107", "650102", "810000", "370117", "530102"]
DIGITS = "0123456789"


@st.composite
def valid_ids(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(REGIONS))
    birth = draw(st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY))
    sequence = draw(st.text(alphabet=DIGITS, min_size=3, max_size=3))
    return make_id(region, birth, sequence)


@given(valid_ids())
def test_valid_ids_round_trip(number: str) -> None:
    assert parse_id_number(number, today=TODAY) == number
    assert parse_id_number(number.lower(), today=TODAY) == number


@given(valid_ids(), st.integers(min_value=0, max_value=17), st.sampled_from(DIGITS + "X"))
def test_changing_any_single_character_fails(number: str, position: int, new: str) -> None:
    if number[position] == new:
        new = "0" if new != "0" else "1"
    changed = number[:position] + new + number[position + 1 :]
    with pytest.raises(InvalidInput):
        parse_id_number(changed, today=TODAY)


# --------------------------------------------------------------------------------------------
# Mobile numbers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("13800138000", "13800138000", id="plain"),
        pytest.param("138 0013 8000", "13800138000", id="spaces"),
        pytest.param("138-0013-8000", "13800138000", id="dashes"),
        pytest.param("+86 138 0013 8000", "13800138000", id="plus86-spaces"),
        pytest.param("+8613800138000", "13800138000", id="plus86"),
        pytest.param("0086 13800138000", "13800138000", id="0086"),
        pytest.param("8613800138000", "13800138000", id="86"),
        pytest.param("(+86) 138-0013-8000", "13800138000", id="parentheses"),
        pytest.param("+86(138)00138000", "13800138000", id="parenthesised-prefix"),
        pytest.param("１３８００１３８０００", "13800138000", id="full-width"),
        pytest.param("17012345678", "17012345678", id="virtual-operator"),
        pytest.param("19912345678", "19912345678", id="199"),
        pytest.param("15912345678", "15912345678", id="159"),
    ],
)
def test_parse_mobile_accepts(raw: str, expected: str) -> None:
    assert parse_mobile(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        pytest.param("", "phone.empty", id="empty"),
        pytest.param("  ", "phone.empty", id="blank"),
        pytest.param("--", "phone.empty", id="only-separators"),
        pytest.param("1380013800a", "phone.format", id="letter"),
        pytest.param("138001380", "phone.format", id="9-digits"),
        pytest.param("138001380001", "phone.format", id="12-digits"),
        pytest.param("+86", "phone.format", id="prefix-only"),
        pytest.param("+86abc", "phone.format", id="plus-letters"),
        pytest.param("138.0013.8000", "phone.format", id="dots"),
        pytest.param("12345678901", "phone.not_mobile", id="unallocated-12x"),
        pytest.param("11012345678", "phone.not_mobile", id="unallocated-110"),
        pytest.param("010-12345678", "phone.not_mobile", id="beijing-landline"),
        pytest.param("(021) 6234 5678", "phone.not_mobile", id="shanghai-landline"),
        pytest.param("+1 415 555 0100", "phone.not_mobile", id="foreign-plus"),
        pytest.param("0044 20 7946 0000", "phone.not_mobile", id="foreign-00"),
    ],
)
def test_parse_mobile_rejects(raw: str, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_mobile(raw)
    assert caught.value.code == code
    assert caught.value.details["field"] == "phone"


# --------------------------------------------------------------------------------------------
# Plates
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "number", "kind", "display"),
    [
        pytest.param("京A12345", "京A12345", PlateKind.ORDINARY, "京A·12345", id="ordinary"),
        pytest.param("京A·12345", "京A12345", PlateKind.ORDINARY, "京A·12345", id="middle-dot"),
        pytest.param("京a•1234x", "京A1234X", PlateKind.ORDINARY, "京A·1234X", id="bullet-lower"),
        pytest.param(" 沪 B-AB123 ", "沪BAB123", PlateKind.ORDINARY, "沪B·AB123", id="2-letters"),
        pytest.param(
            "粤Ｂ．１２３４５", "粤B12345", PlateKind.ORDINARY, "粤B·12345", id="full-width"
        ),
        pytest.param(
            "京AD12345", "京AD12345", PlateKind.NEW_ENERGY_SMALL, "京A·D12345", id="nev-d"
        ),
        pytest.param(
            "粤BFA1234", "粤BFA1234", PlateKind.NEW_ENERGY_SMALL, "粤B·FA1234", id="nev-f"
        ),
        pytest.param(
            "沪AA12345", "沪AA12345", PlateKind.NEW_ENERGY_SMALL, "沪A·A12345", id="nev-a"
        ),
        pytest.param(
            "京A12345D", "京A12345D", PlateKind.NEW_ENERGY_LARGE, "京A·12345D", id="nev-lg"
        ),
        pytest.param(
            "苏E12345F", "苏E12345F", PlateKind.NEW_ENERGY_LARGE, "苏E·12345F", id="nev-lf"
        ),
        pytest.param("京A1234学", "京A1234学", PlateKind.COACH, "京A·1234学", id="coach"),
        pytest.param("京A1234警", "京A1234警", PlateKind.POLICE, "京A·1234警", id="police"),
        pytest.param("川O1234警", "川O1234警", PlateKind.POLICE, "川O·1234警", id="police-o"),
        pytest.param("鲁B1234挂", "鲁B1234挂", PlateKind.TRAILER, "鲁B·1234挂", id="trailer"),
        pytest.param("沪A1234领", "沪A1234领", PlateKind.CONSULATE, "沪A·1234领", id="consulate"),
        pytest.param("京A1234应急", "京A1234应急", PlateKind.EMERGENCY, "京A·1234应急", id="emrg"),
        pytest.param("粤Z1234港", "粤Z1234港", PlateKind.HONG_KONG, "粤Z·1234港", id="hong-kong"),
        pytest.param("粤Z·F023港", "粤ZF023港", PlateKind.HONG_KONG, "粤Z·F023港", id="hk-letter"),
        pytest.param("粤Z1234澳", "粤Z1234澳", PlateKind.MACAU, "粤Z·1234澳", id="macau"),
        pytest.param("使014578", "使014578", PlateKind.EMBASSY, "使014·578", id="embassy"),
        pytest.param("使014·578", "使014578", PlateKind.EMBASSY, "使014·578", id="embassy-dot"),
    ],
)
def test_parse_plate_accepts(raw: str, number: str, kind: PlateKind, display: str) -> None:
    plate = parse_plate(raw)
    assert plate == Plate(number=number, kind=kind)
    assert plate.display == display
    assert str(plate) == display


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        pytest.param("", "plate.empty", id="empty"),
        pytest.param(" · ", "plate.empty", id="only-separators"),
        pytest.param("A12345", "plate.province", id="no-province"),
        pytest.param("港A12345", "plate.province", id="gang-first"),
        pytest.param("WJ0112345", "plate.province", id="armed-police"),
        pytest.param("1京A2345", "plate.province", id="digit-first"),
        pytest.param("京A1234", "plate.format", id="too-short"),
        pytest.param("京A1234567", "plate.format", id="too-long"),
        pytest.param("京12345", "plate.format", id="no-authority-letter"),
        pytest.param("京I12345", "plate.format", id="authority-i"),
        pytest.param("京O12345", "plate.format", id="authority-o-not-police"),
        pytest.param("京A1I345", "plate.format", id="serial-i"),
        pytest.param("京A12O45", "plate.format", id="serial-o"),
        pytest.param("京AABC12", "plate.format", id="3-letters"),
        pytest.param("京AZ12345", "plate.format", id="nev-bad-first-letter"),
        pytest.param("京AD1234A", "plate.format", id="nev-small-letter-tail"),
        pytest.param("京A1234AD", "plate.format", id="nev-large-letter"),
        pytest.param("京A12345E", "plate.format", id="nev-large-e"),
        pytest.param("京A12345学", "plate.format", id="coach-5"),
        pytest.param("京A1234急", "plate.format", id="half-emergency"),
        pytest.param("京Z1234港", "plate.format", id="hk-not-yue"),
        pytest.param("粤A1234澳", "plate.format", id="macau-not-z"),
        pytest.param("使01457", "plate.format", id="embassy-5"),
        pytest.param("使01457A", "plate.format", id="embassy-letter"),
        pytest.param("京A12$45", "plate.format", id="symbol"),
    ],
)
def test_parse_plate_rejects(raw: str, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_plate(raw)
    assert caught.value.code == code
    assert caught.value.details["field"] == "plate"


PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


@st.composite
def serials(draw: st.DrawFn, size: int) -> str:
    """``size`` digits with at most 2 of them replaced by letters (no I, no O)."""
    chars = draw(st.lists(st.sampled_from(DIGITS), min_size=size, max_size=size))
    positions = draw(st.sets(st.integers(0, size - 1), max_size=2))
    for position in positions:
        chars[position] = draw(st.sampled_from(LETTERS))
    return "".join(chars)


def _digits(size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=DIGITS, min_size=size, max_size=size)


@st.composite
def valid_plates(draw: st.DrawFn) -> tuple[str, PlateKind]:
    prefix = draw(st.sampled_from(PROVINCES)) + draw(st.sampled_from(LETTERS))
    kind = draw(st.sampled_from(list(PlateKind)))
    if kind is PlateKind.ORDINARY:
        return prefix + draw(serials(5)), kind
    if kind is PlateKind.NEW_ENERGY_SMALL:
        second = draw(st.sampled_from(LETTERS + DIGITS))
        return prefix + draw(st.sampled_from("ABCDEFGHJK")) + second + draw(_digits(4)), kind
    if kind is PlateKind.NEW_ENERGY_LARGE:
        return prefix + draw(_digits(5)) + draw(st.sampled_from("DF")), kind
    if kind is PlateKind.EMBASSY:
        return "使" + draw(_digits(6)), kind
    suffixes = {
        PlateKind.COACH: "学",
        PlateKind.POLICE: "警",
        PlateKind.TRAILER: "挂",
        PlateKind.CONSULATE: "领",
        PlateKind.EMERGENCY: "应急",
        PlateKind.HONG_KONG: "港",
        PlateKind.MACAU: "澳",
    }
    if kind in (PlateKind.HONG_KONG, PlateKind.MACAU):
        prefix = "粤Z"
    return prefix + draw(serials(4)) + suffixes[kind], kind


@given(valid_plates())
def test_valid_plates_round_trip(case: tuple[str, PlateKind]) -> None:
    number, kind = case
    plate = parse_plate(number)
    assert plate.number == number
    assert plate.kind is kind
    assert parse_plate(plate.number) == plate
    assert parse_plate(plate.display) == plate
    assert parse_plate(plate.display.lower()) == plate


@given(valid_plates(), st.sampled_from("IO"))
def test_letters_i_and_o_never_appear_in_a_serial(case: tuple[str, PlateKind], bad: str) -> None:
    number, _ = case
    position = 4  # always inside the serial, after the 2-character prefix (or 使 + 3 digits)
    changed = number[:position] + bad + number[position + 1 :]
    with pytest.raises(InvalidInput) as caught:
        parse_plate(changed)
    assert caught.value.code == "plate.format"


# --------------------------------------------------------------------------------------------
# Card numbers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("00A1B2C3", "00A1B2C3", id="hex"),
        pytest.param("00a1b2c3", "00A1B2C3", id="hex-lower"),
        pytest.param("0x00A1B2C3", "00A1B2C3", id="0x"),
        pytest.param("0X00a1b2c3", "00A1B2C3", id="0X"),
        pytest.param("00:A1:B2:C3", "00A1B2C3", id="colons"),
        pytest.param("00-a1-b2-c3", "00A1B2C3", id="dashes"),
        pytest.param(" 00 A1 B2 C3 ", "00A1B2C3", id="spaces"),
        pytest.param("0x 00A1 B2C3", "00A1B2C3", id="0x-groups"),
        pytest.param("0010597059", "00A1B2C3", id="decimal-10"),
        pytest.param("161,45763", "00A1B2C3", id="w26"),
        pytest.param("161，45763", "00A1B2C3", id="w26-full-width-comma"),
        pytest.param(" 161 , 45763 ", "00A1B2C3", id="w26-spaces"),
        pytest.param("１６１，４５７６３", "00A1B2C3", id="w26-full-width"),
        pytest.param("0,0", "00000000", id="w26-zero"),
        pytest.param("255,65535", "00FFFFFF", id="w26-max"),
        pytest.param("4294967295", "FFFFFFFF", id="decimal-max"),
        pytest.param("12345678", "12345678", id="8-digits-are-hex"),
        pytest.param("04A23B1C5D6E80", "04A23B1C5D6E80", id="7-byte-uid"),
        pytest.param("04:a2:3b:1c:5d:6e:80", "04A23B1C5D6E80", id="7-byte-colons"),
    ],
)
def test_parse_card_number_accepts(raw: str, expected: str) -> None:
    assert parse_card_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        pytest.param("", "card.empty", id="empty"),
        pytest.param("   ", "card.empty", id="blank"),
        pytest.param("12345", "card.format", id="5-chars"),
        pytest.param("123456789", "card.format", id="9-digits"),
        pytest.param("0x", "card.format", id="0x-only"),
        pytest.param("00A1B2CG", "card.format", id="not-hex"),
        pytest.param("0x0010597059", "card.format", id="0x-with-10-chars"),
        pytest.param("0010-597-059", "card.format", id="decimal-with-separators"),
        pytest.param("161-45763", "card.format", id="w26-with-dash"),
        pytest.param("161;45763", "card.format", id="w26-semicolon"),
        pytest.param("161,45763,1", "card.format", id="w26-three-parts"),
        pytest.param("-1,45763", "card.format", id="w26-negative"),
        pytest.param("A1,B2C3", "card.format", id="w26-hex"),
        pytest.param("161,", "card.format", id="w26-missing-card"),
        pytest.param("4294967296", "card.range", id="decimal-2-32"),
        pytest.param("9999999999", "card.range", id="decimal-too-big"),
        pytest.param("256,0", "card.range", id="w26-facility"),
        pytest.param("0,65536", "card.range", id="w26-card"),
    ],
)
def test_parse_card_number_rejects(raw: str, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_card_number(raw)
    assert caught.value.code == code
    assert caught.value.details["field"] == "card_number"


@given(st.integers(min_value=0, max_value=2**24 - 1))
def test_three_forms_of_a_24_bit_value_are_one_card(value: int) -> None:
    as_hex = parse_card_number(f"{value:08x}")
    as_decimal = parse_card_number(f"{value:010d}")
    as_w26 = parse_card_number(f"{value >> 16},{value & 0xFFFF}")
    assert as_hex == as_decimal == as_w26 == f"{value:08X}"


@given(
    st.one_of(
        st.integers(min_value=0, max_value=2**32 - 1).map(lambda v: f"{v:010d}"),
        st.integers(min_value=0, max_value=2**32 - 1).map(lambda v: f"0x{v:08x}"),
        st.integers(min_value=0, max_value=2**56 - 1).map(lambda v: f"{v:014x}"),
        st.tuples(st.integers(0, 255), st.integers(0, 65535)).map(lambda t: f"{t[0]},{t[1]}"),
    )
)
def test_parse_card_number_is_idempotent(raw: str) -> None:
    canonical = parse_card_number(raw)
    assert parse_card_number(canonical) == canonical
    assert len(canonical) in (8, 14)
    assert canonical == canonical.upper()


# --------------------------------------------------------------------------------------------
# Unified social credit codes
# --------------------------------------------------------------------------------------------

USCC = "91110000600037341L"


@pytest.mark.parametrize(
    "raw",
    [
        USCC,
        USCC.lower(),
        f" {USCC[:2]} {USCC[2:8]} {USCC[8:]} ",
        "９１１１００００６０００３７３４１Ｌ",
    ],
    ids=["plain", "lower", "spaces", "full-width"],
)
def test_parse_uscc_accepts(raw: str) -> None:
    assert parse_uscc(raw) == USCC


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        pytest.param("", "uscc.empty", id="empty"),
        pytest.param(USCC[:-1], "uscc.format", id="17-chars"),
        pytest.param(USCC + "1", "uscc.format", id="19-chars"),
        pytest.param("A" + USCC[1:], "uscc.format", id="letter-in-first-8"),
        pytest.param(USCC[:-1] + "I", "uscc.format", id="letter-i"),
        pytest.param(USCC[:-1] + "M", "uscc.checksum", id="checksum"),
    ],
)
def test_parse_uscc_rejects(raw: str, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_uscc(raw)
    assert caught.value.code == code
    assert caught.value.details["field"] == "uscc"
