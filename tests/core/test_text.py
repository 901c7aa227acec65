"""Tests for gatehouse.core.text: table-driven cases plus hypothesis properties."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gatehouse.core.errors import InvalidInput
from gatehouse.core.text import (
    clean_name,
    clean_text,
    has_nul,
    is_invisible,
    looks_like_formula,
    require_text,
    strip_invisible,
)

# Every invisible or bidirectional control the issue names, one by one.
NAMED_INVISIBLES = [
    *[chr(c) for c in range(0x200B, 0x2010)],
    *[chr(c) for c in range(0x202A, 0x202F)],
    *[chr(c) for c in range(0x2060, 0x2065)],
    *[chr(c) for c in range(0x2066, 0x206A)],
    "\ufeff",
    "\x00",
    "\x07",
    "\x7f",
    "\x9b",
    "\u00ad",
    "\U000e0041",  # a tag character
]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("张伟", "张伟"),
        ("  张  伟 ", "张 伟"),
        ("张\u200b伟", "张伟"),
        ("\u202e伟张", "伟张"),
        ("\u2066张伟\u2069", "张伟"),
        ("\ufeff张伟", "张伟"),
        ("张\x00伟", "张伟"),
        ("张\t伟\r\n", "张 伟"),
        ("张\u3000伟", "张 伟"),  # ideographic space is whitespace, kept as one space
        ("Zhang\u00a0Wei", "Zhang Wei"),
        ("", ""),
        (None, ""),
        ("\u200b\u200c\u200d\u200e\u200f", ""),
    ],
)
def test_clean_text(raw: str | None, expected: str) -> None:
    assert clean_text(raw) == expected


def test_clean_text_cuts_to_the_limit_without_a_trailing_space() -> None:
    assert clean_text("张 伟 强", 2) == "张"
    assert clean_text("abcdef", 3) == "abc"


@pytest.mark.parametrize("char", NAMED_INVISIBLES)
def test_every_named_invisible_is_dropped(char: str) -> None:
    assert is_invisible(char)
    assert clean_text(f"李{char}娜") == "李娜"
    assert clean_text(char * 3) == ""


@pytest.mark.parametrize("char", [" ", "\t", "\n", "\r", "\u3000", "\u2028", "a", "张", "·"])
def test_whitespace_and_letters_are_not_invisible(char: str) -> None:
    assert not is_invisible(char)


@pytest.mark.parametrize(
    "raw", ["", "   ", "\u200b", "\u202e\u202c", "\ufeff \u2060", "\x00", "\u2066\u2069\t"]
)
def test_a_name_of_nothing_visible_is_refused(raw: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        clean_name(raw, limit=50)
    assert caught.value.code == "name.empty"
    assert caught.value.details == {"field": "name"}
    assert "不能为空" in caught.value.message


def test_a_name_too_long_is_refused_with_its_own_code() -> None:
    assert clean_name("张" * 50, limit=50) == "张" * 50
    with pytest.raises(InvalidInput) as caught:
        clean_name("张" * 51, limit=50, field="host_name")
    assert caught.value.code == "name.too_long"
    assert caught.value.details == {"field": "host_name", "limit": 50}


def test_a_name_keeps_its_callers_codes() -> None:
    with pytest.raises(InvalidInput) as caught:
        clean_name("\u200b", limit=50, empty_code="person.name_empty", empty_message="姓名不能为空")
    assert (caught.value.code, caught.value.message) == ("person.name_empty", "姓名不能为空")


@pytest.mark.parametrize(
    ("raw", "required", "outcome"),
    [
        ("  楚天  科技 ", True, "楚天 科技"),
        ("\u200b楚天\u202e", True, "楚天"),
        ("\u200b\u202e", True, "name.empty"),
        ("", True, "name.empty"),
        ("\u200b", False, ""),
        ("楚" * 11, False, "name.too_long"),
    ],
)
def test_require_text(raw: str, required: bool, outcome: str) -> None:
    if "." in outcome:
        with pytest.raises(InvalidInput) as caught:
            require_text(raw, field="name", label="企业名称", max_length=10, required=required)
        assert caught.value.code == outcome and caught.value.details == {"field": "name"}
        assert "企业名称" in caught.value.message
    else:
        text = require_text(raw, field="name", label="企业名称", max_length=10, required=required)
        assert text == outcome


@pytest.mark.parametrize(
    ("text", "formula"),
    [
        ("=1+2", True),
        ("+86 138", True),
        ("-2+3", True),
        ("@SUM(A1)", True),
        ("  =HYPERLINK(1)", True),
        ("\u3000=1", True),
        ("\t1", True),
        ("\rabc", True),
        ("张伟", False),
        ("1-2", False),
        ("a=b", False),
        ("", False),
        ("   ", False),
        ("京A·12345", False),
    ],
)
def test_looks_like_formula(text: str, formula: bool) -> None:
    assert looks_like_formula(text) is formula


def test_has_nul() -> None:
    assert has_nul("a\x00b") and not has_nul("ab")


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

_any_text = st.text(st.characters(codec=None), max_size=40)


@given(_any_text)
def test_clean_text_leaves_nothing_invisible_and_no_double_spaces(raw: str) -> None:
    text = clean_text(raw)
    assert not any(is_invisible(c) for c in text)
    assert not any(unicodedata.category(c) in {"Cc", "Cf", "Cs"} for c in text)
    assert text == text.strip()
    assert "  " not in text
    assert not has_nul(text)


@given(_any_text)
def test_clean_text_is_idempotent(raw: str) -> None:
    assert clean_text(clean_text(raw)) == clean_text(raw)


@given(_any_text, st.integers(min_value=0, max_value=50))
def test_the_limit_is_kept(raw: str, limit: int) -> None:
    assert len(clean_text(raw, limit)) <= limit


@given(_any_text)
def test_strip_invisible_only_removes(raw: str) -> None:
    stripped = strip_invisible(raw)
    assert len(stripped) <= len(raw)
    assert [c for c in raw if not is_invisible(c)] == list(stripped)


@given(_any_text)
def test_a_cleaned_name_is_never_empty(raw: str) -> None:
    try:
        name = clean_name(raw, limit=60)
    except InvalidInput as exc:
        assert exc.code in {"name.empty", "name.too_long"}
        assert (exc.code == "name.empty") == (clean_text(raw) == "")
    else:
        assert name and name == clean_text(raw) and len(name) <= 60


@given(st.sampled_from(sorted("=+-@")), st.text(max_size=10), st.text(" \u3000", max_size=3))
def test_a_formula_start_is_seen_after_any_leading_spaces(start: str, rest: str, pad: str) -> None:
    assert looks_like_formula(pad + start + rest)
