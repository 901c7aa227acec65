"""Tests for gatehouse.core.masking: table-driven cases plus hypothesis properties."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gatehouse.core.ids import parse_card_number, parse_id_number, parse_plate
from gatehouse.core.masking import mask_card, mask_id_number, mask_name, mask_phone, mask_plate

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


def _with_check(body17: str) -> str:
    total = sum(int(d) * w for d, w in zip(body17, _WEIGHTS, strict=True))
    return body17 + _CHECK_CHARS[total % 11]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("110105199001011234", "110105********1234", id="18"),
        pytest.param("11010519491231002X", "110105********002X", id="x"),
        pytest.param("110105491231002", "************002", id="legacy-15-generic"),
        pytest.param("12345", "****5", id="short"),
        pytest.param("123", "***", id="very-short"),
        pytest.param("", "", id="empty"),
    ],
)
def test_mask_id_number(value: str, expected: str) -> None:
    assert mask_id_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("13800138000", "138****8000", id="mobile"),
        pytest.param("1380013800", "********00", id="10-digits-generic"),
        pytest.param("+8613800138000", "***********000", id="not-canonical"),
        pytest.param("1234", "***4", id="short"),
        pytest.param("", "", id="empty"),
    ],
)
def test_mask_phone(value: str, expected: str) -> None:
    assert mask_phone(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("张三", "张*", id="two"),
        pytest.param("王小明", "王**", id="three"),
        pytest.param("欧阳娜娜", "欧***", id="compound-surname-not-kept"),
        pytest.param("阿不都·热合曼", "阿******", id="with-dot"),
        pytest.param(" 李四 ", "李*", id="trimmed"),
        pytest.param("张", "*", id="one"),
        pytest.param("", "", id="empty"),
    ],
)
def test_mask_name(value: str, expected: str) -> None:
    assert mask_name(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("京A12345", "京A·1**45", id="ordinary"),
        pytest.param("京AD12345", "京A·D***45", id="nev-small"),
        pytest.param("京A12345D", "京A·1***5D", id="nev-large"),
        pytest.param("京A1234学", "京A·1**4学", id="coach"),
        pytest.param("粤Z1234港", "粤Z·1**4港", id="hong-kong"),
        pytest.param("京A1234应急", "京A·1**4应急", id="emergency"),
        pytest.param("使014578", "使014·***", id="embassy"),
        pytest.param("使01", "***", id="embassy-odd"),
        pytest.param("京A1", "***", id="short"),
        pytest.param("", "", id="empty"),
    ],
)
def test_mask_plate(value: str, expected: str) -> None:
    assert mask_plate(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("00A1B2C3", "****B2C3", id="32-bit"),
        pytest.param("04A23B1C5D6E80", "****6E80", id="7-byte"),
        pytest.param("A1B2C3", "*****3", id="short"),
        pytest.param("", "", id="empty"),
    ],
)
def test_mask_card(value: str, expected: str) -> None:
    assert mask_card(value) == expected


def test_masks_work_on_parser_output() -> None:
    today = datetime.date(2025, 6, 1)
    assert mask_id_number(parse_id_number("11010519491231002x", today=today)) == (
        "110105********002X"
    )
    assert mask_plate(parse_plate("京a·12345").number) == "京A·1**45"
    assert mask_card(parse_card_number("161,45763")) == "****B2C3"


@given(
    st.sampled_from(["110105", "310101", "440305", "810000"]),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2025, 6, 1)),
    st.text(alphabet="0123456789", min_size=3, max_size=3),
)
def test_masked_id_never_contains_the_birth_digits(
    region: str, birth: datetime.date, sequence: str
) -> None:
    birth_digits = birth.strftime("%Y%m%d")
    number = _with_check(region + birth_digits + sequence)
    masked = mask_id_number(number)
    assert birth_digits not in masked
    assert masked == number[:6] + "********" + number[-4:]


MASKERS: list[Callable[[str], str]] = [mask_id_number, mask_phone, mask_name, mask_plate, mask_card]


@pytest.mark.parametrize("mask", MASKERS, ids=lambda f: f.__name__)
@given(value=st.text(alphabet=st.characters(exclude_characters="*"), min_size=6, max_size=40))
def test_never_returns_a_long_value_unmasked(mask: Callable[[str], str], value: str) -> None:
    masked = mask(value)
    assert masked != value
    assert "*" in masked
