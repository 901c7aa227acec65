"""Free text as people type it, made safe to store, compare and export.

One job, done once: every name, note and reason a service stores goes through :func:`clean_text`
(or :func:`clean_name`, which also refuses a name that is nothing but invisible characters).

* Invisible and bidirectional control characters are dropped: zero-width spaces and joiners
  (U+200B–U+200D), the direction marks and embeddings/overrides (U+200E–U+200F, U+202A–U+202E),
  word joiner and invisible operators (U+2060–U+2064), the isolates (U+2066–U+2069), the byte
  order mark (U+FEFF), and every other control (Cc) and format (Cf) character, as well as lone
  surrogates (Cs). A right-to-left override turns "张伟" into a name that displays as something
  else; a zero-width space makes two equal names differ; a NUL cannot be stored by PostgreSQL.
* Ordinary whitespace (space, tab, new line, ideographic space …) is collapsed to one space and
  trimmed.

:func:`looks_like_formula` says whether a spreadsheet would read a text as a formula.
"""

from __future__ import annotations

import unicodedata

from gatehouse.core.errors import InvalidInput

# Unicode categories dropped from free text: controls, format characters, lone surrogates.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})

# The first characters a spreadsheet reads as the start of a formula (or a DDE call).
FORMULA_STARTS = frozenset("=+-@")

NAME_EMPTY = "name.empty"
NAME_TOO_LONG = "name.too_long"


def is_invisible(char: str) -> bool:
    """A control, format or surrogate character that is not ordinary whitespace."""
    return unicodedata.category(char) in _DROPPED_CATEGORIES and not char.isspace()


def strip_invisible(text: str) -> str:
    """``text`` without its invisible and bidirectional control characters (whitespace kept)."""
    return "".join(char for char in text if not is_invisible(char))


def clean_text(raw: str | None, limit: int | None = None) -> str:
    """``raw`` without invisible characters, its whitespace collapsed to single spaces, trimmed,
    and cut to ``limit`` characters (when given)."""
    text = " ".join(strip_invisible(raw or "").split())
    return text if limit is None else text[:limit].rstrip()


def clean_name(
    raw: str | None,
    *,
    limit: int,
    field: str = "name",
    empty_code: str = NAME_EMPTY,
    empty_message: str = "姓名不能为空（不能只含空格或不可见字符）",
    long_code: str = NAME_TOO_LONG,
    long_message: str | None = None,
) -> str:
    """A person's or an organisation's name as it is stored: :func:`clean_text` of ``raw``.

    Raises :class:`InvalidInput` when nothing visible is left (``empty_code``) or when the name
    is longer than ``limit`` characters (``long_code``); ``details`` names the ``field``.
    """
    name = clean_text(raw)
    if not name:
        raise InvalidInput(empty_code, empty_message, {"field": field})
    if len(name) > limit:
        raise InvalidInput(
            long_code, long_message or f"名称不能超过{limit}个字", {"field": field, "limit": limit}
        )
    return name


def require_text(
    value: str | None, *, field: str, label: str, max_length: int, required: bool = True
) -> str:
    """A form field's text as it is stored (:func:`clean_text`), refused with
    ``<field>.empty`` when required and nothing visible is left, ``<field>.too_long`` when longer
    than ``max_length``; ``label`` names the field in the Chinese message."""
    text = clean_text(value)
    if required and not text:
        raise InvalidInput(f"{field}.empty", f"请填写{label}", {"field": field})
    if len(text) > max_length:
        raise InvalidInput(
            f"{field}.too_long", f"{label}不能超过{max_length}个字", {"field": field}
        )
    return text


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet program would take ``text`` typed into a cell for a formula: it
    starts with ``=``, ``+``, ``-`` or ``@`` (also after leading spaces), or with a tab or a
    carriage return (which hide such a start from a reader's eye)."""
    if not text:
        return False
    if text[0] in "\t\r":
        return True
    stripped = text.lstrip()
    return bool(stripped) and stripped[0] in FORMULA_STARTS


def has_nul(text: str) -> bool:
    """Whether ``text`` holds a NUL character (PostgreSQL cannot store one in a text column)."""
    return "\x00" in text
